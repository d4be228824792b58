using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Issue 8: the write-time pyramid behind the downsampled charts. Whatever order and duplication the points arrive in,
/// every bucket a chart gets holds the true min and max of its steps, and the counts are those of the stored points.
/// </summary>
public abstract class MetricPyramidContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<RunId> NewRunAsync()
    {
        var experiment = await _store.CreateExperimentAsync("pyramid-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        return (await _store.CreateRunAsync(new NewRun(experiment, null, "r", 1, []), Cancel)).Info.RunId;
    }

    /// <summary>
    /// 30,000 steps from -500 with noise, NaN points, a second point at some steps, single-point spikes, sent in shuffled
    /// batches with one batch sent twice.
    /// </summary>
    private async Task<(RunId Run, List<Metric> Stored)> SeededAsync()
    {
        var run = await NewRunAsync();
        var random = new Random(8);
        var points = new List<Metric>();
        for (var step = -500L; step < 29_500; step++)
        {
            var value = step switch
            {
                1_234 => 1e6,
                20_001 => -1e6,
                _ when step % 997 == 0 => double.NaN,
                _ => Math.Sin(step / 700.0) + random.NextDouble() / 10,
            };
            points.Add(new Metric("loss", value, 1_000 + step, step));
            if (step % 301 == 0)
            {
                points.Add(new Metric("loss", value + 0.5, 2_000 + step, step));
            }
        }

        var batches = points.Chunk(1_000).OrderBy(_ => random.Next()).ToList();
        batches.Insert(3, batches[0]);
        foreach (var batch in batches)
        {
            await _store.LogBatchAsync(run, new LogBatch(batch, [], []), Cancel);
        }

        return (run, points);
    }

    [Fact]
    public async Task Issue8_EveryBucketHoldsTheTrueMinAndMax_ForWholeAndZoomedRanges()
    {
        var (run, stored) = await SeededAsync();
        foreach (var (pixels, start, end) in new (int, double?, double?)[]
                 { (300, null, null), (640, null, null), (97, null, null), (200, 1_000.5, 25_999.2), (50, -10_000, 12_345), (120, 3_000, null) })
        {
            var history = await MetricDownsampler.LoadAsync(_store, run, "loss", pixels, ChartXAxis.Step, start, end, Cancel);
            var inRange = stored.Where(m => (start is null || m.Step >= start) && (end is null || m.Step <= end)).ToList();

            Assert.Equal(MetricDownsampler.MethodMinMaxLttb, history.Method);
            Assert.Equal(inRange.Count, history.TotalPoints);
            Assert.InRange(history.Buckets.Count, pixels / 2, pixels + 1);
            Assert.Equal(inRange.Count(m => !double.IsNaN(m.Value)), history.Buckets.Sum(b => b.Count));
            foreach (var bucket in history.Buckets)
            {
                // A bucket spans [x_start, x_end); the last one also holds its end.
                var isLast = bucket == history.Buckets[^1];
                var values = inRange.Where(m => !double.IsNaN(m.Value) && m.Step >= bucket.XStart && (m.Step < bucket.XEnd || (isLast && m.Step == bucket.XEnd)))
                    .Select(m => m.Value).ToList();
                Assert.True((values.Min(), values.Max(), (long)values.Count) == (bucket.Min, bucket.Max, bucket.Count),
                    $"pixels {pixels} [{start}, {end}]: bucket {bucket} holds {values.Count} points from {values.Min()} to {values.Max()}");
            }

            Assert.All(history.Points, p => Assert.Contains(stored, m => m.Step == p.Step && m.Value == p.Value && m.Timestamp == p.Timestamp));
            Assert.Contains(history.Points, p => p.Value == 1e6 || start > 1_234);
            Assert.Contains(history.Points, p => p.Value == -1e6 || end < 20_001);
        }
    }

    [Fact]
    public async Task Issue8_CellsEqualTheFoldOfTheStoredPoints_AndANarrowRangeReadsEveryPoint()
    {
        var (run, stored) = await SeededAsync();
        var expected = MetricPyramid.Fold(stored.Select(m => (m.Key, m.Step, m.Timestamp, m.Value, double.IsNaN(m.Value))));
        foreach (var shift in MetricPyramid.Shifts)
        {
            var cells = await _store.GetMetricBucketsAsync(new MetricBucketQuery(run, "loss", shift, long.MinValue >> shift, long.MaxValue >> shift), Cancel);
            Assert.Equal(expected.Where(c => c.Shift == shift), cells);
        }

        var narrow = await MetricDownsampler.LoadAsync(_store, run, "loss", 700, ChartXAxis.Step, 100, 1_300, Cancel);
        Assert.Equal(MetricDownsampler.MethodNone, narrow.Method);
        Assert.Equal(stored.Count(m => m.Step is >= 100 and <= 1_300), narrow.TotalPoints);
        Assert.Equal((-500L, 29_499L), await _store.GetMetricStepRangeAsync(run, "loss", Cancel));
        Assert.Null(await _store.GetMetricStepRangeAsync(run, "other", Cancel));
    }
}

public sealed class SqliteMetricPyramidTests(SqliteBackend backend) : MetricPyramidContract<SqliteBackend>(backend);

public sealed class PostgresMetricPyramidTests(PostgresBackend backend) : MetricPyramidContract<PostgresBackend>(backend);
