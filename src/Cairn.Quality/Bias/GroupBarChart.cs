using Cairn.Training.Plots;

namespace Cairn.Quality.Bias;

/// <summary>
/// Horizontal bar charts for the bias report, drawn with Cairn's SVG primitives. Every bar carries its data
/// (<c>data-group</c>, <c>data-metric</c>, <c>data-value</c>) so readers and tests can map it back to the numbers.
/// </summary>
public static class GroupBarChart
{
    private const double RowHeight = 22, BlockGap = 10, LabelWidth = 230, PlotWidth = 520;

    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private sealed record Bar(string Label, string Group, string Metric, double Value, string Color);

    /// <summary>One block of bars per rate (selection rate, base rate, accuracy, TPR, FPR), one bar per group; a dashed line marks the overall rate.</summary>
    public static string Render(MetricFrame frame, string title)
    {
        var metrics = BiasReport.FrameMetrics.Where(m => m.Metric is GroupMetric.SelectionRate or GroupMetric.BaseRate or GroupMetric.Accuracy
            or GroupMetric.TruePositiveRate or GroupMetric.FalsePositiveRate).ToList();
        var blocks = metrics.Select(m => (
            Name: m.Name,
            Overall: (double?)frame.Overall(m.Metric),
            Bars: frame.Groups.Select((g, i) => new Bar($"{m.Name.Replace('_', ' ')} · {g}", g, m.Name, frame.ByGroup(m.Metric, g), Palette[i % Palette.Length])).ToList())).ToList();
        return Draw(title, "rate", (0, 1), blocks);
    }

    /// <summary>The positive label rate of each side of the facet (no predictions needed).</summary>
    public static string Render(FacetCounts counts, string title) => Draw(title, "rate", (0, 1),
    [
        ("base_rate", ClarifyMath.Divide(counts.A.LabelPositive + counts.D.LabelPositive, counts.A.Rows + counts.D.Rows),
        [
            new Bar("a (other rows)", "a", "base_rate", counts.A.LabelPositiveRate, Palette[0]),
            new Bar("d (sensitive group)", "d", "base_rate", counts.D.LabelPositiveRate, Palette[1]),
        ]),
    ]);

    /// <summary>Signed bars of the finite metric values, red when outside their fair range.</summary>
    public static string Render(IReadOnlyList<BiasMetric> metrics, string title)
    {
        var finite = metrics.Where(m => double.IsFinite(m.Value)).ToList();
        var bars = finite.Select(m => new Bar($"{m.Code}", "", m.Code, m.Value, m.Flagged ? "#d62728" : "#2ca02c")).ToList();
        var domain = bars.Count == 0 ? (-1, 1) : LinearScale.NiceDomain(Math.Min(0, bars.Min(b => b.Value)), Math.Max(0, bars.Max(b => b.Value)));
        return Draw(title, "value (fair value is 0, or 1 for DI and the ratios)", domain, [("metrics", null, bars)]);
    }

    private static string Draw(string title, string xTitle, (double Min, double Max) domain, IReadOnlyList<(string Name, double? Overall, List<Bar> Bars)> blocks)
    {
        int rows = blocks.Sum(b => b.Bars.Count);
        double plotHeight = rows * RowHeight + Math.Max(0, blocks.Count - 1) * BlockGap + BlockGap;
        var svg = new SvgDocument(LabelWidth + PlotWidth + PlotFrame.Right, PlotFrame.Top + plotHeight + PlotFrame.Bottom, title);
        var x = new LinearScale(domain.Min, domain.Max, LabelWidth, LabelWidth + PlotWidth);
        double top = PlotFrame.Top, bottom = PlotFrame.Top + plotHeight;
        svg.Add(SvgDocument.Element(
            "rect", ("class", "plot-area"), ("x", LabelWidth), ("y", top), ("width", PlotWidth), ("height", plotHeight), ("fill", "none"), ("stroke", "#333"),
            ("data-x-domain", $"{SvgDocument.Number(domain.Min)} {SvgDocument.Number(domain.Max)}")));
        var axis = svg.Add(SvgDocument.Element("g", ("class", "x-axis")));
        foreach (double tick in x.Ticks())
        {
            double px = x.Map(tick);
            axis.Add(SvgDocument.Element("line", ("class", "tick"), ("x1", px), ("y1", bottom), ("x2", px), ("y2", bottom + 5), ("stroke", "#333")));
            axis.Add(SvgDocument.Text(px, bottom + 18, LinearScale.Label(tick), "middle", "tick-label"));
        }

        axis.Add(SvgDocument.Text(LabelWidth + PlotWidth / 2, svg.Height - 15, xTitle, "middle", "axis-title"));
        double zero = x.Map(Math.Clamp(0, domain.Min, domain.Max));
        axis.Add(SvgDocument.Element("line", ("class", "zero"), ("x1", zero), ("y1", top), ("x2", zero), ("y2", bottom), ("stroke", "#333")));

        var group = svg.Add(SvgDocument.Element("g", ("class", "bars")));
        double y = top + BlockGap / 2;
        foreach (var (name, overall, bars) in blocks)
        {
            double blockTop = y;
            foreach (var bar in bars)
            {
                double middle = y + RowHeight / 2;
                group.Add(SvgDocument.Text(LabelWidth - 8, middle + 4, bar.Label, "end", "row-label"));
                if (double.IsFinite(bar.Value))
                {
                    double end = x.Map(Math.Clamp(bar.Value, domain.Min, domain.Max));
                    group.Add(SvgDocument.Element(
                        "rect", ("class", "bar"), ("data-group", bar.Group), ("data-metric", bar.Metric), ("data-value", SvgDocument.Number(bar.Value)),
                        ("x", Math.Min(zero, end)), ("y", y + 3), ("width", Math.Abs(end - zero)), ("height", RowHeight - 6), ("fill", bar.Color)));
                    group.Add(SvgDocument.Text(Math.Max(zero, end) + 4, middle + 4, BiasReport.Format(bar.Value), "start", "value-label", ("font-size", "10")));
                }
                else
                {
                    group.Add(SvgDocument.Text(zero + 4, middle + 4, "n/a", "start", "value-label", ("font-size", "10")));
                }

                y += RowHeight;
            }

            if (overall is { } o && double.IsFinite(o))
            {
                double px = x.Map(o);
                group.Add(SvgDocument.Element(
                    "line", ("class", "overall"), ("data-metric", name), ("data-value", SvgDocument.Number(o)),
                    ("x1", px), ("y1", blockTop), ("x2", px), ("y2", y), ("stroke", "#333"), ("stroke-dasharray", "4 3")));
            }

            y += BlockGap;
        }

        return svg.Render();
    }
}
