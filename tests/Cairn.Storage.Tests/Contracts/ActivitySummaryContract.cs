using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Summaries kept at write time for lists that must not scan history: per metric last/min/max/count, per run the latest
/// step and metric time, per experiment the active run count and last activity.
/// </summary>
public abstract class ActivitySummaryContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<ExperimentId> NewExperimentAsync() =>
        await _store.CreateExperimentAsync("activity-" + Guid.NewGuid().ToString("N"), null, [], Cancel);

    private async Task<Experiment> ExperimentAsync(ExperimentId id) => (await _store.GetExperimentAsync(id, Cancel))!;

    [Fact]
    public async Task NewExperiment_HasNoRunsAndNoActivity()
    {
        var experiment = await ExperimentAsync(await NewExperimentAsync());
        Assert.Equal(0, experiment.RunCount);
        Assert.Null(experiment.LastActivityTime);
    }

    [Fact]
    public async Task RunCount_FollowsCreateDeleteRestore_AndExperimentDeleteCascade()
    {
        var id = await NewExperimentAsync();
        var runs = new List<RunId>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add((await _store.CreateRunAsync(new NewRun(id, null, $"r{i}", 1_000 + i, []), Cancel)).Info.RunId);
        }

        Assert.Equal(3, (await ExperimentAsync(id)).RunCount);
        Assert.Equal(1_002, (await ExperimentAsync(id)).LastActivityTime);

        await _store.DeleteRunAsync(runs[0], Cancel);
        Assert.Equal(2, (await ExperimentAsync(id)).RunCount);
        await _store.DeleteRunAsync(runs[0], Cancel);
        Assert.Equal(2, (await ExperimentAsync(id)).RunCount);
        await _store.RestoreRunAsync(runs[0], Cancel);
        Assert.Equal(3, (await ExperimentAsync(id)).RunCount);

        await _store.DeleteExperimentAsync(id, Cancel);
        Assert.Equal(0, (await ExperimentAsync(id)).RunCount);
        await _store.RestoreExperimentAsync(id, Cancel);
        Assert.Equal(3, (await ExperimentAsync(id)).RunCount);
    }

    [Fact]
    public async Task RunCount_IsExact_UnderConcurrentCreation()
    {
        var id = await NewExperimentAsync();
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => _store.CreateRunAsync(new NewRun(id, null, $"r{i}", i, []), Cancel)));
        Assert.Equal(24, (await ExperimentAsync(id)).RunCount);
    }

    [Fact]
    public async Task LastActivity_MovesWithMetricPointsAndRunEnd_NeverBackwards()
    {
        var id = await NewExperimentAsync();
        var run = (await _store.CreateRunAsync(new NewRun(id, null, "r", 10, []), Cancel)).Info.RunId;
        Assert.Equal(10, (await ExperimentAsync(id)).LastActivityTime);

        await _store.LogBatchAsync(run, new LogBatch([new Metric("loss", 1, 500, 0), new Metric("acc", 0.5, 700, 3)], [], []), Cancel);
        Assert.Equal(700, (await ExperimentAsync(id)).LastActivityTime);

        // An older point changes nothing.
        await _store.LogBatchAsync(run, new LogBatch([new Metric("loss", 2, 50, 1)], [], []), Cancel);
        Assert.Equal(700, (await ExperimentAsync(id)).LastActivityTime);

        await _store.UpdateRunAsync(new RunUpdate(run, RunStatus.Finished, 900, null), Cancel);
        Assert.Equal(900, (await ExperimentAsync(id)).LastActivityTime);
    }

    [Fact]
    public async Task LastActivity_IsTheLatestPoint_OfConcurrentBatchesIntoManyRuns_WithRunEnds()
    {
        // 80 runs: more than PostgreSQL's 64 activity shards, so some runs share one.
        var id = await NewExperimentAsync();
        var runs = await Task.WhenAll(Enumerable.Range(0, 80).Select(async i =>
            (await _store.CreateRunAsync(new NewRun(id, null, $"r{i}", 1, []), Cancel)).Info.RunId));

        await Task.WhenAll(runs.Select((run, i) => _store.LogBatchAsync(run, new LogBatch([new Metric("loss", 1, 10_000 + i, 0)], [], []), Cancel)));
        Assert.Equal(10_079, (await ExperimentAsync(id)).LastActivityTime);

        await Task.WhenAll(runs.Select(run => _store.LogBatchAsync(run, new LogBatch([new Metric("loss", 2, 5_000, 1)], [], []), Cancel)));
        Assert.Equal(10_079, (await ExperimentAsync(id)).LastActivityTime);

        await _store.LogBatchAsync(runs[3], new LogBatch([new Metric("loss", 3, 20_000, 2)], [], []), Cancel);
        Assert.Equal(20_000, (await ExperimentAsync(id)).LastActivityTime);

        await _store.UpdateRunAsync(new RunUpdate(runs[5], RunStatus.Finished, 15_000, null), Cancel);
        Assert.Equal(20_000, (await ExperimentAsync(id)).LastActivityTime);
        await _store.UpdateRunAsync(new RunUpdate(runs[6], RunStatus.Finished, 30_000, null), Cancel);
        Assert.Equal(30_000, (await ExperimentAsync(id)).LastActivityTime);
        await _store.LogBatchAsync(runs[7], new LogBatch([new Metric("loss", 4, 25_000, 3)], [], []), Cancel);
        Assert.Equal(30_000, (await ExperimentAsync(id)).LastActivityTime);

        var byName = await _store.GetExperimentByNameAsync((await ExperimentAsync(id)).Name, Cancel);
        Assert.Equal(30_000, byName!.LastActivityTime);
    }

    [Fact]
    public async Task Run_CarriesLatestStepAndMetricTime()
    {
        var id = await NewExperimentAsync();
        var run = (await _store.CreateRunAsync(new NewRun(id, null, "r", 1, []), Cancel)).Info.RunId;
        Assert.Null((await _store.GetRunAsync(run, Cancel))!.Info.LatestStep);

        await _store.LogBatchAsync(run, new LogBatch([new Metric("a", 1, 100, 5), new Metric("b", 1, 300, 2)], [], []), Cancel);
        await _store.LogBatchAsync(run, new LogBatch([new Metric("a", 1, 200, 4)], [], []), Cancel);

        var info = (await _store.GetRunAsync(run, Cancel))!.Info;
        Assert.Equal(5, info.LatestStep);
        Assert.Equal(300, info.LatestMetricTime);
        var searched = await _store.SearchRunsAsync(new RunQuery([id], [], [], ViewType.ActiveOnly, 10, 0), Cancel);
        Assert.Equal(5, Assert.Single(searched.Items).Info.LatestStep);
    }

    [Fact]
    public async Task MetricSummaries_AreLastMinMaxCount_OverAllBatches_IgnoringNaNForMinMax()
    {
        var id = await NewExperimentAsync();
        var run = (await _store.CreateRunAsync(new NewRun(id, null, "r", 1, []), Cancel)).Info.RunId;
        var other = (await _store.CreateRunAsync(new NewRun(id, null, "o", 1, []), Cancel)).Info.RunId;
        await _store.LogBatchAsync(run, new LogBatch([new Metric("loss", 3, 1, 0), new Metric("loss", -7, 2, 1), new Metric("loss", double.NaN, 3, 2)], [], []), Cancel);
        await _store.LogBatchAsync(run, new LogBatch([new Metric("loss", 9, 4, 3), new Metric("loss", 1, 5, 2), new Metric("nan", double.NaN, 1, 0)], [], []), Cancel);
        // A repeated point is stored once and counted once.
        await _store.LogBatchAsync(run, new LogBatch([new Metric("loss", 9, 4, 3)], [], []), Cancel);
        await _store.LogBatchAsync(other, new LogBatch([new Metric("loss", 42, 1, 0)], [], []), Cancel);

        var summaries = await _store.GetMetricSummariesAsync([run, other], Cancel);
        var loss = Assert.Single(summaries, s => s.RunId == run && s.Key == "loss");
        Assert.Equal((9d, 3L, 4L, -7d, 9d, 5L), (loss.Last, loss.LastStep, loss.LastTimestamp, loss.Min!.Value, loss.Max!.Value, loss.Count));
        var nan = Assert.Single(summaries, s => s.RunId == run && s.Key == "nan");
        Assert.True(double.IsNaN(nan.Last));
        Assert.Null(nan.Min);
        Assert.Equal(1, nan.Count);
        Assert.Equal(42, Assert.Single(summaries, s => s.RunId == other).Max);
        Assert.Empty(await _store.GetMetricSummariesAsync([], Cancel));
    }

    [Fact]
    public async Task SearchRuns_OrdersByMetricSummaries_RunsWithoutTheMetricLast()
    {
        var id = await NewExperimentAsync();
        var runs = new List<RunId>();
        // (min, max, count) per run: a = (1, 9, 3), b = (-5, 2, 2), c = (3, 4, 4); d has no points.
        double[][] histories = [[9, 1, 5], [-5, 2], [3, 4, 3.5, 3.2], []];
        foreach (var (history, i) in histories.Select((h, i) => (h, i)))
        {
            var run = (await _store.CreateRunAsync(new NewRun(id, null, ((char)('a' + i)).ToString(), i, []), Cancel)).Info.RunId;
            runs.Add(run);
            if (history.Length > 0)
            {
                await _store.LogBatchAsync(run, new LogBatch([.. history.Select((v, step) => new Metric("m", v, step, step))], [], []), Cancel);
            }
        }

        async Task<string> OrderAsync(MetricAggregate aggregate, bool ascending)
        {
            var order = new OrderTerm(FilterEntity.Metric, "m", ascending) { Aggregate = aggregate };
            var page = await _store.SearchRunsAsync(new RunQuery([id], [], [order], ViewType.ActiveOnly, 10, 0), Cancel);
            return string.Concat(page.Items.Select(r => r.Info.RunName));
        }

        Assert.Equal("bacd", await OrderAsync(MetricAggregate.Min, ascending: true));
        Assert.Equal("cabd", await OrderAsync(MetricAggregate.Min, ascending: false));
        Assert.Equal("acbd", await OrderAsync(MetricAggregate.Max, ascending: false));
        Assert.Equal("bacd", await OrderAsync(MetricAggregate.Count, ascending: true));
        Assert.Equal("cabd", await OrderAsync(MetricAggregate.Count, ascending: false));
        Assert.Equal("bcad", await OrderAsync(MetricAggregate.Last, ascending: true));
    }

    [Fact]
    public async Task RunKeys_ArePerExperimentAndKind_ByPrefix_InOrder()
    {
        var id = await NewExperimentAsync();
        var other = await NewExperimentAsync();
        var run = (await _store.CreateRunAsync(new NewRun(id, null, "r", 1, []), Cancel)).Info.RunId;
        var elsewhere = (await _store.CreateRunAsync(new NewRun(other, null, "o", 1, []), Cancel)).Info.RunId;
        await _store.LogBatchAsync(run, new LogBatch([new Metric("val/loss", 1, 1, 0), new Metric("train/loss", 1, 1, 0), new Metric("val/acc", 1, 1, 0)],
            [new KeyValue("lr", "1")], [new KeyValue("team", "a")]), Cancel);
        await _store.LogBatchAsync(elsewhere, new LogBatch([new Metric("val/other", 1, 1, 0)], [], []), Cancel);

        Assert.Equal(["val/acc", "val/loss"], await _store.GetRunKeysAsync(id, FilterEntity.Metric, "val/", 10, Cancel));
        Assert.Equal(["train/loss", "val/acc", "val/loss"], await _store.GetRunKeysAsync(id, FilterEntity.Metric, "", 10, Cancel));
        Assert.Equal(["train/loss"], await _store.GetRunKeysAsync(id, FilterEntity.Metric, "", 1, Cancel));
        Assert.Equal(["lr"], await _store.GetRunKeysAsync(id, FilterEntity.Param, "", 10, Cancel));
        Assert.Equal(["team"], await _store.GetRunKeysAsync(id, FilterEntity.Tag, "t", 10, Cancel));
        Assert.Empty(await _store.GetRunKeysAsync(id, FilterEntity.Param, "x", 10, Cancel));
    }

    [Fact]
    public async Task VisitMetricHistory_StreamsTheRangeInStepOrder()
    {
        var id = await NewExperimentAsync();
        var run = (await _store.CreateRunAsync(new NewRun(id, null, "r", 1, []), Cancel)).Info.RunId;
        await _store.LogBatchAsync(run, new LogBatch([.. Enumerable.Range(0, 50).Reverse().Select(i => new Metric("m", i * 2, i, i))], [], []), Cancel);

        var steps = new List<long>();
        await _store.VisitMetricHistoryAsync(new MetricRangeQuery(run, "m", 10, 19), m => steps.Add(m.Step), Cancel);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => (long)i), steps);

        var missing = await Assert.ThrowsAsync<Cairn.Core.CairnException>(() =>
            _store.VisitMetricHistoryAsync(new MetricRangeQuery(RunId.New(), "m", null, null), _ => { }, Cancel));
        Assert.Equal(Cairn.Core.ErrorCode.ResourceDoesNotExist, missing.Code);
    }
}

public sealed class SqliteActivitySummaryTests(SqliteBackend backend) : ActivitySummaryContract<SqliteBackend>(backend);

public sealed class PostgresActivitySummaryTests(PostgresBackend backend) : ActivitySummaryContract<PostgresBackend>(backend);
