using System.Globalization;
using Cairn.Training.Plots;

namespace Cairn.Quality.Explain;

/// <summary>
/// The SVG figures of an explanation report, drawn with Cairn's plot primitives: bars, a SHAP beeswarm, waterfalls and
/// partial dependence with ICE lines. Every mark carries its data (<c>data-feature</c>, <c>data-value</c>…) so tests and
/// readers can check a figure against the numbers.
/// </summary>
public static class ExplanationPlots
{
    private const double RowHeight = 28;
    private const string Positive = "#d62728", Negative = "#1f77b4", Neutral = "#999999";

    /// <summary>Horizontal bars in the given order, with optional ±error whiskers.</summary>
    public static string Bars(IReadOnlyList<(string Label, double Value, double Error)> rows, string xTitle, string title)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("There is nothing to plot.");
        }

        var (svg, x, left) = RowChart(rows.Select(r => r.Label).ToList(),
            LinearScale.NiceDomain(Math.Min(0, rows.Min(r => r.Value - r.Error)), Math.Max(0, rows.Max(r => r.Value + r.Error))), xTitle, title);
        var bars = svg.Add(SvgDocument.Element("g", ("class", "bars")));
        for (int i = 0; i < rows.Count; i++)
        {
            var (label, value, error) = rows[i];
            double top = PlotFrame.Top + i * RowHeight, middle = top + RowHeight / 2, zero = x.Map(0), end = x.Map(value);
            bars.Add(SvgDocument.Element("rect", ("class", "bar"), ("data-feature", label), ("data-value", value.ToString("R", CultureInfo.InvariantCulture)),
                ("x", Math.Min(zero, end)), ("y", top + 4), ("width", Math.Abs(end - zero)), ("height", RowHeight - 8), ("fill", Negative)));
            if (error > 0)
            {
                bars.Add(SvgDocument.Element("line", ("class", "error-bar"), ("x1", x.Map(value - error)), ("y1", middle), ("x2", x.Map(value + error)), ("y2", middle), ("stroke", "#333")));
            }
        }

        return svg.Render();
    }

    /// <summary>One row of dots per feature (most important on top): x = SHAP value, colour = the feature's value from low (blue) to high (red).</summary>
    public static string Beeswarm(Explanation explanation, int maxFeatures = 12)
    {
        var order = explanation.Ranking().Take(maxFeatures).ToList();
        var all = order.SelectMany(j => explanation.Shap.Select(row => row[j])).DefaultIfEmpty(0).ToList();
        var (svg, x, _) = RowChart(order.Select(j => explanation.Features[j]).ToList(), LinearScale.NiceDomain(Math.Min(0, all.Min()), Math.Max(0, all.Max())),
            "SHAP value (effect on the " + ShortOutput(explanation) + ")", "SHAP summary");
        var dots = svg.Add(SvgDocument.Element("g", ("class", "dots")));
        for (int i = 0; i < order.Count; i++)
        {
            int j = order[i];
            double middle = PlotFrame.Top + i * RowHeight + RowHeight / 2;
            var numbers = explanation.FeatureNumbers.Select(row => row[j]).Where(double.IsFinite).ToList();
            double low = numbers.DefaultIfEmpty(0).Min(), high = numbers.DefaultIfEmpty(0).Max();
            var stacked = new Dictionary<int, int>();
            foreach (int r in Enumerable.Range(0, explanation.Shap.Length).OrderBy(r => explanation.Shap[r][j]))
            {
                double px = x.Map(explanation.Shap[r][j]);
                int bin = (int)Math.Round(px / 3);
                int count = stacked.GetValueOrDefault(bin);
                stacked[bin] = count + 1;
                double offset = Math.Min(RowHeight / 2 - 3, (count + 1) / 2 * 2.5) * (count % 2 == 0 ? 1 : -1);
                double value = explanation.FeatureNumbers[r][j];
                string color = double.IsFinite(value) && high > low ? Blend((value - low) / (high - low)) : Neutral;
                dots.Add(SvgDocument.Element("circle", ("class", "dot"), ("data-feature", explanation.Features[j]),
                    ("data-shap", explanation.Shap[r][j].ToString("R", CultureInfo.InvariantCulture)), ("cx", px), ("cy", middle + offset), ("r", 2.2), ("fill", color),
                    ("fill-opacity", "0.8")));
            }
        }

        return svg.Render();
    }

    /// <summary>From E[f] at the top, each feature's SHAP value moves the output until it reaches f(x); small effects are pooled.</summary>
    public static string Waterfall(Explanation explanation, int index, int maxFeatures = 10)
    {
        var phi = explanation.Shap[index];
        var order = Enumerable.Range(0, phi.Length).OrderByDescending(j => Math.Abs(phi[j])).ToList();
        var steps = order.Take(maxFeatures).Select(j => (Label: $"{explanation.Features[j]} = {Short(explanation.FeatureTexts[index][j])}", Value: phi[j], Feature: explanation.Features[j])).ToList();
        if (order.Count > maxFeatures)
        {
            steps.Add(($"{order.Count - maxFeatures} other features", order.Skip(maxFeatures).Sum(j => phi[j]), "(other)"));
        }

        var cumulative = new List<double> { explanation.ExpectedValue };
        foreach (var step in steps)
        {
            cumulative.Add(cumulative[^1] + step.Value);
        }

        var (svg, x, _) = RowChart(steps.Select(s => s.Label).ToList(), LinearScale.NiceDomain(cumulative.Min(), cumulative.Max()),
            ShortOutput(explanation), $"Row {explanation.RowIds[index]}: {Format(explanation.ExpectedValue)} → {Format(explanation.Predictions[index])}");
        var bars = svg.Add(SvgDocument.Element("g", ("class", "steps")));
        for (int i = 0; i < steps.Count; i++)
        {
            double top = PlotFrame.Top + i * RowHeight, from = x.Map(cumulative[i]), to = x.Map(cumulative[i + 1]);
            bars.Add(SvgDocument.Element("rect", ("class", "step"), ("data-feature", steps[i].Feature), ("data-shap", steps[i].Value.ToString("R", CultureInfo.InvariantCulture)),
                ("x", Math.Min(from, to)), ("y", top + 4), ("width", Math.Max(1, Math.Abs(to - from))), ("height", RowHeight - 8),
                ("fill", steps[i].Value >= 0 ? Positive : Negative)));
            // The value goes right of its bar, or left of it when the bar ends near the right edge.
            string text = (steps[i].Value >= 0 ? "+" : "") + Format(steps[i].Value);
            bool right = Math.Max(from, to) + 8 + 7 * text.Length < x.RangeMax;
            bars.Add(SvgDocument.Text(right ? Math.Max(from, to) + 4 : Math.Min(from, to) - 4, top + RowHeight / 2 + 4, text, right ? "start" : "end", "step-label"));
        }

        double bottom = PlotFrame.Top + steps.Count * RowHeight;
        foreach (var (value, name) in new[] { (explanation.ExpectedValue, "expected"), (explanation.Predictions[index], "prediction") })
        {
            bars.Add(SvgDocument.Element("line", ("class", name), ("data-value", value.ToString("R", CultureInfo.InvariantCulture)),
                ("x1", x.Map(value)), ("y1", PlotFrame.Top), ("x2", x.Map(value)), ("y2", bottom), ("stroke", "#333"), ("stroke-dasharray", "4 3")));
        }

        return svg.Render();
    }

    /// <summary>Partial dependence (thick) over ICE curves (thin); a categorical feature's values sit at positions 0, 1, 2…</summary>
    public static string Dependence(PartialDependenceResult result, string outputName, int maxCurves = 50)
    {
        bool numeric = result.Grid.All(g => g is double or float or int or long);
        var xs = result.Grid.Select((g, i) => numeric ? Convert.ToDouble(g, CultureInfo.InvariantCulture) : i).ToArray();
        var curves = result.Ice.Take(maxCurves).ToList();
        var ys = curves.SelectMany(c => c).Concat(result.Average).ToList();
        var svg = new SvgDocument(640, 400, $"Partial dependence: {result.Feature}");
        var frame = new PlotFrame(svg, LinearScale.NiceDomain(xs.Min(), xs.Max()), LinearScale.NiceDomain(ys.Min(), ys.Max()),
            numeric ? result.Feature : $"{result.Feature} (" + string.Join(", ", result.Grid.Select((g, i) => $"{i} = {Short(Convert.ToString(g, CultureInfo.InvariantCulture))}")) + ")",
            outputName);
        var lines = svg.Add(SvgDocument.Element("g", ("class", "ice")));
        foreach (var curve in curves)
        {
            lines.Add(SvgDocument.Element("polyline", ("class", "ice-line"), ("points", SvgDocument.Points(curve.Select((y, i) => frame.Map(xs[i], y)))),
                ("fill", "none"), ("stroke", "#9ecae1"), ("stroke-width", 1), ("stroke-opacity", "0.6")));
        }

        svg.Add(SvgDocument.Element("polyline", ("class", "pdp-line"), ("data-values", string.Join(" ", result.Average.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))),
            ("points", SvgDocument.Points(result.Average.Select((y, i) => frame.Map(xs[i], y)))), ("fill", "none"), ("stroke", Positive), ("stroke-width", 3)));
        frame.Legend(("partial dependence (mean)", Positive, "none"), ("ICE (one row)", "#9ecae1", "none"));
        return svg.Render();
    }

    public static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string ShortOutput(Explanation explanation) => explanation.Output.StartsWith("raw score", StringComparison.Ordinal) ? "raw score" : "model output";

    private static string Short(string? text) => text is null ? "" : text.Length <= 24 ? text : text[..23] + "…";

    /// <summary>Blue (low) to red (high).</summary>
    private static string Blend(double t)
    {
        t = Math.Clamp(t, 0, 1);
        int r = (int)Math.Round(0x1f + (0xd6 - 0x1f) * t), g = (int)Math.Round(0x77 + (0x27 - 0x77) * t), b = (int)Math.Round(0xb4 + (0x28 - 0xb4) * t);
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    /// <summary>A chart with one labelled row per entry and a numeric x axis.</summary>
    private static (SvgDocument Svg, LinearScale X, double Left) RowChart(IReadOnlyList<string> labels, (double Min, double Max) domain, string xTitle, string title)
    {
        double left = Math.Min(260, 7 * labels.DefaultIfEmpty("").Max(l => l.Length) + 20);
        double bottom = PlotFrame.Top + labels.Count * RowHeight;
        var svg = new SvgDocument(left + 560, bottom + PlotFrame.Bottom, title);
        var x = new LinearScale(domain.Min, domain.Max, left, svg.Width - PlotFrame.Right);
        svg.Add(SvgDocument.Element("rect", ("class", "plot-area"), ("x", left), ("y", PlotFrame.Top), ("width", x.RangeMax - left), ("height", bottom - PlotFrame.Top),
            ("fill", "none"), ("stroke", "#333"), ("data-x-domain", $"{SvgDocument.Number(domain.Min)} {SvgDocument.Number(domain.Max)}")));
        var axis = svg.Add(SvgDocument.Element("g", ("class", "x-axis")));
        foreach (double tick in x.Ticks())
        {
            double px = x.Map(tick);
            axis.Add(SvgDocument.Element("line", ("class", "tick"), ("x1", px), ("y1", bottom), ("x2", px), ("y2", bottom + 5), ("stroke", "#333")));
            axis.Add(SvgDocument.Text(px, bottom + 18, LinearScale.Label(tick), "middle", "tick-label"));
        }

        axis.Add(SvgDocument.Text((left + x.RangeMax) / 2, svg.Height - 15, xTitle, "middle", "axis-title"));
        if (domain.Min < 0 && domain.Max > 0)
        {
            axis.Add(SvgDocument.Element("line", ("class", "zero"), ("x1", x.Map(0)), ("y1", PlotFrame.Top), ("x2", x.Map(0)), ("y2", bottom), ("stroke", "#bbb")));
        }

        var rows = svg.Add(SvgDocument.Element("g", ("class", "row-labels")));
        for (int i = 0; i < labels.Count; i++)
        {
            rows.Add(SvgDocument.Text(left - 8, PlotFrame.Top + i * RowHeight + RowHeight / 2 + 4, labels[i], "end", "row-label"));
        }

        return (svg, x, left);
    }
}
