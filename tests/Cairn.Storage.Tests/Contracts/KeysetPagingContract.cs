using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// The runs table's paging by key: walking every page gives each matching run exactly once, in the order of the
/// ordinary search (metric values, then NaN, then runs without the metric), whatever the page size.
/// </summary>
public abstract class KeysetPagingContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// 23 runs: 14 with a loss (ties included, one infinite), 3 with a NaN loss, 4 without one, 2 deleted; a second
    /// experiment logs the same key so its rows must not leak in.
    /// </summary>
    private async Task<ExperimentId> SeedAsync()
    {
        var id = await _store.CreateExperimentAsync("keyset-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        double[] losses = [0.5, 0.25, 0.5, 0.75, 0.125, 0.5, 1, 2, 0.25, 3, 0.0625, 0.5, double.PositiveInfinity, -1];
        var values = losses.Select(v => (double?)v).Concat([double.NaN, double.NaN, double.NaN, null, null, null, null, 0.3, 0.4]).ToList();
        for (var i = 0; i < values.Count; i++)
        {
            var run = (await _store.CreateRunAsync(new NewRun(id, null, $"r{i:00}", 1_000 + (i % 5), []), Cancel)).Info.RunId;
            var metrics = values[i] is { } v ? new List<Metric> { new("loss", v, 10, 1) } : [];
            await _store.LogBatchAsync(run, new LogBatch(metrics, [new KeyValue("group", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture))], []), Cancel);
            if (i >= values.Count - 2)
            {
                await _store.DeleteRunAsync(run, Cancel);
            }
        }

        var other = await _store.CreateExperimentAsync("keyset-other-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var stranger = (await _store.CreateRunAsync(new NewRun(other, null, "stranger", 1, []), Cancel)).Info.RunId;
        await _store.LogBatchAsync(stranger, new LogBatch([new Metric("loss", 0.3, 1, 0)], [], []), Cancel);
        return id;
    }

    private async Task<List<Run>> WalkAsync(RunQuery query)
    {
        var runs = new List<Run>();
        string? after = null;
        do
        {
            var page = await _store.SearchRunsByKeyAsync(query, after, Cancel);
            Assert.True(page.Items.Count <= query.MaxResults);
            runs.AddRange(page.Items);
            after = page.NextPageToken;
        }
        while (after is not null);
        return runs;
    }

    private async Task<List<Run>> SearchAllAsync(RunQuery query) =>
        [.. (await _store.SearchRunsAsync(query with { MaxResults = 1_000, Offset = 0 }, Cancel)).Items];

    private static double? Loss(Run run) => run.Data.Metrics.Where(m => m.Key == "loss").Select(m => (double?)m.Value).FirstOrDefault();

    private static string Describe(IEnumerable<Run> runs) => string.Join(",", runs.Select(r => Loss(r)?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "-"));

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 4)]
    [InlineData(false, 5)]
    [InlineData(false, 100)]
    public async Task MetricSort_WalksEveryRunOnce_ValuesThenNaNThenMissing(bool ascending, int pageSize)
    {
        var id = await SeedAsync();
        var query = new RunQuery([id], [], [new OrderTerm(FilterEntity.Metric, "loss", ascending)], ViewType.ActiveOnly, pageSize, 0);

        var walked = await WalkAsync(query);
        var expected = await SearchAllAsync(query);

        Assert.Equal(21, walked.Count);
        Assert.Equal(walked.Count, walked.Select(r => r.Info.RunId).Distinct().Count());
        Assert.Equal(expected.Select(r => r.Info.RunId.Value).Order(StringComparer.Ordinal), walked.Select(r => r.Info.RunId.Value).Order(StringComparer.Ordinal));
        Assert.Equal(Describe(expected), Describe(walked));

        // The runs without the metric come last, in the default order (start time descending, then run id).
        Assert.Equal(expected.TakeLast(4).Select(r => r.Info.RunId), walked.TakeLast(4).Select(r => r.Info.RunId));
        // Infinity is stored as double.MaxValue, as MLflow stores it.
        Assert.Equal(ascending ? -1 : double.MaxValue, Loss(walked[0]));
    }

    [Fact]
    public async Task MetricSort_KeepsTheFilter()
    {
        var id = await SeedAsync();
        var filter = RunSearch.ParseFilter("params.group = '1'");
        var query = new RunQuery([id], filter, [new OrderTerm(FilterEntity.Metric, "loss", false)], ViewType.ActiveOnly, 2, 0);

        var walked = await WalkAsync(query);

        Assert.Equal(Describe(await SearchAllAsync(query)), Describe(walked));
        Assert.All(walked, r => Assert.Equal("1", r.Data.Params.Single(p => p.Key == "group").Value));
    }

    /// <summary>
    /// The MLflow search ordered by one metric reads the sorted index; with start time named as a second order term it
    /// takes the general query, which must give the same order (ties by start time, then run id) on every offset page.
    /// </summary>
    [Theory]
    [InlineData(true, 1, null)]
    [InlineData(false, 4, null)]
    [InlineData(false, 100, null)]
    [InlineData(true, 3, "params.group != '1'")]
    [InlineData(false, 2, "metrics.loss >= 0.25")]
    public async Task Issue4_SearchOrderedByMetric_MatchesTheGeneralQuery(bool ascending, int pageSize, string? filter)
    {
        var id = await SeedAsync();
        var byMetric = new RunQuery([id], RunSearch.ParseFilter(filter), [new OrderTerm(FilterEntity.Metric, "loss", ascending)], ViewType.ActiveOnly, pageSize, 0);
        var general = byMetric with { OrderBy = [.. byMetric.OrderBy, new OrderTerm(FilterEntity.Attribute, "start_time", false)] };

        var paged = new List<Run>();
        string? token = null;
        do
        {
            var page = await _store.SearchRunsAsync(byMetric with { Offset = PageToken.Decode(token) }, Cancel);
            Assert.True(page.Items.Count <= pageSize);
            paged.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null);
        var expected = await SearchAllAsync(general);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(r => r.Info.RunId), paged.Select(r => r.Info.RunId));
        Assert.Equal(Describe(expected), Describe(paged));
        Assert.Equal(expected.Select(r => r.Data.Params.Count), paged.Select(r => r.Data.Params.Count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task DefaultOrder_MatchesTheSearchOrder(int pageSize)
    {
        var id = await SeedAsync();
        var query = new RunQuery([id], [], [], ViewType.ActiveOnly, pageSize, 0);

        var walked = await WalkAsync(query);

        Assert.Equal((await SearchAllAsync(query)).Select(r => r.Info.RunId), walked.Select(r => r.Info.RunId));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task DefaultOrder_PutsNeverStartedRunsLast_AcrossPageBoundaries(int pageSize)
    {
        // Runs imported from elsewhere may have no start time; the store's own runs always have one.
        var id = await SeedAsync();
        string[] neverStarted = ["r03", "r07", "r11", "r15", "r19"];
        await backend.Reads.ReadAsync(async (connection, transaction) =>
        {
            var names = neverStarted.Select(n => $"'{n}'");
            await using var command = Sql.SqlReads.Command(connection, transaction,
                $"UPDATE runs SET start_time = NULL WHERE experiment_id = {id.Value} AND name IN ({string.Join(", ", names)})");
            Assert.Equal(neverStarted.Length, await command.ExecuteNonQueryAsync(Cancel));
            await transaction.CommitAsync(Cancel);
            return 0;
        }, Cancel);
        var query = new RunQuery([id], [], [], ViewType.ActiveOnly, pageSize, 0);

        var walked = await WalkAsync(query);

        Assert.Equal((await SearchAllAsync(query)).Select(r => r.Info.RunId), walked.Select(r => r.Info.RunId));
        Assert.Equal(neverStarted, walked.TakeLast(neverStarted.Length).Select(r => r.Info.RunName).Order(StringComparer.Ordinal));
        Assert.Equal(21, walked.Count);
    }

    [Fact]
    public async Task OtherOrders_PageToo()
    {
        var id = await SeedAsync();
        var query = new RunQuery([id], [], [new OrderTerm(FilterEntity.Metric, "loss", true) { Aggregate = MetricAggregate.Max }], ViewType.ActiveOnly, 4, 0);

        Assert.Equal((await SearchAllAsync(query)).Select(r => r.Info.RunId), (await WalkAsync(query)).Select(r => r.Info.RunId));
    }

    [Fact]
    public async Task TokenOfAnotherOrder_IsRefused()
    {
        var id = await SeedAsync();
        var byStart = new RunQuery([id], [], [], ViewType.ActiveOnly, 2, 0);
        var token = (await _store.SearchRunsByKeyAsync(byStart, null, Cancel)).NextPageToken;
        var byLoss = byStart with { OrderBy = [new OrderTerm(FilterEntity.Metric, "loss", true)] };

        var error = await Assert.ThrowsAsync<CairnException>(() => _store.SearchRunsByKeyAsync(byLoss, token, Cancel));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        await Assert.ThrowsAsync<CairnException>(() => _store.SearchRunsByKeyAsync(byLoss, "not a token", Cancel));
    }
}

public sealed class SqliteKeysetPagingTests(SqliteBackend backend) : KeysetPagingContract<SqliteBackend>(backend);

public sealed class PostgresKeysetPagingTests(PostgresBackend backend) : KeysetPagingContract<PostgresBackend>(backend);
