using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Issue 8: the run search's <c>min(metrics.k)</c>, <c>max(…)</c>, <c>count(…)</c> extension filters on the summaries kept at
/// write time, on both the ordinary search and the runs table's paging by key, while <c>metrics.k</c> keeps MLflow's
/// meaning (the latest value).
/// </summary>
public abstract class MetricSummaryFilterContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Loss histories (in step order): dip dips to 0.1 and ends at 0.9; flat stays at 0.5; long has 5 points ending at
    /// 0.15; nan has only NaN points; none logs no loss at all.
    /// </summary>
    private async Task<ExperimentId> SeedAsync()
    {
        var id = await _store.CreateExperimentAsync("summaries-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        (string Name, double[] Loss)[] runs =
        [
            ("dip", [0.8, 0.1, 0.9]),
            ("flat", [0.5, 0.5]),
            ("long", [1, 0.9, 0.7, 0.3, 0.15]),
            ("nan", [double.NaN, double.NaN]),
            ("none", []),
        ];
        foreach (var (name, loss) in runs)
        {
            var run = (await _store.CreateRunAsync(new NewRun(id, null, name, 1, []), Cancel)).Info.RunId;
            await _store.LogBatchAsync(run, new LogBatch([.. loss.Select((v, step) => new Metric("loss", v, 10 + step, step))], [], []), Cancel);
        }

        return id;
    }

    private async Task<List<string>> NamesAsync(ExperimentId id, string filter)
    {
        var query = new RunQuery([id], RunSearch.ParseFilter(filter), RunSearch.ParseOrderBy(["attributes.run_name ASC"]), ViewType.ActiveOnly, 100, 0);
        var searched = (await _store.SearchRunsAsync(query, Cancel)).Items.Select(r => r.Info.RunName).ToList();
        var byKey = (await _store.SearchRunsByKeyAsync(query, null, Cancel)).Items.Select(r => r.Info.RunName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(searched, byKey);
        return searched;
    }

    [Theory]
    [InlineData("min(metrics.loss) < 0.2", "dip,long")]
    [InlineData("MIN(metrics.loss) <= 0.1", "dip")]
    [InlineData("max(metrics.loss) >= 0.9", "dip,long")]
    [InlineData("max(metrics.loss) = 0.5", "flat")]
    [InlineData("count(metrics.loss) > 2", "dip,long")]
    [InlineData("count(metrics.loss) = 2", "flat,nan")]
    [InlineData("last(metrics.loss) < 0.2", "long")]
    [InlineData("metrics.loss < 0.2", "long")]
    [InlineData("min(metrics.loss) < 0.2 and metrics.loss > 0.5", "dip")]
    [InlineData("min(metrics.loss) != 0.5", "dip,long")]
    [InlineData("min(metrics.missing) < 1", "")]
    public async Task Issue8_FilterOnMetricSummaries(string filter, string expected)
    {
        var id = await SeedAsync();

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await NamesAsync(id, filter));
    }

    [Fact]
    public async Task Issue8_SummaryFilterCombinesWithSortOnSummary()
    {
        var id = await SeedAsync();
        var order = new OrderTerm(FilterEntity.Metric, "loss", Ascending: false) { Aggregate = MetricAggregate.Count };
        var query = new RunQuery([id], RunSearch.ParseFilter("max(metrics.loss) > 0.4"), [order], ViewType.ActiveOnly, 100, 0);

        var runs = (await _store.SearchRunsAsync(query, Cancel)).Items.Select(r => r.Info.RunName);

        Assert.Equal(["long", "dip", "flat"], runs);
    }
}

public sealed class SqliteMetricSummaryFilterTests(SqliteBackend backend) : MetricSummaryFilterContract<SqliteBackend>(backend);

public sealed class PostgresMetricSummaryFilterTests(PostgresBackend backend) : MetricSummaryFilterContract<PostgresBackend>(backend);
