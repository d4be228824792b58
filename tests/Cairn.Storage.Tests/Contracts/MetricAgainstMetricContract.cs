using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Issue 8: a chart of one metric against another pairs their points by step (the x metric's last value at that step),
/// sorts the pairs by x and keeps every bucket's min and max, so a spike survives downsampling.
/// </summary>
public abstract class MetricAgainstMetricContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<RunId> RunAsync(params Metric[] metrics)
    {
        var id = await _store.CreateExperimentAsync("paired-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var run = (await _store.CreateRunAsync(new NewRun(id, null, "r", 1, []), Cancel)).Info.RunId;
        await _store.LogBatchAsync(run, new LogBatch([.. metrics], [], []), Cancel);
        return run;
    }

    [Fact]
    public async Task Issue8_PairsByStep_SortsByX_LeavesOutUnpairedSteps()
    {
        var run = await RunAsync(
            new Metric("loss", 0.9, 1, 0), new Metric("loss", 0.5, 2, 1), new Metric("loss", 0.7, 3, 1), new Metric("loss", double.NaN, 4, 3),
            new Metric("acc", 10, 1, 0), new Metric("acc", 30, 2, 1), new Metric("acc", 20, 3, 2), new Metric("acc", 40, 4, 3));

        var history = await MetricDownsampler.LoadAgainstAsync(_store, run, "acc", "loss", 100, null, null, Cancel);

        // Step 1's loss is its last value (0.7); step 2 has no loss; step 3's loss is NaN.
        Assert.Equal(MetricDownsampler.MethodNone, history.Method);
        Assert.Equal(2, history.TotalPoints);
        Assert.Equal([(0.7, 30.0, 1L), (0.9, 10.0, 0L)], history.Points.Select(p => (p.X, p.Value, p.Step)));
    }

    [Fact]
    public async Task Issue8_LongPairedHistory_KeepsTheSpikeAndHonoursTheXRange()
    {
        // x = 1000 - step (falls as steps go on), y a flat line with one spike at step 617.
        var metrics = Enumerable.Range(0, 1000).SelectMany(s => new[]
        {
            new Metric("x", 1000 - s, s, s),
            new Metric("y", s == 617 ? 50 : 1, s, s),
        }).ToArray();
        var run = await RunAsync(metrics);

        var history = await MetricDownsampler.LoadAgainstAsync(_store, run, "y", "x", 20, null, null, Cancel);

        Assert.Equal(MetricDownsampler.MethodMinMaxLttb, history.Method);
        Assert.Equal(1000, history.TotalPoints);
        Assert.True(history.Points.Count <= 42);
        Assert.Contains(history.Points, p => p.Value == 50 && p.X == 383);
        Assert.Contains(history.Buckets, b => b.Max == 50);
        Assert.True(history.Points.Zip(history.Points.Skip(1)).All(p => p.First.X <= p.Second.X));

        var zoomed = await MetricDownsampler.LoadAgainstAsync(_store, run, "y", "x", 20, 100, 199.5, Cancel);
        Assert.Equal(100, zoomed.TotalPoints);
        Assert.All(zoomed.Points, p => Assert.InRange(p.X, 100, 199.5));
    }
}

public sealed class SqliteMetricAgainstMetricTests(SqliteBackend backend) : MetricAgainstMetricContract<SqliteBackend>(backend);

public sealed class PostgresMetricAgainstMetricTests(PostgresBackend backend) : MetricAgainstMetricContract<PostgresBackend>(backend);
