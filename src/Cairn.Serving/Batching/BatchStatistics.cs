namespace Cairn.Serving.Batching;

/// <summary>Rows per model call, as a Prometheus histogram.</summary>
public sealed class BatchStatistics
{
    public static readonly int[] Bounds = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly long[] _buckets = new long[Bounds.Length + 1];
    private long _rows;

    public void Observe(int rows)
    {
        var bucket = Array.BinarySearch(Bounds, rows);
        Interlocked.Increment(ref _buckets[bucket < 0 ? ~bucket : bucket]);
        Interlocked.Add(ref _rows, rows);
    }

    /// <summary>Cumulative counts per bound, the last one being +Inf.</summary>
    public long[] Cumulative()
    {
        var result = new long[_buckets.Length];
        long sum = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            sum += Interlocked.Read(ref _buckets[i]);
            result[i] = sum;
        }

        return result;
    }

    public long Rows => Interlocked.Read(ref _rows);
}
