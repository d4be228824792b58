namespace Cairn.Training.Plots;

/// <summary>Predicted-vs-actual scatter (with the y = x line) and a histogram of residuals (actual − predicted).</summary>
internal static class RegressionPlots
{
    public static string PredictedVsActual(IReadOnlyList<double> actual, IReadOnlyList<double> predicted, string title)
    {
        CheckPaired(actual, predicted);
        var (min, max) = LinearScale.NiceDomain(Math.Min(actual.Min(), predicted.Min()), Math.Max(actual.Max(), predicted.Max()));
        var frame = new PlotFrame(new SvgDocument(560, 520, title), (min, max), (min, max), "Actual", "Predicted");
        frame.Svg.Add(SvgDocument.Element(
            "line", ("class", "identity"), ("x1", frame.X.Map(min)), ("y1", frame.Y.Map(min)), ("x2", frame.X.Map(max)), ("y2", frame.Y.Map(max)),
            ("stroke", "#888"), ("stroke-dasharray", "6 4")));
        var points = frame.Svg.Add(SvgDocument.Element("g", ("class", "points"), ("fill", "#1f77b4"), ("fill-opacity", "0.6")));
        for (int i = 0; i < actual.Count; i++)
        {
            var (x, y) = frame.Map(actual[i], predicted[i]);
            points.Add(SvgDocument.Element("circle", ("class", "point"), ("cx", x), ("cy", y), ("r", 2.5)));
        }

        frame.Legend(("Predicted = actual", "#888", "6 4"));
        return frame.Svg.Render();
    }

    public static string ResidualHistogram(IReadOnlyList<double> actual, IReadOnlyList<double> predicted, int bins, string title)
    {
        CheckPaired(actual, predicted);
        if (bins < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "A histogram needs at least one bin.");
        }

        var residuals = actual.Zip(predicted, (a, p) => a - p).ToArray();
        var (min, max) = LinearScale.NiceDomain(residuals.Min(), residuals.Max());
        double width = (max - min) / bins;
        var counts = new int[bins];
        foreach (double residual in residuals)
        {
            counts[Math.Min(bins - 1, (int)((residual - min) / width))]++;
        }

        var frame = new PlotFrame(new SvgDocument(640, 480, title), (min, max), LinearScale.NiceDomain(0, counts.Max()), "Residual (actual − predicted)", "Count");
        var bars = frame.Svg.Add(SvgDocument.Element("g", ("class", "bins"), ("fill", "#1f77b4"), ("stroke", "white")));
        for (int i = 0; i < bins; i++)
        {
            double low = min + i * width;
            var (x0, y0) = frame.Map(low, counts[i]);
            var (x1, y1) = frame.Map(low + width, 0);
            bars.Add(SvgDocument.Element(
                "rect", ("class", "bin"), ("data-count", counts[i]), ("data-low", low), ("data-high", low + width),
                ("x", x0), ("y", y0), ("width", x1 - x0), ("height", y1 - y0)));
        }

        return frame.Svg.Render();
    }

    private static void CheckPaired(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        if (actual.Count == 0 || actual.Count != predicted.Count)
        {
            throw new ArgumentException($"Need the same, non-zero number of actual and predicted values (got {actual.Count} and {predicted.Count}).");
        }
    }
}
