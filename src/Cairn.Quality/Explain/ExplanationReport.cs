using System.Globalization;
using System.Text;
using System.Text.Json;
using Cairn.Quality.Reports;

namespace Cairn.Quality.Explain;

/// <summary>An explanation as JSON (every number) and as a self-contained HTML report (tables and SVG figures).</summary>
public static class ExplanationReport
{
    /// <summary>Rows that get a waterfall in the HTML report; the JSON always holds every explained row.</summary>
    public const int MaxWaterfalls = 10;

    public static string Json(Explanation e)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("method", e.Method);
            json.WriteString("output", e.Output);
            Number(json, "expected_value", e.ExpectedValue);
            json.WriteStartArray("features");
            foreach (var feature in e.Features)
            {
                json.WriteStringValue(feature);
            }

            json.WriteEndArray();
            var importance = e.MeanAbsShap();
            json.WriteStartArray("global_importance");
            foreach (int j in e.Ranking())
            {
                json.WriteStartObject();
                json.WriteString("feature", e.Features[j]);
                Number(json, "mean_abs_shap", importance[j]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("rows");
            for (int r = 0; r < e.RowIds.Count; r++)
            {
                json.WriteStartObject();
                json.WriteNumber("row_id", e.RowIds[r]);
                Number(json, "prediction", e.Predictions[r]);
                json.WriteStartObject("shap");
                for (int j = 0; j < e.Features.Count; j++)
                {
                    Number(json, e.Features[j], e.Shap[r][j]);
                }

                json.WriteEndObject();
                json.WriteStartObject("values");
                for (int j = 0; j < e.Features.Count; j++)
                {
                    json.WriteString(e.Features[j], e.FeatureTexts[r][j]);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("partial_dependence");
            foreach (var d in e.Dependence)
            {
                json.WriteStartObject();
                json.WriteString("feature", d.Feature);
                json.WriteStartArray("grid");
                foreach (var g in d.Grid)
                {
                    if (g is string text)
                    {
                        json.WriteStringValue(text);
                    }
                    else if (g is bool flag)
                    {
                        json.WriteBooleanValue(flag);
                    }
                    else
                    {
                        json.WriteNumberValue(Convert.ToDouble(g, CultureInfo.InvariantCulture));
                    }
                }

                json.WriteEndArray();
                Numbers(json, "average", d.Average);
                json.WriteStartArray("ice");
                foreach (var curve in d.Ice)
                {
                    Numbers(json, null, curve);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (e.Permutation is { } permutation)
            {
                json.WriteStartObject("permutation_importance");
                json.WriteString("metric", e.PermutationMetric);
                json.WriteStartArray("features");
                foreach (var p in permutation)
                {
                    json.WriteStartObject();
                    json.WriteString("feature", p.Column);
                    Number(json, "mean_drop", p.MeanDrop);
                    Number(json, "std_drop", p.StdDrop);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteStartObject("facts");
            foreach (var (name, value) in e.Facts)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <param name="waterfallRows">Indexes into the explained rows that get a waterfall.</param>
    public static HtmlReport Html(Explanation e, string title, IReadOnlyList<int> waterfallRows)
    {
        var report = new HtmlReport(title);
        report.Facts([("method", e.Method == "tree" ? "TreeSHAP" : "Kernel SHAP"), ("expected value E[f]", ExplanationPlots.Format(e.ExpectedValue)), .. e.Facts]);
        report.Paragraph("SHAP values split each row's " + e.Output + " into one contribution per feature: the expected value plus the contributions gives the row's output exactly.");

        var importance = e.MeanAbsShap();
        var ranking = e.Ranking();
        report.Heading("Global importance");
        report.Figure(ExplanationPlots.Bars(ranking.Select(j => (e.Features[j], importance[j], 0.0)).ToList(), "mean |SHAP value|", "Mean |SHAP| per feature"),
            $"Mean absolute SHAP value over {e.RowIds.Count} rows.");
        report.Table(["feature", "mean |SHAP|"], ranking.Select(j => (IReadOnlyList<string>)[e.Features[j], ExplanationPlots.Format(importance[j])]));

        report.Heading("SHAP summary");
        report.Figure(ExplanationPlots.Beeswarm(e), "One dot per row and feature; colour from low (blue) to high (red) feature value, grey for text values.");

        report.Heading("Rows");
        foreach (int index in waterfallRows)
        {
            report.Figure(ExplanationPlots.Waterfall(e, index), $"Row {e.RowIds[index]}: from E[f] = {ExplanationPlots.Format(e.ExpectedValue)} to f(x) = {ExplanationPlots.Format(e.Predictions[index])}.");
        }

        if (waterfallRows.Count < e.RowIds.Count)
        {
            report.Paragraph($"Waterfalls for {waterfallRows.Count} of {e.RowIds.Count} explained rows; the JSON output holds every row.");
        }

        if (e.Dependence.Count > 0)
        {
            report.Heading("Partial dependence and ICE");
            foreach (var d in e.Dependence)
            {
                report.Figure(ExplanationPlots.Dependence(d, "model output"),
                    $"{d.Feature}: mean output (partial dependence) over {d.Ice.Length} rows with the feature set to each grid value; thin lines are single rows (ICE).");
            }
        }

        if (e.Permutation is { Count: > 0 } permutation)
        {
            report.Heading("Permutation importance");
            report.Figure(ExplanationPlots.Bars(permutation.Select(p => (p.Column, p.MeanDrop, p.StdDrop)).ToList(), $"mean drop in {e.PermutationMetric} when shuffled",
                "Permutation importance"), "Needs the label; ±1 standard deviation over repeats.");
            report.Table(["feature", $"mean drop in {e.PermutationMetric}", "std"],
                permutation.Select(p => (IReadOnlyList<string>)[p.Column, ExplanationPlots.Format(p.MeanDrop), ExplanationPlots.Format(p.StdDrop)]));
        }

        return report;
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Numbers(Utf8JsonWriter json, string? name, IEnumerable<double> values)
    {
        if (name is null)
        {
            json.WriteStartArray();
        }
        else
        {
            json.WriteStartArray(name);
        }

        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                json.WriteNumberValue(v);
            }
            else
            {
                json.WriteNullValue();
            }
        }

        json.WriteEndArray();
    }
}
