using System.Globalization;
using Cairn.Training.Plots;

namespace Cairn.Quality.Drift;

/// <summary>
/// A column's baseline and current distributions as an SVG histogram of shares. Numeric columns are drawn on the
/// baseline's frozen bins (dashed lines at every frozen edge; values outside the baseline range in two extra bins at the
/// ends); categorical and discrete columns as paired bars per category (at most <see cref="MaxCategories"/>, the largest).
/// </summary>
public static class DriftHistogramPlot
{
    public const int MaxCategories = 30;
    private const string ReferenceColor = "#1f77b4";
    private const string CurrentColor = "#ff7f0e";

    public static string Render(ColumnDrift column)
    {
        string title = $"{column.Column}: {column.Method} {Format(column.PValue ?? column.Statistic)}{(column.Drifted ? " (drift)" : "")}";
        return column.Histogram.Kind == DriftHistogram.BinsKind ? Bins(column, title) : Categories(column, title);
    }

    private static string Bins(ColumnDrift column, string title)
    {
        var h = column.Histogram;
        var edges = h.Edges!;
        double nR = column.ReferenceCount, nC = column.CurrentCount;
        double width = (edges[^1] - edges[0]) / (edges.Count - 1);
        bool below = h.CurrentBelow > 0, above = h.CurrentAbove > 0;
        double left = below ? edges[0] - width : edges[0], right = above ? edges[^1] + width : edges[^1];

        var shares = new List<(double Low, double High, double Reference, double Current, string Label)>();
        if (below)
        {
            shares.Add((left, edges[0], h.ReferenceBelow / nR, h.CurrentBelow / nC, "below range"));
        }

        for (int i = 0; i < edges.Count - 1; i++)
        {
            shares.Add((edges[i], edges[i + 1], h.Reference[i] / nR, h.Current[i] / nC, $"bin {i}"));
        }

        if (above)
        {
            shares.Add((edges[^1], right, h.ReferenceAbove / nR, h.CurrentAbove / nC, "above range"));
        }

        double top = Math.Max(shares.Max(s => Math.Max(s.Reference, s.Current)), 1e-9);
        var frame = new PlotFrame(new SvgDocument(640, 400, title), (left, right), LinearScale.NiceDomain(0, top), column.Column, "Share of rows");
        var svg = frame.Svg;
        var bars = svg.Add(SvgDocument.Element("g", ("class", "bins")));
        foreach (var (low, high, reference, current, label) in shares)
        {
            var (x0, y0) = frame.Map(low, 0);
            var (x1, _) = frame.Map(high, 0);
            double w = x1 - x0;
            bool outside = label.EndsWith("range", StringComparison.Ordinal);
            bars.Add(SvgDocument.Element(
                "rect", ("class", outside ? "bin reference outside" : "bin reference"), ("data-low", Data(low)), ("data-high", Data(high)), ("data-share", Data(reference)),
                ("x", x0), ("y", frame.Y.Map(reference)), ("width", w), ("height", y0 - frame.Y.Map(reference)),
                ("fill", ReferenceColor), ("fill-opacity", "0.45"), ("stroke", ReferenceColor)));
            bars.Add(SvgDocument.Element(
                "rect", ("class", outside ? "bin current outside" : "bin current"), ("data-low", Data(low)), ("data-high", Data(high)), ("data-share", Data(current)),
                ("x", x0), ("y", frame.Y.Map(current)), ("width", w), ("height", y0 - frame.Y.Map(current)),
                ("fill", CurrentColor), ("fill-opacity", "0.35"), ("stroke", CurrentColor), ("stroke-width", 1.5)));
        }

        // The frozen bins, drawn over the bars.
        var frozen = svg.Add(SvgDocument.Element("g", ("class", "frozen-edges"), ("stroke", "#444"), ("stroke-dasharray", "3 3")));
        foreach (double edge in edges)
        {
            double x = frame.X.Map(edge);
            frozen.Add(SvgDocument.Element("line", ("class", "frozen-edge"), ("data-edge", Data(edge)), ("x1", x), ("y1", frame.Y.RangeMin), ("x2", x), ("y2", frame.Y.RangeMax)));
        }

        // Below the plot, at the right, clear of the bars and of the axis title.
        Legend(svg, svg.Width - PlotFrame.Right - 170, svg.Height - 22);
        return svg.Render();
    }

    private static string Categories(ColumnDrift column, string title)
    {
        var h = column.Histogram;
        double nR = column.ReferenceCount, nC = column.CurrentCount;
        var rows = h.Labels.Select((label, i) => (Label: label, Reference: h.Reference[i] / nR, Current: h.Current[i] / nC))
            .OrderByDescending(r => Math.Max(r.Reference, r.Current)).Take(MaxCategories)
            .OrderBy(r => h.Labels.ToList().IndexOf(r.Label)).ToList();
        bool truncated = h.Labels.Count > rows.Count;
        double slot = Math.Clamp(560.0 / rows.Count, 18, 100);
        double plotLeft = PlotFrame.Left, plotTop = PlotFrame.Top, plotHeight = 260;
        double plotWidth = slot * rows.Count;
        var svg = new SvgDocument(Math.Max(640, plotLeft + plotWidth + 200), plotTop + plotHeight + 110,
            truncated ? title + $" ({rows.Count} of {h.Labels.Count} categories)" : title);
        double top = Math.Max(rows.Max(r => Math.Max(r.Reference, r.Current)), 1e-9);
        var domain = LinearScale.NiceDomain(0, top);
        var y = new LinearScale(domain.Min, domain.Max, plotTop + plotHeight, plotTop);
        svg.Add(SvgDocument.Element(
            "rect", ("class", "plot-area"), ("x", plotLeft), ("y", plotTop), ("width", plotWidth), ("height", plotHeight), ("fill", "none"), ("stroke", "#333"),
            ("data-y-domain", $"{SvgDocument.Number(domain.Min)} {SvgDocument.Number(domain.Max)}")));
        var axis = svg.Add(SvgDocument.Element("g", ("class", "y-axis")));
        foreach (double tick in y.Ticks())
        {
            double ty = y.Map(tick);
            axis.Add(SvgDocument.Element("line", ("class", "tick"), ("x1", plotLeft - 5), ("y1", ty), ("x2", plotLeft), ("y2", ty), ("stroke", "#333")));
            axis.Add(SvgDocument.Text(plotLeft - 8, ty + 4, LinearScale.Label(tick), "end", "tick-label"));
        }

        double middle = plotTop + plotHeight / 2;
        axis.Add(SvgDocument.Text(20, middle, "Share of rows", "middle", "axis-title", ("transform", $"rotate(-90 20 {SvgDocument.Number(middle)})")));

        var bars = svg.Add(SvgDocument.Element("g", ("class", "categories")));
        double bottom = y.Map(0);
        for (int i = 0; i < rows.Count; i++)
        {
            var (label, reference, current) = rows[i];
            double x = plotLeft + i * slot, barWidth = (slot - 6) / 2;
            bars.Add(SvgDocument.Element(
                "rect", ("class", "category reference"), ("data-category", label), ("data-share", Data(reference)),
                ("x", x + 3), ("y", y.Map(reference)), ("width", barWidth), ("height", bottom - y.Map(reference)), ("fill", ReferenceColor)));
            bars.Add(SvgDocument.Element(
                "rect", ("class", "category current"), ("data-category", label), ("data-share", Data(current)),
                ("x", x + 3 + barWidth), ("y", y.Map(current)), ("width", barWidth), ("height", bottom - y.Map(current)), ("fill", CurrentColor)));
            double lx = x + slot / 2, ly = bottom + 14;
            var text = label.Length > 18 ? label[..17] + "…" : label;
            bars.Add(SvgDocument.Text(lx, ly, text, "end", "category-label", ("transform", $"rotate(-40 {SvgDocument.Number(lx)} {SvgDocument.Number(ly)})")));
        }

        // To the right of the plot area.
        Legend(svg, plotLeft + plotWidth + 16, plotTop + 4);
        return svg.Render();
    }

    /// <summary>One row: a swatch and label for the baseline, then for the current data, starting at (x, y).</summary>
    private static void Legend(SvgDocument svg, double x, double y)
    {
        var legend = svg.Add(SvgDocument.Element("g", ("class", "legend")));
        legend.Add(SvgDocument.Element("rect", ("x", x), ("y", y), ("width", 14), ("height", 10), ("fill", ReferenceColor)));
        legend.Add(SvgDocument.Text(x + 20, y + 9, "baseline", "start", "legend-label"));
        legend.Add(SvgDocument.Element("rect", ("x", x + 90), ("y", y), ("width", 14), ("height", 10), ("fill", CurrentColor)));
        legend.Add(SvgDocument.Text(x + 110, y + 9, "current", "start", "legend-label"));
    }

    /// <summary>Data attributes keep their precision (drawing coordinates are rounded to 0.01 px, data is not).</summary>
    private static string Data(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A score for people: 4 decimals, scientific below 1e-4, ∞ for infinity.</summary>
    public static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "∞" : value.ToString(Math.Abs(value) is > 0 and < 1e-4 ? "0.###e0" : "0.####", CultureInfo.InvariantCulture);
}
