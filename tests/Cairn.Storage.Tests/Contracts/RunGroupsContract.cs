using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>Runs grouped by a param or tag with per-group metric statistics, NaN and missing values left out.</summary>
public abstract class RunGroupsContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GroupByParam_CountsRuns_AndSummarisesMetrics()
    {
        var id = await _store.CreateExperimentAsync("groups-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        (string? Lr, double? Loss, string Team)[] runs =
        [
            ("0.1", 1, "a"), ("0.1", 3, "a"), ("0.1", double.NaN, "b"), ("0.01", 0.5, "b"), ("0.01", null, "b"), (null, 7, "a"),
        ];
        foreach (var (lr, loss, team) in runs)
        {
            var run = (await _store.CreateRunAsync(new NewRun(id, null, "r", 1, [new KeyValue("team", team)]), Cancel)).Info.RunId;
            await _store.LogBatchAsync(run, new LogBatch(
                loss is { } v ? [new Metric("loss", v, 1, 0), new Metric("loss", v + 10, 2, 1)] : [],
                lr is null ? [] : [new KeyValue("lr", lr)], []), Cancel);
        }

        var groups = await _store.GroupRunsAsync(new RunGroupQuery(id, [], FilterEntity.Param, "lr",
            [("loss", MetricAggregate.Last), ("loss", MetricAggregate.Min)], 10), Cancel);

        Assert.Equal(["0.1", "0.01", null], groups.Select(g => g.Value));
        Assert.Equal([3L, 2L, 1L], groups.Select(g => g.RunCount));
        var tenth = groups[0].Metrics[0];
        Assert.Equal((12.0, 11.0, 13.0, 2L), (tenth.Mean!.Value, tenth.Min!.Value, tenth.Max!.Value, tenth.Count));
        Assert.Equal(2.0, groups[0].Metrics[1].Mean);
        Assert.Equal((10.5, 1L), (groups[1].Metrics[0].Mean!.Value, groups[1].Metrics[0].Count));
        Assert.Equal(17.0, groups[2].Metrics[0].Max);

        var byTeam = await _store.GroupRunsAsync(new RunGroupQuery(id, RunSearch.ParseFilter("params.lr = '0.1'"), FilterEntity.Tag, "team", [], 10), Cancel);
        Assert.Equal([("a", 2L), ("b", 1L)], byTeam.Select(g => (g.Value, g.RunCount)));
    }
}

public sealed class SqliteRunGroupsTests(SqliteBackend backend) : RunGroupsContract<SqliteBackend>(backend);

public sealed class PostgresRunGroupsTests(PostgresBackend backend) : RunGroupsContract<PostgresBackend>(backend);
