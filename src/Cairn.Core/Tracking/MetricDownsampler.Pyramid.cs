namespace Cairn.Core.Tracking;

public sealed partial class MetricDownsampler
{
    /// <summary>
    /// The step-axis reduction from the write-time pyramid. The range is cut into buckets of <c>bucket_width</c> steps,
    /// a whole number of cells of the coarsest level no wider than a pixel, aligned to that level; each bucket's min and
    /// max fold its cells' exact extremes, plus the raw points at a zoomed range's ragged ends. Returns null when the
    /// range is narrower than 64 steps per pixel or holds at most two points per pixel: then every point is read.
    /// </summary>
    private static async Task<DownsampledHistory?> FromPyramidAsync(ITrackingStore store, RunId runId, string key, int pixels,
        double? start, double? end, CancellationToken cancellationToken)
    {
        var stored = await store.GetMetricStepRangeAsync(runId, key, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var (first, last) = stored.Value;

        // A side the range leaves open, or opens past the stored points, can take whole cells: no point lies beyond.
        var openStart = start is null || start <= first;
        var openEnd = end is null || end >= last;
        var lo = openStart ? first : (long)Math.Ceiling(start!.Value);
        var hi = openEnd ? last : (long)Math.Floor(end!.Value);
        if (lo > hi)
        {
            return null;
        }

        var width = ((double)(hi - lo) + 1) / pixels;
        var shift = MetricPyramid.Shifts.LastOrDefault(s => (1L << s) <= width);
        if (shift == 0)
        {
            return null;
        }

        var size = 1L << shift;
        var bucketWidth = (long)Math.Ceiling(width / size) * size;
        var firstCell = openStart ? lo >> shift : -(-lo >> shift);
        var lastCell = openEnd ? hi >> shift : ((hi + 1) >> shift) - 1;
        if (firstCell > lastCell)
        {
            return null;
        }

        var parts = new List<MetricStepBucket>();
        if (firstCell << shift > lo)
        {
            await store.VisitMetricHistoryAsync(new MetricRangeQuery(runId, key, lo, (firstCell << shift) - 1), m => parts.Add(Single(m)), cancellationToken);
        }

        parts.AddRange(await store.GetMetricBucketsAsync(new MetricBucketQuery(runId, key, shift, firstCell, lastCell), cancellationToken));
        if (((lastCell + 1) << shift) - 1 < hi)
        {
            await store.VisitMetricHistoryAsync(new MetricRangeQuery(runId, key, (lastCell + 1) << shift, hi), m => parts.Add(Single(m)), cancellationToken);
        }

        var total = parts.Sum(p => p.PointCount);
        if (total <= 2L * pixels)
        {
            return null;
        }

        // Parts arrive in step order, so each bucket's parts are consecutive.
        var merged = new List<(long Index, MetricStepBucket Cell)>();
        foreach (var part in parts)
        {
            var index = FloorDiv(part.Bucket << part.Shift, bucketWidth);
            if (merged.Count > 0 && merged[^1].Index == index)
            {
                merged[^1] = (index, merged[^1].Cell.Merge(part));
            }
            else
            {
                merged.Add((index, part));
            }
        }

        var buckets = new List<ChartBucket>(merged.Count);
        var candidates = new List<(ChartPoint Low, ChartPoint High)>(merged.Count);
        foreach (var (index, cell) in merged)
        {
            if (cell is { Min: { } min, Max: { } max })
            {
                buckets.Add(new ChartBucket(Math.Max(index * bucketWidth, lo), Math.Min((index + 1) * bucketWidth, hi), min.Value, max.Value, cell.ValueCount));
                candidates.Add((OnStepAxis(min), OnStepAxis(max)));
            }
        }

        if (candidates.Count == 0)
        {
            return new DownsampledHistory(MethodNone, total, 0, [], []);
        }

        var firstPoint = OnStepAxis(merged.Select(m => m.Cell.First).First(p => p is not null)!.Value);
        var lastPoint = OnStepAxis(merged.Select(m => m.Cell.Last).Last(p => p is not null)!.Value);
        return new DownsampledHistory(MethodMinMaxLttb, total, bucketWidth, Lttb(firstPoint, lastPoint, candidates), buckets);
    }

    /// <summary>A raw point as a one-point cell (shift 0: its bucket is its step).</summary>
    private static MetricStepBucket Single(Metric metric)
    {
        StepPoint? point = double.IsNaN(metric.Value) ? null : new StepPoint(metric.Step, metric.Timestamp, metric.Value);
        return new MetricStepBucket(metric.Key, 0, metric.Step, 1, point is null ? 0 : 1, point, point, point, point);
    }

    private static ChartPoint OnStepAxis(StepPoint point) => new(point.Step, point.Step, point.Timestamp, point.Value);

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}
