using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Issue 9: the compare page reads 100 runs' metric points and pyramid cells in one call each. The batched reads give,
/// query by query, exactly what the single-run reads give, and the batched chart load the same histories as one load
/// per series.
/// </summary>
public abstract class MetricBatchReadsContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly ITrackingStore _store = backend.Tracking;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Three runs: "short" with 40 steps of loss and acc (NaN at step 7, a second point at steps 3 and 30, steps from
    /// -5); "long" with 5,000 steps of loss; "empty" with no metrics.
    /// </summary>
    private async Task<(RunId Short, RunId Long, RunId Empty)> SeedAsync()
    {
        var experiment = await _store.CreateExperimentAsync("batch-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        async Task<RunId> Run(string name, IEnumerable<Metric> metrics)
        {
            var run = (await _store.CreateRunAsync(new NewRun(experiment, null, name, 1, []), Cancel)).Info.RunId;
            foreach (var chunk in metrics.Chunk(1_000))
            {
                await _store.LogBatchAsync(run, new LogBatch(chunk, [], []), Cancel);
            }

            return run;
        }

        var shortPoints = new List<Metric>();
        for (var step = -5L; step < 35; step++)
        {
            shortPoints.Add(new Metric("loss", step == 7 ? double.NaN : 1.0 / (step + 10), 1_000 + step, step));
            shortPoints.Add(new Metric("acc", step * 0.01, 1_000 + step, step));
            if (step is 3 or 30)
            {
                shortPoints.Add(new Metric("loss", 0.25, 5_000 + step, step));
            }
        }

        var longPoints = Enumerable.Range(0, 5_000).Select(step => new Metric("loss", Math.Sin(step / 50.0) + (step == 2_222 ? 10 : 0), 1_000 + step, step));
        return (await Run("short", shortPoints), await Run("long", longPoints), await Run("empty", []));
    }

    private async Task<List<Metric>> SingleAsync(MetricRangeQuery query)
    {
        var points = new List<Metric>();
        await _store.VisitMetricHistoryAsync(query, points.Add, Cancel);
        return points;
    }

    [Fact]
    public async Task Issue9_VisitMetricHistories_GivesEachQueryWhatTheSingleReadGives()
    {
        var (shortRun, longRun, empty) = await SeedAsync();
        MetricRangeQuery[] queries =
        [
            new(shortRun, "loss", null, null),
            new(longRun, "loss", 100, 180),
            new(shortRun, "acc", -3, 3),
            new(empty, "loss", null, null),
            new(shortRun, "loss", 30, 30),
            new(shortRun, "missing", null, null),
            new(longRun, "loss", 4_990, null),
        ];

        var batched = queries.Select(_ => new List<Metric>()).ToArray();
        var order = new List<int>();
        await _store.VisitMetricHistoriesAsync(queries, (i, metric) => { batched[i].Add(metric); order.Add(i); }, Cancel);

        Assert.Equal(order.Order(), order);
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(await SingleAsync(queries[i]), batched[i]);
        }

        Assert.Equal(42, batched[0].Count);
        Assert.Equal([1.0 / 40, 0.25], batched[4].Select(m => m.Value).Order());
        Assert.Equal(10, batched[6].Count);
    }

    [Fact]
    public async Task Issue9_GetMetricBuckets_GivesEachQueryWhatTheSingleReadGives()
    {
        var (shortRun, longRun, empty) = await SeedAsync();
        MetricBucketQuery[] queries =
        [
            new(longRun, "loss", 6, 0, 100),
            new(shortRun, "loss", 30, long.MinValue >> 30, long.MaxValue >> 30),
            new(longRun, "loss", 10, 2, 3),
            new(empty, "loss", 6, long.MinValue >> 6, long.MaxValue >> 6),
            new(shortRun, "loss", 6, -1, 0),
        ];

        var batched = await _store.GetMetricBucketsAsync(queries, Cancel);

        Assert.Equal(queries.Length, batched.Count);
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(await _store.GetMetricBucketsAsync(queries[i], Cancel), batched[i]);
        }

        Assert.Equal(79, batched[0].Count);
        Assert.Equal(2, batched[4].Count);
        Assert.Empty(batched[3]);
    }

    [Fact]
    public async Task Issue9_BatchedReads_FailForARunThatDoesNotExist()
    {
        var (shortRun, _, _) = await SeedAsync();
        var ghost = new RunId(Guid.NewGuid().ToString("N"));

        var points = await Assert.ThrowsAsync<CairnException>(() => _store.VisitMetricHistoriesAsync(
            [new MetricRangeQuery(shortRun, "loss", null, null), new MetricRangeQuery(ghost, "loss", null, null)], (_, _) => { }, Cancel));
        var cells = await Assert.ThrowsAsync<CairnException>(() => _store.GetMetricBucketsAsync([new MetricBucketQuery(ghost, "loss", 6, 0, 1)], Cancel));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, points.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, cells.Code);
        await _store.VisitMetricHistoriesAsync([], (_, _) => Assert.Fail("no query, no point"), Cancel);
        Assert.Empty(await _store.GetMetricBucketsAsync([], Cancel));
    }

    /// <summary>Wide enough for the short history's 42 points to be drawn whole, narrow enough for the long one to use the pyramid.</summary>
    private const int Pixels = 30;

    [Theory]
    [InlineData(ChartXAxis.Step, null, null)]
    [InlineData(ChartXAxis.Step, 1_000.5, 3_000.0)]
    [InlineData(ChartXAxis.Step, 2.0, 20.0)]
    [InlineData(ChartXAxis.Relative, null, null)]
    [InlineData(ChartXAxis.Wall, 1_010.0, 4_000.0)]
    public async Task Issue9_LoadMany_GivesTheHistoriesOfOneLoadPerSeries(ChartXAxis axis, double? start, double? end)
    {
        var (shortRun, longRun, empty) = await SeedAsync();
        (RunId, string)[] series = [(shortRun, "loss"), (longRun, "loss"), (empty, "loss"), (shortRun, "acc"), (longRun, "acc")];

        var many = await MetricDownsampler.LoadManyAsync(_store, series, Pixels, axis, start, end, Cancel);

        Assert.Equal(series.Length, many.Count);
        for (var i = 0; i < series.Length; i++)
        {
            var one = await MetricDownsampler.LoadAsync(_store, series[i].Item1, series[i].Item2, Pixels, axis, start, end, Cancel);
            Assert.Equal((one.Method, one.TotalPoints, one.BucketWidth), (many[i].Method, many[i].TotalPoints, many[i].BucketWidth));
            Assert.Equal(one.Points, many[i].Points);
            Assert.Equal(one.Buckets, many[i].Buckets);
        }

        // Over the whole range the long history is reduced (from the pyramid on the step axis), the short one drawn whole.
        if (start is null)
        {
            Assert.Equal(MetricDownsampler.MethodMinMaxLttb, many[1].Method);
            Assert.Equal(MetricDownsampler.MethodNone, many[0].Method);
        }
    }
}

public sealed class SqliteMetricBatchReadsTests(SqliteBackend backend) : MetricBatchReadsContract<SqliteBackend>(backend);

public sealed class PostgresMetricBatchReadsTests(PostgresBackend backend) : MetricBatchReadsContract<PostgresBackend>(backend);
