using System.Globalization;
using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>What every tracking store must do, whatever database it runs on.</summary>
public abstract class TrackingStoreContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    protected ITrackingStore Store => _store;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(ExperimentId Experiment, RunId Run)> NewRunAsync(long startTime = 1)
    {
        var experiment = await _store.CreateExperimentAsync("exp-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var run = await _store.CreateRunAsync(new NewRun(experiment, "tester", "run", startTime, []), Cancel);
        return (experiment, run.Info.RunId);
    }

    [Fact]
    public async Task DefaultExperimentZero_Exists()
    {
        var experiment = await _store.GetExperimentAsync(new ExperimentId(0), Cancel);
        Assert.Equal("Default", experiment!.Name);
        Assert.Equal("mlflow-artifacts:/0", experiment.ArtifactLocation);
    }

    [Fact]
    public async Task CreateExperiment_TwiceWithOneName_FailsWithAlreadyExists_EvenConcurrently()
    {
        var name = "dup-" + Guid.NewGuid().ToString("N");
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await _store.CreateExperimentAsync(name, null, [], Cancel);
                return (ErrorCode?)null;
            }
            catch (CairnException ex)
            {
                return ex.Code;
            }
        }));

        Assert.Single(attempts, a => a is null);
        Assert.All(attempts.Where(a => a is not null), a => Assert.Equal(ErrorCode.ResourceAlreadyExists, a));
    }

    [Fact]
    public async Task ConcurrentWrites_FailingOnesRollBackAlone()
    {
        var (_, runId) = await NewRunAsync();
        await _store.LogBatchAsync(runId, new LogBatch([], [new KeyValue("fixed", "1")], []), Cancel);

        // Every odd write conflicts with the stored param and must leave nothing behind.
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
                Assert.Contains("already logged with value='1'", error.Message, StringComparison.Ordinal);
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
        var (_, runId) = await NewRunAsync();
        await _store.LogBatchAsync(runId, new LogBatch([new("m", 3, 10, 2), new("m", double.NaN, 11, 1), new("m", -1, 5, 0)], [], []), Cancel);
        await _store.LogBatchAsync(runId, new LogBatch([new("m", 7, 1, 2), new("m", 3, 10, 2)], [], []), Cancel);

        var latest = Assert.Single((await _store.GetRunAsync(runId, Cancel))!.Data.Metrics);
        Assert.Equal(new Metric("m", 3, 10, 2), latest);

        var (min, max, count) = await backend.Reads.ReadAsync(async (connection, transaction) =>
        {
            var rows = await SqlReads.ListAsync(connection, transaction,
                "SELECT min_value, max_value, value_count FROM latest_metrics lm JOIN runs r ON r.run_key = lm.run_key WHERE r.run_uuid = @p0",
                SqlParameters.Of(runId.Value), reader => (reader.GetDouble(0), reader.GetDouble(1), reader.GetInt64(2)), Cancel);
            return rows.Single();
        }, Cancel);
        Assert.Equal((-1d, 7d, 4L), (min, max, count));
    }

    [Fact]
    public async Task LogBatch_PointsRepeatedInTheBatchOrAlreadyStored_AreStoredAndCountedOnce()
    {
        var (_, runId) = await NewRunAsync();
        await _store.LogBatchAsync(runId, new LogBatch([new("m", 1, 1, 1), new("m", double.NaN, 2, 2)], [], []), Cancel);

        // Repeats inside one batch, repeats of stored points (NaN too) and new points, all in one batch; then only repeats.
        await _store.LogBatchAsync(runId, new LogBatch(
            [new("m", 5, 3, 3), new("m", 5, 3, 3), new("m", double.NaN, 2, 2), new("m", 1, 1, 1), new("m", 0.5, 4, 4), new("n", 2, 1, 1), new("n", 2, 1, 1)],
            [], []), Cancel);
        await _store.LogBatchAsync(runId, new LogBatch([new("m", 0.5, 4, 4), new("n", 2, 1, 1)], [], []), Cancel);

        var history = await _store.GetMetricHistoryAsync(new MetricHistoryQuery(runId, "m", 100, 0), Cancel);
        Assert.Equal([1L, 2, 3, 4], history.Items.Select(m => m.Step).Order());
        var summaries = await backend.Reads.ReadAsync(async (connection, transaction) => await SqlReads.ListAsync(connection, transaction,
            "SELECT key, step, min_value, max_value, value_count FROM latest_metrics lm JOIN runs r ON r.run_key = lm.run_key WHERE r.run_uuid = @p0 ORDER BY key",
            SqlParameters.Of(runId.Value), reader => (reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)), Cancel), Cancel);
        Assert.Equal([("m", 4L, 0.5, 5d, 4L), ("n", 1L, 2d, 2d, 1L)], summaries);
    }

    [Fact]
    public async Task ManyConcurrentWriters_AllLand()
    {
        var runs = new List<RunId>();
        for (var i = 0; i < 8; i++)
        {
            runs.Add((await NewRunAsync()).Run);
        }

        var writers = Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await _store.LogBatchAsync(runs[w % runs.Count], new LogBatch(
                    Enumerable.Range(0, 20).Select(k => new Metric($"w{w}", k, i, (i * 20) + k)).ToList(),
                    [new KeyValue($"w{w}-p{i}", "v")],
                    [new KeyValue($"w{w}", i.ToString(CultureInfo.InvariantCulture))]), Cancel);
            }
        }, Cancel)).ToArray();
        await Task.WhenAll(writers);

        for (var w = 0; w < 32; w++)
        {
            var history = await _store.GetMetricHistoryAsync(new MetricHistoryQuery(runs[w % runs.Count], $"w{w}", 10_000, 0), Cancel);
            Assert.Equal(400, history.Items.Count);
        }
    }

    [Fact]
    public async Task LogBatch_OnUnknownOrDeletedRun_FailsWithMlflowErrors()
    {
        var missing = await Assert.ThrowsAsync<CairnException>(() => _store.LogBatchAsync(RunId.New(), LogBatch.Empty, Cancel));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missing.Code);

        var (_, runId) = await NewRunAsync();
        await _store.DeleteRunAsync(runId, Cancel);
        var deleted = await Assert.ThrowsAsync<CairnException>(() => _store.LogBatchAsync(runId, new LogBatch([new("m", 1, 1, 1)], [], []), Cancel));
        Assert.Equal(ErrorCode.InvalidParameterValue, deleted.Code);
        Assert.Contains("must be in the 'active' state", deleted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRuns_ReturnsEachKnownRunWithItsData_InTheOrderAsked()
    {
        var (_, first) = await NewRunAsync();
        var (_, second) = await NewRunAsync();
        var (_, deleted) = await NewRunAsync();
        await _store.LogBatchAsync(second, new LogBatch([new("loss", 0.5, 1, 3)], [new KeyValue("lr", "0.1")], [new KeyValue("team", "a")]), Cancel);
        await _store.DeleteRunAsync(deleted, Cancel);

        var runs = await _store.GetRunsAsync([second, new RunId("0123456789abcdef0123456789abcdef"), deleted, first, second], Cancel);

        Assert.Equal([second, deleted, first, second], runs.Select(r => r.Info.RunId));
        Assert.Equal(new Metric("loss", 0.5, 1, 3), Assert.Single(runs[0].Data.Metrics));
        Assert.Equal("0.1", Assert.Single(runs[0].Data.Params).Value);
        Assert.Contains(runs[0].Data.Tags, t => t is { Key: "team", Value: "a" });
        Assert.Equal(LifecycleStage.Deleted, runs[1].Info.LifecycleStage);
        Assert.Empty(await _store.GetRunsAsync([], Cancel));
    }

    [Fact]
    public async Task SearchRuns_ReadsOnlyTheRunPartsAsked()
    {
        var (experiment, runId) = await NewRunAsync();
        await _store.LogBatchAsync(runId, new LogBatch([new("loss", 0.5, 1, 3)], [new KeyValue("lr", "0.1")], [new KeyValue("team", "a")]), Cancel);
        var query = new RunQuery([experiment], [], [], ViewType.ActiveOnly, 10, 0);

        var all = Assert.Single((await _store.SearchRunsAsync(query, Cancel)).Items);
        var lean = Assert.Single((await _store.SearchRunsAsync(query with { Parts = RunParts.Metrics | RunParts.Params }, Cancel)).Items);

        Assert.Contains(all.Data.Tags, t => t.Key == "team");
        Assert.Empty(lean.Data.Tags);
        Assert.Equal(all.Data.Metrics, lean.Data.Metrics);
        Assert.Equal(all.Data.Params, lean.Data.Params);
        Assert.Equal(all.Info, lean.Info);
    }

    [Fact]
    public async Task ExperimentDelete_CascadesToRuns_AndRestoreBringsThemBack()
    {
        var (experiment, runId) = await NewRunAsync();

        await _store.DeleteExperimentAsync(experiment, Cancel);
        Assert.Equal(LifecycleStage.Deleted, (await _store.GetRunInfoAsync(runId, Cancel))!.LifecycleStage);
        await _store.RestoreExperimentAsync(experiment, Cancel);
        Assert.Equal(LifecycleStage.Active, (await _store.GetRunInfoAsync(runId, Cancel))!.LifecycleStage);
    }

    [Fact]
    public async Task SearchRuns_FiltersOrdersAndPagesTheSameWay()
    {
        var experiment = await _store.CreateExperimentAsync("search-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        string[] names = ["beta", "Alpha", "alpha", "B_2", "b%1"];
        double[] values = [0.5, double.NaN, 0.1, 0.9, 0.3];
        var ids = new List<RunId>();
        for (var i = 0; i < names.Length; i++)
        {
            var run = await _store.CreateRunAsync(new NewRun(experiment, null, names[i], 100 + i, []), Cancel);
            ids.Add(run.Info.RunId);
            await _store.LogBatchAsync(run.Info.RunId, new LogBatch(i == 4 ? [] : [new("rmse", values[i], 1, 0)], [new("name", names[i])], []), Cancel);
        }

        async Task<List<string>> NamesAsync(string? filter, params string[] orderBy)
        {
            var query = new RunQuery([experiment], RunSearch.ParseFilter(filter), RunSearch.ParseOrderBy(orderBy), ViewType.ActiveOnly, 100, 0);
            return (await _store.SearchRunsAsync(query, Cancel)).Items.Select(r => r.Info.RunName).ToList();
        }

        // Bytewise order (upper case first); metric order puts NaN, then runs without the metric, last both ways.
        Assert.Equal(["Alpha", "B_2", "alpha", "b%1", "beta"], await NamesAsync(null, "params.name ASC"));
        Assert.Equal(["alpha", "beta", "B_2", "Alpha", "b%1"], await NamesAsync(null, "metrics.rmse ASC"));
        Assert.Equal(["B_2", "beta", "alpha", "Alpha", "b%1"], await NamesAsync(null, "metrics.rmse DESC"));
        Assert.Equal(["alpha"], await NamesAsync("params.name LIKE 'a%'"));
        Assert.Equal(["Alpha", "alpha"], await NamesAsync("params.name ILIKE 'a%'", "params.name"));
        Assert.Equal(["B_2"], await NamesAsync("params.name LIKE 'B_%'"));
        Assert.Equal(["b%1"], await NamesAsync("attributes.run_name LIKE '%1'"));
        Assert.Equal(["alpha", "beta"], await NamesAsync("metrics.rmse < 0.6", "params.name"));
        Assert.Equal(["Alpha", "B_2", "beta"], await NamesAsync("metrics.rmse != 0.1", "params.name"));
        Assert.Equal(["b%1"], await NamesAsync("params.missing IS NULL and params.name = 'b%1'"));
        Assert.Equal(["beta", "alpha"], await NamesAsync($"attributes.run_id IN ('{ids[0]}', '{ids[2]}')", "attributes.start_time ASC"));

        var first = await _store.SearchRunsAsync(new RunQuery([experiment], [], [], ViewType.ActiveOnly, 2, 0), Cancel);
        Assert.Equal(["b%1", "B_2"], first.Items.Select(r => r.Info.RunName));
        var second = await _store.SearchRunsAsync(new RunQuery([experiment], [], [], ViewType.ActiveOnly, 2, PageToken.Decode(first.NextPageToken)), Cancel);
        Assert.Equal(["alpha", "Alpha"], second.Items.Select(r => r.Info.RunName));
    }

    [Fact]
    public async Task MetricHistory_PagesInStepOrder_AndNanSurvivesTheRoundTrip()
    {
        var (_, runId) = await NewRunAsync();
        await _store.LogBatchAsync(runId, new LogBatch(
            [.. Enumerable.Range(0, 5).Select(i => new Metric("loss", 1.0 / (i + 1), 10 + i, 4 - i)), new Metric("loss", double.NaN, 99, 7)], [], []), Cancel);

        var page = await _store.GetMetricHistoryAsync(new MetricHistoryQuery(runId, "loss", 4, 0), Cancel);
        Assert.Equal([0L, 1, 2, 3], page.Items.Select(m => m.Step));
        var rest = await _store.GetMetricHistoryAsync(new MetricHistoryQuery(runId, "loss", 4, PageToken.Decode(page.NextPageToken)), Cancel);
        Assert.Equal([4L, 7], rest.Items.Select(m => m.Step));
        Assert.True(double.IsNaN(rest.Items[^1].Value));
        Assert.Null(rest.NextPageToken);
    }

    [Fact]
    public void SampleSteps_AllWhenTheyFit_ElseEvenlySpacedPlusEndpoints()
    {
        Assert.Equal([1, 2, 3], StoredMetrics.SampleSteps([[1, 2], [2, 3]], 5).Order());
        var sampled = StoredMetrics.SampleSteps([Enumerable.Range(0, 101).Select(i => (long)i).ToList(), [7, 55]], 5);
        Assert.Equal([0, 7, 25, 50, 55, 75, 100], sampled.Order());
    }
}

public sealed class SqliteTrackingStoreTests(SqliteBackend backend) : TrackingStoreContract<SqliteBackend>(backend);

public sealed class PostgresTrackingStoreTests(PostgresBackend backend) : TrackingStoreContract<PostgresBackend>(backend)
{
    [Fact]
    public async Task NulCharacter_IsAClientError_AndNothingOfTheBatchIsStored()
    {
        var cancel = TestContext.Current.CancellationToken;
        var experiment = await Store.CreateExperimentAsync("nul-" + Guid.NewGuid().ToString("N"), null, [], cancel);
        var run = await Store.CreateRunAsync(new NewRun(experiment, null, "r", 1, []), cancel);

        var error = await Assert.ThrowsAsync<CairnException>(() => Store.LogBatchAsync(run.Info.RunId,
            new LogBatch([new Metric("m", 1, 1, 1)], [new KeyValue("p", "a\0b")], []), cancel));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Empty((await Store.GetRunAsync(run.Info.RunId, cancel))!.Data.Metrics);
    }
}
