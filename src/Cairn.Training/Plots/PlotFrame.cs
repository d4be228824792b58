namespace Cairn.Training.Plots;

/// <summary>
/// The plot area of a chart with numeric axes: frame, ticks, tick labels and axis titles. The plot-area rectangle
/// carries its data domain (<c>data-x-domain</c>, <c>data-y-domain</c>) so readers can map points back to data.
/// </summary>
public sealed class PlotFrame
{
    public const double Left = 80, Right = 30, Top = 50, Bottom = 60;

    public PlotFrame(SvgDocument svg, (double Min, double Max) xDomain, (double Min, double Max) yDomain, string xTitle, string yTitle)
    {
        Svg = svg;
        X = new LinearScale(xDomain.Min, xDomain.Max, Left, svg.Width - Right);
        Y = new LinearScale(yDomain.Min, yDomain.Max, svg.Height - Bottom, Top);
        svg.Add(SvgDocument.Element(
            "rect",
            ("class", "plot-area"), ("x", Left), ("y", Top), ("width", svg.Width - Left - Right), ("height", svg.Height - Top - Bottom),
            ("fill", "none"), ("stroke", "#333"),
            ("data-x-domain", $"{SvgDocument.Number(xDomain.Min)} {SvgDocument.Number(xDomain.Max)}"),
            ("data-y-domain", $"{SvgDocument.Number(yDomain.Min)} {SvgDocument.Number(yDomain.Max)}")));
        DrawXAxis(xTitle);
        DrawYAxis(yTitle);
    }

    public SvgDocument Svg { get; }

    public LinearScale X { get; }

    public LinearScale Y { get; }

    public (double X, double Y) Map(double x, double y) => (X.Map(x), Y.Map(y));

    private void DrawXAxis(string title)
    {
        var axis = Svg.Add(SvgDocument.Element("g", ("class", "x-axis")));
        double baseline = Y.RangeMin;
        foreach (double tick in X.Ticks())
        {
            double x = X.Map(tick);
            axis.Add(SvgDocument.Element("line", ("class", "tick"), ("x1", x), ("y1", baseline), ("x2", x), ("y2", baseline + 5), ("stroke", "#333")));
            axis.Add(SvgDocument.Text(x, baseline + 18, LinearScale.Label(tick), "middle", "tick-label"));
        }

        axis.Add(SvgDocument.Text((X.RangeMin + X.RangeMax) / 2, Svg.Height - 15, title, "middle", "axis-title"));
    }

    private void DrawYAxis(string title)
    {
        var axis = Svg.Add(SvgDocument.Element("g", ("class", "y-axis")));
        double baseline = X.RangeMin;
        foreach (double tick in Y.Ticks())
        {
            double y = Y.Map(tick);
            axis.Add(SvgDocument.Element("line", ("class", "tick"), ("x1", baseline - 5), ("y1", y), ("x2", baseline), ("y2", y), ("stroke", "#333")));
            axis.Add(SvgDocument.Text(baseline - 8, y + 4, LinearScale.Label(tick), "end", "tick-label"));
        }

        double middle = (Y.RangeMin + Y.RangeMax) / 2;
        axis.Add(SvgDocument.Text(20, middle, title, "middle", "axis-title", ("transform", $"rotate(-90 20 {SvgDocument.Number(middle)})")));
    }

    /// <summary>A legend box in the lower-right corner of the plot area, one coloured line per entry.</summary>
    public void Legend(params (string Label, string Color, string Dash)[] entries)
    {
        const double rowHeight = 18, width = 200;
        double x = X.RangeMax - width - 10, y = Y.RangeMin - 10 - rowHeight * entries.Length;
        var legend = Svg.Add(SvgDocument.Element("g", ("class", "legend")));
        legend.Add(SvgDocument.Element("rect", ("x", x), ("y", y - 4), ("width", width), ("height", rowHeight * entries.Length + 8), ("fill", "white"), ("stroke", "#999")));
        for (int i = 0; i < entries.Length; i++)
        {
            var (label, color, dash) = entries[i];
            double rowY = y + rowHeight * i + rowHeight / 2;
            legend.Add(SvgDocument.Element("line", ("x1", x + 8), ("y1", rowY), ("x2", x + 32), ("y2", rowY), ("stroke", color), ("stroke-width", 2), ("stroke-dasharray", dash)));
            legend.Add(SvgDocument.Text(x + 40, rowY + 4, label, "start", "legend-label"));
        }
    }
}
