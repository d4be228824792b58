using System.Globalization;
using System.Text;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Charts;

/// <summary>
/// Turns a downsampled history into SVG path data: one path for the line and one for the min/max envelope, never an
/// element per point. Also TensorBoard's debiased exponential moving average for smoothing.
/// </summary>
internal sealed class ChartGeometry
{
    public const double Left = 56;
    public const double Right = 8;
    public const double Top = 8;
    public const double Bottom = 22;

    private readonly double _width;
    private readonly double _height;
    private readonly bool _log;

    public ChartGeometry(double width, double height, double xMin, double xMax, double yMin, double yMax, bool log)
    {
        (_width, _height, _log) = (width, height, log);
        XMin = xMin;
        XMax = xMax > xMin ? xMax : xMin + 1;
        YMin = Scale(yMin);
        YMax = Scale(yMax) > YMin ? Scale(yMax) : YMin + 1;
    }

    public double XMin { get; }

    public double XMax { get; }

    public double YMin { get; }

    public double YMax { get; }

    public double PlotWidth => _width - Left - Right;

    public double PlotHeight => _height - Top - Bottom;

    /// <summary>Log scale needs positive values; a chart whose values are not all positive stays linear.</summary>
    public static bool CanUseLog(DownsampledHistory history) =>
        history.Points.Count > 0 && history.Points.All(p => p.Value > 0) && history.Buckets.All(b => b.Min > 0);

    public static ChartGeometry For(DownsampledHistory history, double width, double height, bool log, double? xStart, double? xEnd)
    {
        var values = history.Points.Select(p => p.Value).Concat(history.Buckets.SelectMany(b => new[] { b.Min, b.Max })).ToList();
        var xs = history.Points.Select(p => p.X).ToList();
        return new ChartGeometry(width, height,
            xStart ?? (xs.Count > 0 ? xs.Min() : 0), xEnd ?? (xs.Count > 0 ? xs.Max() : 1),
            values.Count > 0 ? values.Min() : 0, values.Count > 0 ? values.Max() : 1, log);
    }

    /// <summary>
    /// The frame around several series: x from the zoom range or the points, y from every line point and envelope
    /// extreme, or from <paramref name="yRange"/> when outliers are ignored.
    /// </summary>
    public static ChartGeometry For(IReadOnlyList<DownsampledHistory> histories, double width, double height, bool log, double? xStart, double? xEnd,
        (double Low, double High)? yRange)
    {
        var xs = histories.SelectMany(h => h.Points).Select(p => p.X).ToList();
        var values = histories.SelectMany(h => h.Points.Select(p => p.Value).Concat(h.Buckets.SelectMany(b => new[] { b.Min, b.Max }))).ToList();
        var (yMin, yMax) = yRange ?? (values.Count > 0 ? (values.Min(), values.Max()) : (0, 1));
        return new ChartGeometry(width, height,
            xStart ?? (xs.Count > 0 ? xs.Min() : 0), xEnd ?? (xs.Count > 0 ? xs.Max() : 1), yMin, yMax, log);
    }

    /// <summary>The band between mean + std (left to right) and mean − std (right to left), closed.</summary>
    public string BandPath(IReadOnlyList<BandPoint> band)
    {
        if (band.Count == 0)
        {
            return "";
        }

        var upper = band.Select(b => (b.X, b.Mean + b.Std)).ToList();
        var lower = band.Select(b => (b.X, b.Mean - b.Std)).Reverse().ToList();
        return LinePath(upper) + "L" + LinePath(lower)[1..] + "Z";
    }

    public double ToPixelX(double x) => Left + (x - XMin) / (XMax - XMin) * PlotWidth;

    public double ToPixelY(double value) => Top + (1 - (Scale(value) - YMin) / (YMax - YMin)) * PlotHeight;

    /// <summary>The x value under a pixel column of the plot (for drag-to-zoom).</summary>
    public double FromPixelX(double pixel) => XMin + Math.Clamp((pixel - Left) / PlotWidth, 0, 1) * (XMax - XMin);

    public double FromScaledY(double scaled) => _log ? Math.Pow(10, scaled) : scaled;

    public string LinePath(IReadOnlyList<(double X, double Value)> points)
    {
        var path = new StringBuilder(points.Count * 16);
        for (var i = 0; i < points.Count; i++)
        {
            path.Append(i == 0 ? 'M' : 'L');
            Append(path, ToPixelX(points[i].X)).Append(' ');
            Append(path, ToPixelY(points[i].Value));
        }

        return path.ToString();
    }

    /// <summary>The band between each bucket's max (left to right) and min (right to left), closed.</summary>
    public string EnvelopePath(IReadOnlyList<ChartBucket> buckets)
    {
        if (buckets.Count == 0)
        {
            return "";
        }

        var path = new StringBuilder(buckets.Count * 40);
        for (var i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            path.Append(i == 0 ? 'M' : 'L');
            Append(path, ToPixelX(b.XStart)).Append(' ');
            Append(path, ToPixelY(b.Max)).Append('L');
            Append(path, ToPixelX(b.XEnd)).Append(' ');
            Append(path, ToPixelY(b.Max));
        }

        for (var i = buckets.Count - 1; i >= 0; i--)
        {
            var b = buckets[i];
            path.Append('L');
            Append(path, ToPixelX(b.XEnd)).Append(' ');
            Append(path, ToPixelY(b.Min)).Append('L');
            Append(path, ToPixelX(b.XStart)).Append(' ');
            Append(path, ToPixelY(b.Min));
        }

        return path.Append('Z').ToString();
    }

    /// <summary>TensorBoard's smoothing: an exponential moving average divided by (1 - weight^n) so it starts unbiased.</summary>
    public static List<(double X, double Value)> Smooth(IReadOnlyList<ChartPoint> points, double weight)
    {
        var smoothed = new List<(double, double)>(points.Count);
        double last = 0;
        var count = 0;
        foreach (var point in points)
        {
            last = last * weight + (1 - weight) * point.Value;
            count++;
            var debias = weight == 1 ? 1 : 1 - Math.Pow(weight, count);
            smoothed.Add((point.X, last / debias));
        }

        return smoothed;
    }

    private double Scale(double value) => _log ? Math.Log10(Math.Max(value, double.Epsilon)) : value;

    private static StringBuilder Append(StringBuilder builder, double value) =>
        builder.Append(Math.Round(value, 1).ToString(CultureInfo.InvariantCulture));
}
