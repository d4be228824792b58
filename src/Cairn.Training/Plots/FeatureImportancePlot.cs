using Cairn.Training.Explain;

namespace Cairn.Training.Plots;

/// <summary>Horizontal bars of mean metric drop, most important first, with ±1 standard deviation error bars.</summary>
internal static class FeatureImportancePlot
{
    private const double RowHeight = 28;

    public static string Render(IReadOnlyList<FeatureImportance> importances, string metric, string title)
    {
        if (importances.Count == 0)
        {
            throw new ArgumentException("There are no feature importances to plot.");
        }

        var ordered = importances.OrderByDescending(i => i.MeanDrop).ThenBy(i => i.Column, StringComparer.Ordinal).ToList();
        double labelWidth = Math.Min(220, 7 * ordered.Max(i => i.Column.Length) + 20);
        double height = PlotFrame.Top + PlotFrame.Bottom + RowHeight * ordered.Count;
        var svg = new SvgDocument(labelWidth + 560, height, title);
        var domain = LinearScale.NiceDomain(
            Math.Min(0, ordered.Min(i => i.MeanDrop - i.StdDrop)), Math.Max(0, ordered.Max(i => i.MeanDrop + i.StdDrop)));

        // A numeric x axis; the y axis holds one row per column, so its domain is the row index.
        var frame = new ShiftedFrame(svg, labelWidth, domain, ordered.Count, $"Mean drop in {metric} when shuffled");
        var bars = svg.Add(SvgDocument.Element("g", ("class", "bars")));
        for (int row = 0; row < ordered.Count; row++)
        {
            var importance = ordered[row];
            double top = PlotFrame.Top + row * RowHeight, middle = top + RowHeight / 2;
            double zero = frame.X.Map(0), end = frame.X.Map(importance.MeanDrop);
            bars.Add(SvgDocument.Element(
                "rect", ("class", "bar"), ("data-column", importance.Column), ("data-mean", importance.MeanDrop), ("data-std", importance.StdDrop),
                ("x", Math.Min(zero, end)), ("y", top + 4), ("width", Math.Abs(end - zero)), ("height", RowHeight - 8), ("fill", "#1f77b4")));
            double low = frame.X.Map(importance.MeanDrop - importance.StdDrop), high = frame.X.Map(importance.MeanDrop + importance.StdDrop);
            bars.Add(SvgDocument.Element("line", ("class", "error-bar"), ("x1", low), ("y1", middle), ("x2", high), ("y2", middle), ("stroke", "#333")));
            bars.Add(SvgDocument.Element("line", ("class", "error-cap"), ("x1", low), ("y1", middle - 5), ("x2", low), ("y2", middle + 5), ("stroke", "#333")));
            bars.Add(SvgDocument.Element("line", ("class", "error-cap"), ("x1", high), ("y1", middle - 5), ("x2", high), ("y2", middle + 5), ("stroke", "#333")));
            bars.Add(SvgDocument.Text(labelWidth - 8, middle + 4, importance.Column, "end", "row-label"));
        }

        return svg.Render();
    }

    /// <summary>The x axis of a bar chart whose left margin fits the row labels.</summary>
    private sealed class ShiftedFrame
    {
        public ShiftedFrame(SvgDocument svg, double left, (double Min, double Max) domain, int rows, string xTitle)
        {
            X = new LinearScale(domain.Min, domain.Max, left, svg.Width - PlotFrame.Right);
            double bottom = PlotFrame.Top + rows * RowHeight;
            svg.Add(SvgDocument.Element(
                "rect", ("class", "plot-area"), ("x", left), ("y", PlotFrame.Top), ("width", X.RangeMax - left), ("height", bottom - PlotFrame.Top),
                ("fill", "none"), ("stroke", "#333"), ("data-x-domain", $"{SvgDocument.Number(domain.Min)} {SvgDocument.Number(domain.Max)}")));
            var axis = svg.Add(SvgDocument.Element("g", ("class", "x-axis")));
            foreach (double tick in X.Ticks())
            {
                double x = X.Map(tick);
                axis.Add(SvgDocument.Element("line", ("class", "tick"), ("x1", x), ("y1", bottom), ("x2", x), ("y2", bottom + 5), ("stroke", "#333")));
                axis.Add(SvgDocument.Text(x, bottom + 18, LinearScale.Label(tick), "middle", "tick-label"));
            }

            axis.Add(SvgDocument.Text((left + X.RangeMax) / 2, svg.Height - 15, xTitle, "middle", "axis-title"));
            axis.Add(SvgDocument.Element("line", ("class", "zero"), ("x1", X.Map(0)), ("y1", PlotFrame.Top), ("x2", X.Map(0)), ("y2", bottom), ("stroke", "#333")));
        }

        public LinearScale X { get; }
    }
}
