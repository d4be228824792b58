using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Issue 4: however points are packed (one row each on SQLite, blocks of up to 256 per key and batch on PostgreSQL), a
/// point identical in key, step, timestamp and value to a stored one is stored and counted once, whether it comes again
/// in a later batch whose steps overlap stored blocks or from concurrent writers; reads of a step range see exactly
/// the stored points in it.
/// </summary>
public abstract class MetricPointStorageContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<RunId> NewRunAsync()
    {
        var experiment = await _store.CreateExperimentAsync("points-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        return (await _store.CreateRunAsync(new NewRun(experiment, null, "r", 1, []), Cancel)).Info.RunId;
    }

    private static Metric Point(string key, long step, long time, double value) => new(key, value, time, step);

    private async Task<List<Metric>> HistoryAsync(RunId run, string key) =>
        [.. (await _store.GetMetricHistoryAsync(new MetricHistoryQuery(run, key, 100_000, 0), Cancel)).Items];

    /// <summary>The order reads return points in: step, timestamp, value (NaN stored as 0).</summary>
    private static List<Metric> InReadOrder(IEnumerable<Metric> points) =>
        [.. points.Distinct().OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => double.IsNaN(p.Value) ? 0 : p.Value)];

    [Fact]
    public async Task Issue4_PointsAgainInALaterOverlappingBatch_AreStoredAndCountedOnce()
    {
        var run = await NewRunAsync();
        var first = Enumerable.Range(0, 600).Select(s => Point("loss", s, 1_000 + s, s % 41 == 0 ? double.NaN : s / 7.0)).ToList();
        await _store.LogBatchAsync(run, new LogBatch(first, [], []), Cancel);

        // Exact duplicates from the middle of the stored range (NaN ones too), near misses that differ in one field
        // only, a point repeated inside the batch, and new points before, inside and after the stored range.
        var duplicates = first.Where(p => p.Step % 3 == 0 && p.Step is > 100 and < 500).ToList();
        var nearMisses = new List<Metric> { Point("loss", 200, 1_200, 1), Point("loss", 201, 1_202, 201 / 7.0), Point("loss", 206, 1_206, double.NaN) };
        var fresh = new List<Metric> { Point("loss", -5, 10, 3), Point("loss", 300, 9_999, 4), Point("loss", 900, 1_900, 5), Point("loss", 900, 1_900, 5) };
        await _store.LogBatchAsync(run, new LogBatch([.. duplicates, .. nearMisses, .. fresh], [], []), Cancel);

        var expected = InReadOrder([.. first, .. nearMisses, .. fresh]);
        Assert.Equal(expected, await HistoryAsync(run, "loss"));
        var summary = Assert.Single(await _store.GetMetricSummariesAsync([run], Cancel));
        Assert.Equal(expected.Count, summary.Count);
        Assert.Equal(expected.Count, (await _store.GetMetricBucketsAsync(new MetricBucketQuery(run, "loss", 30, -1, 1), Cancel)).Sum(b => b.PointCount));

        // The same batch again changes nothing.
        await _store.LogBatchAsync(run, new LogBatch([.. duplicates, .. nearMisses, .. fresh], [], []), Cancel);
        Assert.Equal(expected, await HistoryAsync(run, "loss"));
        Assert.Equal(expected.Count, Assert.Single(await _store.GetMetricSummariesAsync([run], Cancel)).Count);
    }

    [Fact]
    public async Task Issue4_ConcurrentWritersOfTheSamePoints_StoreAndCountEachOnce()
    {
        var run = await NewRunAsync();
        var points = Enumerable.Range(0, 300).SelectMany(s => new[] { Point("a", s, s, s), Point("b", s, s, -s) }).ToList();
        var random = new Random(4);
        var batches = Enumerable.Range(0, 8).Select(_ => points.OrderBy(_ => random.Next()).Take(400).ToList()).ToList();
        await Task.WhenAll(batches.Select(batch => Task.Run(() => _store.LogBatchAsync(run, new LogBatch(batch, [], []), Cancel), Cancel)));

        var sent = batches.SelectMany(b => b).Distinct().ToList();
        foreach (var key in new[] { "a", "b" })
        {
            var expected = InReadOrder(sent.Where(p => p.Key == key));
            Assert.Equal(expected, await HistoryAsync(run, key));
        }

        Assert.Equal(sent.Count, (await _store.GetMetricSummariesAsync([run], Cancel)).Sum(s => s.Count));
    }

    [Fact]
    public async Task Issue4_StepRangeReads_OverInterleavedBatches_SeeExactlyTheRange()
    {
        var run = await NewRunAsync();

        // Batches of every third step, so every batch's step range overlaps the others'.
        var points = Enumerable.Range(0, 3_000).Select(s => Point("x", s, 5 * s, Math.Cos(s))).ToList();
        foreach (var batch in points.GroupBy(p => p.Step % 3).Select(g => g.ToList()))
        {
            await _store.LogBatchAsync(run, new LogBatch(batch, [], []), Cancel);
        }

        var visited = new List<Metric>();
        await _store.VisitMetricHistoryAsync(new MetricRangeQuery(run, "x", 1_000, 1_499), visited.Add, Cancel);
        Assert.Equal(points.Where(p => p.Step is >= 1_000 and <= 1_499), visited);
        Assert.Equal((0L, 2_999L), await _store.GetMetricStepRangeAsync(run, "x", Cancel));

        var page = await _store.GetMetricHistoryAsync(new MetricHistoryQuery(run, "x", 100, 2_950), Cancel);
        Assert.Equal(points.Skip(2_950), page.Items);

        var bulk = await _store.GetMetricHistoryBulkIntervalAsync(new BulkIntervalQuery([run], "x", 2_000, 2_099, 10), Cancel);
        Assert.NotEmpty(bulk);
        Assert.All(bulk, m => Assert.InRange(m.Metric.Step, 2_000, 2_099));
        Assert.All(bulk, m => Assert.Equal(points[(int)m.Metric.Step], m.Metric));
    }
}

public sealed class SqliteMetricPointStorageTests(SqliteBackend backend) : MetricPointStorageContract<SqliteBackend>(backend);

public sealed class PostgresMetricPointStorageTests(PostgresBackend backend) : MetricPointStorageContract<PostgresBackend>(backend);
