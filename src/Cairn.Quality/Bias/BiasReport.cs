using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cairn.Quality.Reports;

namespace Cairn.Quality.Bias;

/// <summary>Where the analysed rows and predictions came from, for the report's header.</summary>
public sealed record BiasReportSource(string Data, BiasSpec Spec, string? Model = null);

/// <summary>A bias analysis as JSON (<c>bias.json</c>) and as a self-contained HTML page with per-group bar charts.</summary>
public static class BiasReport
{
    public const string JsonFile = "bias.json";
    public const string HtmlFile = "bias.html";

    /// <summary>The per-group metrics the report shows, with their JSON names.</summary>
    public static readonly IReadOnlyList<(GroupMetric Metric, string Name)> FrameMetrics =
    [
        (GroupMetric.Count, "count"),
        (GroupMetric.SelectionRate, "selection_rate"),
        (GroupMetric.BaseRate, "base_rate"),
        (GroupMetric.Accuracy, "accuracy"),
        (GroupMetric.TruePositiveRate, "true_positive_rate"),
        (GroupMetric.FalsePositiveRate, "false_positive_rate"),
        (GroupMetric.TrueNegativeRate, "true_negative_rate"),
        (GroupMetric.FalseNegativeRate, "false_negative_rate"),
        (GroupMetric.Precision, "precision"),
    ];

    public static string Json(BiasResult result, BiasReportSource source)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var spec = source.Spec;
            json.WriteStartObject();
            json.WriteString("data", source.Data);
            WriteNullable(json, "model", source.Model);
            WriteNullable(json, "prediction_column", spec.PredictionColumn);
            WriteNumberOrNull(json, "probability_threshold", spec.ProbabilityThreshold);
            json.WriteStartObject("facet");
            json.WriteString("column", spec.Facet);
            WriteStrings(json, "values", spec.FacetValues);
            WriteNumberOrNull(json, "threshold", spec.FacetThreshold);
            json.WriteEndObject();
            json.WriteStartObject("label");
            json.WriteString("column", spec.Label);
            WriteStrings(json, "positive_values", spec.PositiveValues);
            WriteNumberOrNull(json, "threshold", spec.LabelThreshold);
            json.WriteEndObject();
            WriteNullable(json, "group", spec.Group);
            json.WriteNumber("rows", result.Counts.A.Rows + result.Counts.D.Rows);
            json.WriteStartObject("counts");
            WriteCounts(json, "a", result.Counts.A);
            WriteCounts(json, "d", result.Counts.D);
            json.WriteEndObject();
            json.WriteStartObject("label_distribution");
            WriteStrings(json, "values", result.Distributions.Values);
            WriteNumbers(json, "a", result.Distributions.A);
            WriteNumbers(json, "d", result.Distributions.D);
            json.WriteEndObject();
            WriteMetrics(json, "pre_training", result.PreTraining);
            WriteMetrics(json, "post_training", result.PostTraining);
            WriteMetrics(json, "group_fairness", result.GroupFairness);
            json.WriteStartObject("strata");
            WriteStrata(json, "labels", result.LabelStrata);
            WriteStrata(json, "predictions", result.PredictionStrata);
            json.WriteEndObject();
            if (result.Frame is { } frame)
            {
                WriteFrame(json, frame);
            }
            else
            {
                json.WriteNull("metric_frame");
            }

            if (result.ControlFrames is { } controls)
            {
                json.WriteStartObject("metric_frame_by_control");
                foreach (var (stratum, controlFrame) in controls)
                {
                    WriteFrame(json, controlFrame, stratum);
                }

                json.WriteEndObject();
            }

            WriteStrings(json, "flagged", [.. result.All.Where(m => m.Flagged).Select(m => m.Code)]);
            WriteStrings(json, "notes", result.Notes);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Html(BiasResult result, BiasReportSource source)
    {
        var spec = source.Spec;
        string selection = spec.FacetThreshold is { } t ? $"{spec.Facet} > {Format(t)}" : $"{spec.Facet} ∈ {{{string.Join(", ", spec.FacetValues)}}}";
        var flagged = result.All.Where(m => m.Flagged).ToList();
        var report = new HtmlReport($"Bias report: {selection}")
            .Facts(
            [
                ("Data", source.Data),
                ("Predictions", (source.Model is { } model ? $"model {model}" : spec.PredictionColumn is { } column ? $"column '{column}'" : "none (pre-training metrics only)")
                    + (spec.ProbabilityThreshold is { } pt ? $", positive when the score > {Format(pt)}" : "")),
                ("Sensitive group d", $"{selection}: {result.Counts.D.Rows} rows"),
                ("Other rows a", $"{result.Counts.A.Rows} rows"),
                ("Label", spec.LabelThreshold is { } lt ? $"{spec.Label} > {Format(lt)}" : spec.PositiveValues.Count > 0 ? $"{spec.Label} ∈ {{{string.Join(", ", spec.PositiveValues)}}}" : $"{spec.Label} = true"),
                ("Strata", spec.Group ?? "none"),
            ])
            .Verdict(
                flagged.Count == 0 ? "No metric is outside its fair range." : $"{flagged.Count} metric(s) outside their fair range: {string.Join(", ", flagged.Select(m => m.Code))}.",
                flagged.Count > 0);

        foreach (var note in result.Notes)
        {
            report.Paragraph(note, "note");
        }

        report.Heading("Pre-training metrics (labels only)");
        MetricTable(report, result.PreTraining);
        if (result.PostTraining.Count > 0)
        {
            report.Heading("Post-training metrics (labels and predictions)");
            MetricTable(report, result.PostTraining);
            report.Heading("Group fairness (Fairlearn)");
            MetricTable(report, result.GroupFairness);
        }

        if (result.Frame is { } frame)
        {
            report.Heading("Per-group metrics");
            report.Table(
                ["metric", "overall", .. frame.Groups],
                FrameMetrics.Select(m => (IReadOnlyList<string>)[m.Name, Format(frame.Overall(m.Metric)), .. frame.Groups.Select(g => Format(frame.ByGroup(m.Metric, g)))]));
            report.Figure(GroupBarChart.Render(frame, "Rates by group"), "Each bar is one group's rate; the dashed line marks the rate over all rows.");
            if (result.ControlFrames is { } controls)
            {
                report.Heading("Within each control stratum", 3);
                report.Table(
                    ["stratum", "rows (weight)", "demographic parity difference", "equalized odds difference", "equal opportunity difference"],
                    controls.Select(c => (IReadOnlyList<string>)
                    [
                        c.Key, Format(c.Value.OverallCounts.Weight), Format(c.Value.DemographicParityDifference()),
                        Format(c.Value.EqualizedOddsDifference()), Format(c.Value.EqualOpportunityDifference()),
                    ]));
            }
        }
        else
        {
            report.Heading("Label positive rate by side");
            report.Figure(GroupBarChart.Render(result.Counts, "Positive label rate"), "q_a and q_d: the share of positive labels in each side of the facet.");
        }

        report.Figure(GroupBarChart.Render(result.All.ToList(), "Bias metrics"), "Red bars are outside their fair range; infinite values are listed in the tables only.");
        foreach (var (title, strata) in new[] { ("Label disparity by stratum", result.LabelStrata), ("Prediction disparity by stratum", result.PredictionStrata) })
        {
            if (strata is not null)
            {
                report.Heading(title, 3);
                report.Table(["stratum", "rows", "disparity"], strata.Select(s => (IReadOnlyList<string>)[s.Group, s.Rows.ToString(CultureInfo.InvariantCulture), Format(s.Disparity)]));
            }
        }

        return report.Render();
    }

    public static string Format(double value) =>
        double.IsNaN(value) ? "n/a" : double.IsPositiveInfinity(value) ? "∞" : double.IsNegativeInfinity(value) ? "−∞" : value.ToString("0.####", CultureInfo.InvariantCulture);

    private static void MetricTable(HtmlReport report, IReadOnlyList<BiasMetric> metrics) =>
        report.Table(
            ["metric", "name", "value", "fair", "passes when", "definition"],
            metrics.Select(m => (IReadOnlyList<string>)[m.Code, m.Name, Format(m.Value), Format(m.FairValue), m.Rule, m.Description]),
            row => metrics[row].Flagged);

    private static void WriteMetrics(Utf8JsonWriter json, string name, IReadOnlyList<BiasMetric> metrics)
    {
        json.WriteStartArray(name);
        foreach (var metric in metrics)
        {
            json.WriteStartObject();
            json.WriteString("code", metric.Code);
            json.WriteString("name", metric.Name);
            WriteNumber(json, "value", metric.Value);
            WriteNumber(json, "fair_value", metric.FairValue);
            WriteNumber(json, "lower", metric.Lower);
            WriteNumber(json, "upper", metric.Upper);
            json.WriteBoolean("flagged", metric.Flagged);
            json.WriteString("definition", metric.Description);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteFrame(Utf8JsonWriter json, MetricFrame frame, string property = "metric_frame")
    {
        json.WriteStartObject(property);
        WriteStrings(json, "groups", frame.Groups);
        json.WriteStartObject("overall");
        foreach (var (metric, name) in FrameMetrics)
        {
            WriteNumber(json, name, frame.Overall(metric));
        }

        json.WriteEndObject();
        json.WriteStartObject("by_group");
        foreach (var group in frame.Groups)
        {
            json.WriteStartObject(group);
            foreach (var (metric, name) in FrameMetrics)
            {
                WriteNumber(json, name, frame.ByGroup(metric, group));
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        foreach (var (kind, compute) in new (string, Func<GroupMetric, FrameMethod, double>)[] { ("difference", frame.Difference), ("ratio", frame.Ratio) })
        {
            json.WriteStartObject(kind);
            foreach (var (metric, name) in FrameMetrics.Skip(1))
            {
                json.WriteStartObject(name);
                WriteNumber(json, "between_groups", compute(metric, FrameMethod.BetweenGroups));
                WriteNumber(json, "to_overall", compute(metric, FrameMethod.ToOverall));
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        WriteNumber(json, "equalized_odds_difference_mean", frame.EqualizedOddsDifference(aggregation: OddsAggregation.Mean));
        WriteNumber(json, "equalized_odds_ratio_mean", frame.EqualizedOddsRatio(aggregation: OddsAggregation.Mean));
        json.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, GroupCounts c)
    {
        json.WriteStartObject(name);
        json.WriteNumber("rows", c.Rows);
        json.WriteNumber("label_positive", c.LabelPositive);
        json.WriteNumber("predicted_positive", c.PredictedPositive);
        json.WriteNumber("true_positive", c.TruePositive);
        json.WriteNumber("false_positive", c.FalsePositive);
        json.WriteNumber("false_negative", c.FalseNegative);
        json.WriteNumber("true_negative", c.TrueNegative);
        json.WriteEndObject();
    }

    private static void WriteStrata(Utf8JsonWriter json, string name, IReadOnlyList<DemographicDisparity.Stratum>? strata)
    {
        if (strata is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        foreach (var stratum in strata)
        {
            json.WriteStartObject();
            json.WriteString("group", stratum.Group);
            json.WriteNumber("rows", stratum.Rows);
            WriteNumber(json, "disparity", stratum.Disparity);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>JSON has no infinities or NaN; they are written as the strings "Infinity", "-Infinity" and "NaN", as MLflow does.</summary>
    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            WriteNumber(json, name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
