using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Issue 9: a run search read as columns for parallel coordinates: the same runs in the same order as the ordinary
/// search, with each wanted param's value and each wanted metric's latest value aligned with them.
/// </summary>
public abstract class RunColumnsContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Five runs started at times 1..5 (a is oldest): lr and optimizer params, loss and acc metrics with more than one
    /// step, a run whose latest loss is NaN, one with no metrics, and a deleted one.
    /// </summary>
    private async Task<(ExperimentId Id, Dictionary<string, RunId> Runs)> SeedAsync()
    {
        var id = await _store.CreateExperimentAsync("columns-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var runs = new Dictionary<string, RunId>();
        async Task Add(string name, long start, (string Key, double Value, long Step)[] metrics, (string Key, string Value)[] parameters)
        {
            var run = (await _store.CreateRunAsync(new NewRun(id, null, name, start, [new KeyValue("team", "t-" + name)]), Cancel)).Info.RunId;
            await _store.LogBatchAsync(run, new LogBatch([.. metrics.Select(m => new Metric(m.Key, m.Value, 100 + m.Step, m.Step))],
                [.. parameters.Select(p => new KeyValue(p.Key, p.Value))], []), Cancel);
            runs[name] = run;
        }

        // b's loss is logged out of step order: its latest is the one at step 2, not the last one sent.
        await Add("a", 1, [("loss", 0.9, 0), ("loss", 0.5, 1), ("acc", 0.6, 1)], [("lr", "0.1"), ("optimizer", "adam")]);
        await Add("b", 2, [("loss", 0.2, 2), ("loss", 0.7, 1)], [("lr", "0.01")]);
        await Add("c", 3, [("loss", double.NaN, 0), ("acc", 0.8, 0)], [("lr", "0.001"), ("optimizer", "sgd")]);
        await Add("d", 4, [], [("optimizer", "adam")]);
        await Add("gone", 5, [("loss", 0.3, 0)], [("lr", "9")]);
        await _store.DeleteRunAsync(runs["gone"], Cancel);
        return (id, runs);
    }

    [Fact]
    public async Task Issue9_EveryKey_AlignedWithTheRuns_NewestFirst()
    {
        var (id, runs) = await SeedAsync();

        var columns = await _store.GetRunColumnsAsync(new RunColumnQuery([id], [], ViewType.ActiveOnly, 100, null, null), Cancel);

        Assert.Equal([runs["d"], runs["c"], runs["b"], runs["a"]], columns.RunIds);
        Assert.Equal(["d", "c", "b", "a"], columns.RunNames);
        Assert.False(columns.Truncated);
        Assert.Equal(["lr", "optimizer"], columns.Params.Select(c => c.Key));
        Assert.Equal([null, "0.001", "0.01", "0.1"], columns.Params[0].Values);
        Assert.Equal(["adam", "sgd", null, "adam"], columns.Params[1].Values);
        Assert.Equal(["acc", "loss"], columns.Metrics.Select(c => c.Key));
        Assert.Equal([null, 0.8, null, 0.6], columns.Metrics[0].Values);
        var loss = columns.Metrics[1].Values;
        Assert.Null(loss[0]);
        Assert.True(double.IsNaN(loss[1]!.Value));
        Assert.Equal([0.2, 0.5], [loss[2]!.Value, loss[3]!.Value]);
    }

    [Fact]
    public async Task Issue9_NamedKeys_AreTheOnlyColumns_EvenWhenNoRunHasThem()
    {
        var (id, _) = await SeedAsync();

        var columns = await _store.GetRunColumnsAsync(new RunColumnQuery([id], [], ViewType.ActiveOnly, 100, ["optimizer", "missing"], ["loss"]), Cancel);

        Assert.Equal(["missing", "optimizer"], columns.Params.Select(c => c.Key));
        Assert.All(columns.Params[0].Values, Assert.Null);
        Assert.Equal(["adam", "sgd", null, "adam"], columns.Params[1].Values);
        Assert.Equal(["loss"], columns.Metrics.Select(c => c.Key));

        var none = await _store.GetRunColumnsAsync(new RunColumnQuery([id], [], ViewType.ActiveOnly, 100, [], []), Cancel);
        Assert.Equal(4, none.RunIds.Count);
        Assert.Empty(none.Params);
        Assert.Empty(none.Metrics);
    }

    [Fact]
    public async Task Issue9_FilterViewTypeAndLimit_AsTheRunSearch()
    {
        var (id, runs) = await SeedAsync();

        var filtered = await _store.GetRunColumnsAsync(new RunColumnQuery([id], RunSearch.ParseFilter("params.optimizer = 'adam'"), ViewType.ActiveOnly, 100, null, ["loss"]), Cancel);
        Assert.Equal([runs["d"], runs["a"]], filtered.RunIds);
        Assert.Equal([null, 0.5], filtered.Metrics[0].Values);

        var firstTwo = await _store.GetRunColumnsAsync(new RunColumnQuery([id], [], ViewType.ActiveOnly, 2, ["lr"], []), Cancel);
        var searched = await _store.SearchRunsAsync(new RunQuery([id], [], [], ViewType.ActiveOnly, 2, 0), Cancel);
        Assert.True(firstTwo.Truncated);
        Assert.Equal(searched.Items.Select(r => r.Info.RunId), firstTwo.RunIds);

        var deleted = await _store.GetRunColumnsAsync(new RunColumnQuery([id], [], ViewType.DeletedOnly, 100, null, null), Cancel);
        Assert.Equal([runs["gone"]], deleted.RunIds);
        Assert.Equal(["9"], deleted.Params.Single().Values);

        var nothing = await _store.GetRunColumnsAsync(new RunColumnQuery([id], RunSearch.ParseFilter("params.lr = 'none'"), ViewType.ActiveOnly, 100, null, null), Cancel);
        Assert.Empty(nothing.RunIds);
        Assert.Empty(nothing.Params);
        Assert.False(nothing.Truncated);
    }

    [Fact]
    public async Task Issue9_Columns_AgreeWithWholeRuns()
    {
        var (id, _) = await SeedAsync();

        var columns = await _store.GetRunColumnsAsync(new RunColumnQuery([id], [], ViewType.ActiveOnly, 100, null, null), Cancel);
        var runs = (await _store.SearchRunsAsync(new RunQuery([id], [], [], ViewType.ActiveOnly, 100, 0), Cancel)).Items;

        Assert.Equal(runs.Select(r => r.Info.RunId), columns.RunIds);
        for (var i = 0; i < runs.Count; i++)
        {
            foreach (var param in columns.Params)
            {
                Assert.Equal(runs[i].Data.Params.SingleOrDefault(p => p.Key == param.Key)?.Value, param.Values[i]);
            }

            foreach (var metric in columns.Metrics)
            {
                Assert.Equal(runs[i].Data.Metrics.Where(m => m.Key == metric.Key).Select(m => (double?)m.Value).SingleOrDefault(), metric.Values[i]);
            }
        }
    }
}

public sealed class SqliteRunColumnsTests(SqliteBackend backend) : RunColumnsContract<SqliteBackend>(backend);

public sealed class PostgresRunColumnsTests(PostgresBackend backend) : RunColumnsContract<PostgresBackend>(backend);
