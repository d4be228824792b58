using System.Runtime.InteropServices;

namespace Cairn.Core.Tracking;

/// <summary>A stored metric point as the pyramid keeps it (NaN values are never kept here).</summary>
public readonly record struct StepPoint(long Step, long Timestamp, double Value);

/// <summary>
/// One cell of the write-time pyramid: the points of one metric whose step lies in
/// [<c>Bucket &lt;&lt; Shift</c>, <c>(Bucket + 1) &lt;&lt; Shift</c>). <see cref="PointCount"/> counts every point,
/// NaN included; <see cref="ValueCount"/> and the four extremes cover the non-NaN points only (null when all are NaN).
/// Min and max are exact, so a chart built from cells never loses a spike.
/// </summary>
public sealed record MetricStepBucket(string Key, int Shift, long Bucket, long PointCount, long ValueCount,
    StepPoint? Min, StepPoint? Max, StepPoint? First, StepPoint? Last)
{
    /// <summary>Folds another cell of the same key, level and bucket into this one.</summary>
    public MetricStepBucket Merge(MetricStepBucket other) => this with
    {
        PointCount = PointCount + other.PointCount,
        ValueCount = ValueCount + other.ValueCount,
        Min = MetricPyramid.Lower(Min, other.Min),
        Max = MetricPyramid.Higher(Max, other.Max),
        First = MetricPyramid.Earlier(First, other.First),
        Last = MetricPyramid.Later(Last, other.Last),
    };
}

/// <summary>
/// A metric history summarised at write time in fixed power-of-two step buckets, one level per
/// <see cref="Shifts"/> entry, so that a chart of any range reads O(pixels) cells instead of every point. The
/// levels grow by 16× each: few enough that a batch touches one or two cells per level and key, fine enough that a
/// chosen level has between one and sixteen cells per pixel. Ties between equal values go to the lower
/// (step, timestamp) for the minimum and the higher one for the maximum; every writer folds with these same rules.
/// </summary>
public static class MetricPyramid
{
    /// <summary>Bucket sizes are 2^shift steps: 64, 1,024, 16,384 … 2^30.</summary>
    public static readonly IReadOnlyList<int> Shifts = [6, 10, 14, 18, 22, 26, 30];

    private static readonly int[] ShiftLevels = [.. Shifts];

    /// <summary>The cells a batch of new points adds to, folded per key, level and bucket, in key/level/bucket order.</summary>
    public static List<MetricStepBucket> Fold(IEnumerable<(string Key, long Step, long Timestamp, double Value, bool IsNan)> points)
    {
        // One mutable accumulator per cell, folded with the same rules as MetricStepBucket.Merge: a batch of 1,000
        // points touches 7,000 cells, and a record per point and level made log-batch allocate megabytes per request.
        var cells = new Dictionary<(string, int, long), CellFold>();
        foreach (var (key, step, timestamp, value, isNan) in points)
        {
            StepPoint? point = isNan ? null : new StepPoint(step, timestamp, value);
            foreach (var shift in ShiftLevels)
            {
                ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(cells, (key, shift, step >> shift), out var exists);
                if (!exists)
                {
                    cell = new CellFold { Min = point, Max = point, First = point, Last = point };
                }
                else
                {
                    cell.Min = Lower(cell.Min, point);
                    cell.Max = Higher(cell.Max, point);
                    cell.First = Earlier(cell.First, point);
                    cell.Last = Later(cell.Last, point);
                }

                cell.PointCount++;
                cell.ValueCount += isNan ? 0 : 1;
            }
        }

        return [.. cells
            .OrderBy(c => c.Key.Item1, StringComparer.Ordinal).ThenBy(c => c.Key.Item2).ThenBy(c => c.Key.Item3)
            .Select(c => new MetricStepBucket(c.Key.Item1, c.Key.Item2, c.Key.Item3, c.Value.PointCount, c.Value.ValueCount,
                c.Value.Min, c.Value.Max, c.Value.First, c.Value.Last))];
    }

    private struct CellFold
    {
        public long PointCount;
        public long ValueCount;
        public StepPoint? Min;
        public StepPoint? Max;
        public StepPoint? First;
        public StepPoint? Last;
    }

    internal static StepPoint? Lower(StepPoint? a, StepPoint? b) =>
        a is not { } x ? b : b is not { } y ? a : Compare(y.Value, y.Step, y.Timestamp, x.Value, x.Step, x.Timestamp) < 0 ? b : a;

    internal static StepPoint? Higher(StepPoint? a, StepPoint? b) =>
        a is not { } x ? b : b is not { } y ? a : Compare(y.Value, y.Step, y.Timestamp, x.Value, x.Step, x.Timestamp) > 0 ? b : a;

    internal static StepPoint? Earlier(StepPoint? a, StepPoint? b) =>
        a is not { } x ? b : b is not { } y ? a : Compare(y.Step, y.Timestamp, y.Value, x.Step, x.Timestamp, x.Value) < 0 ? b : a;

    internal static StepPoint? Later(StepPoint? a, StepPoint? b) =>
        a is not { } x ? b : b is not { } y ? a : Compare(y.Step, y.Timestamp, y.Value, x.Step, x.Timestamp, x.Value) > 0 ? b : a;

    private static int Compare(double a1, long a2, long a3, double b1, long b2, long b3)
    {
        var first = a1.CompareTo(b1);
        return first != 0 ? first : a2 != b2 ? a2.CompareTo(b2) : a3.CompareTo(b3);
    }

    private static int Compare(long a1, long a2, double a3, long b1, long b2, double b3) =>
        a1 != b1 ? a1.CompareTo(b1) : a2 != b2 ? a2.CompareTo(b2) : a3.CompareTo(b3);
}

/// <summary>The cells of one level of one metric's pyramid, buckets <see cref="FirstBucket"/> to <see cref="LastBucket"/>.</summary>
public sealed record MetricBucketQuery(RunId RunId, string Key, int Shift, long FirstBucket, long LastBucket);
