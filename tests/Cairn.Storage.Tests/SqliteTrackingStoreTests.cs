using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sqlite;

namespace Cairn.Storage.Tests;

public sealed class SqliteTrackingStoreTests(SqliteStoreFixture fixture) : IClassFixture<SqliteStoreFixture>
{
    private readonly SqliteTrackingStore _store = fixture.Store;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<RunId> NewRunAsync()
    {
        var experiment = await _store.CreateExperimentAsync("exp-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var run = await _store.CreateRunAsync(new NewRun(experiment, "tester", "run", 1, []), Cancel);
        return run.Info.RunId;
    }

    [Fact]
    public async Task ConcurrentWrites_FailingOnesRollBackAlone()
    {
        var runId = await NewRunAsync();
        await _store.LogBatchAsync(runId, new LogBatch([], [new KeyValue("fixed", "1")], []), Cancel);

        // Every odd write conflicts with the stored param; the writer commits them in groups.
        var writes = Enumerable.Range(0, 400).Select(i => _store.LogBatchAsync(runId, new LogBatch(
            [new Metric("m", i, i, i)],
            i % 2 == 1 ? [new KeyValue("fixed", "2")] : [new KeyValue($"p{i}", "v")],
            []), Cancel)).ToList();
        foreach (var (write, i) in writes.Select((w, i) => (w, i)))
        {
            if (i % 2 == 1)
            {
                var error = await Assert.ThrowsAsync<CairnException>(() => write);
                Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
            }
            else
            {
                await write;
            }
        }

        var history = await _store.GetMetricHistoryAsync(new MetricHistoryQuery(runId, "m", 10_000, 0), Cancel);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2L), history.Items.Select(m => m.Step));
        var run = await _store.GetRunAsync(runId, Cancel);
        Assert.Equal(201, run!.Data.Params.Count);
    }

    [Fact]
    public async Task LatestMetricAndSummaries_AreMaintainedAtWriteTime()
    {
        var runId = await NewRunAsync();
        await _store.LogBatchAsync(runId, new LogBatch([new("m", 3, 10, 2), new("m", double.NaN, 11, 1), new("m", -1, 5, 0)], [], []), Cancel);
        await _store.LogBatchAsync(runId, new LogBatch([new("m", 7, 1, 2), new("m", 3, 10, 2)], [], []), Cancel);

        var latest = Assert.Single((await _store.GetRunAsync(runId, Cancel))!.Data.Metrics);
        Assert.Equal(new Metric("m", 3, 10, 2), latest);

        using var connection = fixture.Database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT min_value, max_value, value_count FROM latest_metrics lm JOIN runs r ON r.run_key = lm.run_key WHERE r.run_uuid = $id";
        command.Parameters.AddWithValue("$id", runId.Value);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(-1, reader.GetDouble(0));
        Assert.Equal(7, reader.GetDouble(1));
        Assert.Equal(4, reader.GetInt64(2));
    }

    [Fact]
    public async Task SixtyFourConcurrentWriters_NeverSeeLockErrors()
    {
        var runs = new List<RunId>();
        for (var i = 0; i < 8; i++)
        {
            runs.Add(await NewRunAsync());
        }

        var writers = Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await _store.LogBatchAsync(runs[w % runs.Count], new LogBatch(
                    Enumerable.Range(0, 20).Select(k => new Metric($"w{w}", k, i, (i * 20) + k)).ToList(),
                    [new KeyValue($"w{w}-p{i}", "v")],
                    [new KeyValue($"w{w}", i.ToString(System.Globalization.CultureInfo.InvariantCulture))]), Cancel);
            }
        }, Cancel)).ToArray();
        await Task.WhenAll(writers);

        for (var w = 0; w < 64; w++)
        {
            var history = await _store.GetMetricHistoryAsync(new MetricHistoryQuery(runs[w % runs.Count], $"w{w}", 10_000, 0), Cancel);
            Assert.Equal(1000, history.Items.Count);
        }
    }

    [Fact]
    public async Task ExperimentDelete_CascadesToRuns_AndRestoreBringsThemBack()
    {
        var experiment = await _store.CreateExperimentAsync("cascade-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var run = await _store.CreateRunAsync(new NewRun(experiment, null, "r", 1, []), Cancel);

        await _store.DeleteExperimentAsync(experiment, Cancel);
        Assert.Equal(LifecycleStage.Deleted, (await _store.GetRunInfoAsync(run.Info.RunId, Cancel))!.LifecycleStage);
        await _store.RestoreExperimentAsync(experiment, Cancel);
        Assert.Equal(LifecycleStage.Active, (await _store.GetRunInfoAsync(run.Info.RunId, Cancel))!.LifecycleStage);
    }

    [Fact]
    public void SampleSteps_AllWhenTheyFit_ElseEvenlySpacedPlusEndpoints()
    {
        Assert.Equal([1, 2, 3], Cairn.Storage.Sql.StoredMetrics.SampleSteps([[1, 2], [2, 3]], 5).Order());
        var sampled = Cairn.Storage.Sql.StoredMetrics.SampleSteps([Enumerable.Range(0, 101).Select(i => (long)i).ToList(), [7, 55]], 5);
        Assert.Equal([0, 7, 25, 50, 55, 75, 100], sampled.Order());
    }
}
