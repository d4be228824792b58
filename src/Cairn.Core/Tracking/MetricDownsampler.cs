namespace Cairn.Core.Tracking;

/// <summary>The quantity a chart puts on its x axis.</summary>
public enum ChartXAxis
{
    Step,

    /// <summary>Wall time: the point's timestamp (ms since the epoch).</summary>
    Wall,

    /// <summary>Milliseconds since the first point of the series.</summary>
    Relative,

    /// <summary>Another metric of the same run, paired by step (<see cref="MetricDownsampler.LoadAgainstAsync"/>).</summary>
    Metric,
}

/// <summary>One drawn point: the x value on the chosen axis and the point it came from.</summary>
public readonly record struct ChartPoint(double X, long Step, long Timestamp, double Value);

/// <summary>The lowest and highest value inside one bucket of the x range.</summary>
public readonly record struct ChartBucket(double XStart, double XEnd, double Min, double Max, long Count);

/// <summary>
/// A metric history reduced for a chart <c>pixels</c> wide. <see cref="Points"/> is the line, <see cref="Buckets"/>
/// the min/max envelope (empty when nothing was reduced). <see cref="TotalPoints"/> counts the stored points in range.
/// </summary>
public sealed record DownsampledHistory(
    string Method,
    long TotalPoints,
    double BucketWidth,
    IReadOnlyList<ChartPoint> Points,
    IReadOnlyList<ChartBucket> Buckets);

/// <summary>
/// Reduces a metric history to what a chart can show without hiding anything: the x range is cut into one bucket
/// per pixel; each bucket keeps its lowest and highest point (the envelope, so a single-point spike always shows);
/// then Largest-Triangle-Three-Buckets picks, per bucket, whichever of the two keeps the line's shape best
/// (MinMaxLTTB). Points are fed in x order; NaN values are counted but not drawn.
/// </summary>
public sealed partial class MetricDownsampler
{
    public const string MethodNone = "none";
    public const string MethodMinMaxLttb = "minmax-lttb";

    private readonly int _pixels;
    private readonly ChartXAxis _axis;
    private readonly double? _start;
    private readonly double? _end;
    private readonly List<ChartPoint> _points = [];
    private double? _origin;
    private long _total;

    public MetricDownsampler(int pixels, ChartXAxis axis, double? start, double? end)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixels, 1);
        (_pixels, _axis, _start, _end) = (pixels, axis, start, end);
    }

    /// <summary>The most pixels a request may ask for (a 8K screen is 7,680 wide).</summary>
    public const int MaxPixels = 8_192;

    /// <summary>The checks every chart request shares: a pixel count in range and start not after end.</summary>
    private static void CheckRequest(int pixels, double? start, double? end)
    {
        if (pixels is < 1 or > MaxPixels)
        {
            throw CairnException.InvalidParameter($"pixels must be between 1 and {MaxPixels}; got {pixels}.");
        }

        if (start > end)
        {
            throw CairnException.InvalidParameter($"start must not be greater than end; got start={start} and end={end}.");
        }
    }

    /// <summary>
    /// Reduces one metric's history for a chart; what the downsampled history endpoint and the web UI's charts both use.
    /// On the step axis a wide range is read from the write-time pyramid (O(pixels) rows); a narrow one, and the time
    /// axes, read the points in one ordered pass.
    /// </summary>
    public static async Task<DownsampledHistory> LoadAsync(ITrackingStore store, RunId runId, string key, int pixels, ChartXAxis axis,
        double? start, double? end, CancellationToken cancellationToken)
    {
        CheckRequest(pixels, start, end);

        if (axis == ChartXAxis.Step && await FromPyramidAsync(store, runId, key, pixels, start, end, cancellationToken) is { } fromPyramid)
        {
            return fromPyramid;
        }

        var sampler = new MetricDownsampler(pixels, axis, start, end);

        // On the step axis the range goes to the database; time axes are filtered as points stream by.
        var range = axis == ChartXAxis.Step
            ? new MetricRangeQuery(runId, key, start is { } s ? (long)Math.Ceiling(s) : null, end is { } e ? (long)Math.Floor(e) : null)
            : new MetricRangeQuery(runId, key, null, null);
        await store.VisitMetricHistoryAsync(range, sampler.Add, cancellationToken);
        return sampler.Result();
    }

    /// <summary>Parses an <c>x_axis</c> value: <c>step</c>, <c>wall</c> or <c>relative</c> (case-insensitive).</summary>
    public static ChartXAxis ParseAxis(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "step" => ChartXAxis.Step,
        "wall" => ChartXAxis.Wall,
        "relative" => ChartXAxis.Relative,
        _ => throw CairnException.InvalidParameter($"x_axis must be one of step, wall, relative; got '{value}'."),
    };

    /// <summary>Adds the next point (in step order; for time axes, the order the run logged them).</summary>
    public void Add(Metric metric)
    {
        _origin ??= metric.Timestamp;
        var x = _axis switch
        {
            ChartXAxis.Step => metric.Step,
            ChartXAxis.Wall => metric.Timestamp,
            _ => metric.Timestamp - _origin.Value,
        };
        if (x < _start || x > _end)
        {
            return;
        }

        _total++;
        if (!double.IsNaN(metric.Value))
        {
            _points.Add(new ChartPoint(x, metric.Step, metric.Timestamp, metric.Value));
        }
    }

    public DownsampledHistory Result()
    {
        var points = _points;
        if (_axis != ChartXAxis.Step && !IsSortedByX(points))
        {
            points = [.. points.OrderBy(p => p.X)];
        }

        // Two points per pixel are already as many as a line can use.
        if (points.Count <= 2 * _pixels)
        {
            return new DownsampledHistory(MethodNone, _total, 0, points, []);
        }

        var first = _start ?? points[0].X;
        var last = _end ?? points[^1].X;
        var width = Math.Max((last - first) / _pixels, double.Epsilon);
        var buckets = new List<ChartBucket>(_pixels);
        var candidates = new List<(ChartPoint Low, ChartPoint High)>(_pixels);
        var index = 0;
        for (var b = 0; b < _pixels && index < points.Count; b++)
        {
            var bucketEnd = b == _pixels - 1 ? double.PositiveInfinity : first + (b + 1) * width;
            if (points[index].X >= bucketEnd)
            {
                continue;
            }

            var low = points[index];
            var high = points[index];
            long count = 0;
            for (; index < points.Count && points[index].X < bucketEnd; index++)
            {
                var point = points[index];
                count++;
                if (point.Value < low.Value)
                {
                    low = point;
                }

                if (point.Value > high.Value)
                {
                    high = point;
                }
            }

            buckets.Add(new ChartBucket(first + b * width, Math.Min(first + (b + 1) * width, last), low.Value, high.Value, count));
            candidates.Add((low, high));
        }

        return new DownsampledHistory(MethodMinMaxLttb, _total, width, Lttb(points[0], points[^1], candidates), buckets);
    }

    /// <summary>
    /// Largest-Triangle-Three-Buckets over the per-bucket candidates: the first and last points are kept, and in each
    /// bucket the candidate forming the largest triangle with the previously chosen point and the next bucket's mean.
    /// </summary>
    internal static List<ChartPoint> Lttb(ChartPoint firstPoint, ChartPoint lastPoint, List<(ChartPoint Low, ChartPoint High)> candidates)
    {
        var line = new List<ChartPoint>(candidates.Count + 2) { firstPoint };
        var previous = firstPoint;
        for (var i = 0; i < candidates.Count; i++)
        {
            var (low, high) = candidates[i];
            ChartPoint next;
            if (i + 1 < candidates.Count)
            {
                var (nextLow, nextHigh) = candidates[i + 1];
                next = new ChartPoint((nextLow.X + nextHigh.X) / 2, 0, 0, (nextLow.Value + nextHigh.Value) / 2);
            }
            else
            {
                next = lastPoint;
            }

            var chosen = Area(previous, low, next) >= Area(previous, high, next) ? low : high;
            if (chosen != firstPoint && chosen != lastPoint)
            {
                line.Add(chosen);
            }

            previous = chosen;
        }

        if (lastPoint != firstPoint)
        {
            line.Add(lastPoint);
        }

        return line;
    }

    private static double Area(ChartPoint a, ChartPoint b, ChartPoint c) =>
        Math.Abs((a.X - c.X) * (b.Value - a.Value) - (a.X - b.X) * (c.Value - a.Value));

    private static bool IsSortedByX(List<ChartPoint> points)
    {
        for (var i = 1; i < points.Count; i++)
        {
            if (points[i].X < points[i - 1].X)
            {
                return false;
            }
        }

        return true;
    }
}
