// The web UI's speed on a seeded data set (issue 8's table): N runs × (20 params, 20 metrics, 10 tags) over 2,000 distinct
// metric keys, and one run with a 1,000,000-point metric. Seeds the runs by SQL (BulkRunSeed.cs, checked against the store
// by SeedCheck.cs; --seed store writes them through the store port instead) and the long history through the store,
// starts the real server on the same database, and measures server time (the store calls a page makes, or the HTTP
// endpoint) and paint time (Debian's chromium through Playwright, from navigation to the element on screen, cold and warm
// cache, beside the browser's own Element Timing figure: PaintBench.cs, PaintProbe.cs). Prints p50/p95 per measurement.
// --postgres runs it all on a throwaway PostgreSQL cluster (initdb in a temporary folder, a free loopback port).
//
//   dotnet run --project bench/ui -c Release -- [--runs 100000] [--points 1000000] [--postgres | --backend-store-uri URI]
//       [--seed sql|store] [--repeats 20] [--chart-only] [--server-only] [--trace FOLDER] [--chromium-defaults]
//   dotnet run --project bench/ui -c Release -- --registry-models 1000 [--backend-store-uri URI]   (RegistryBench.cs)
//   dotnet run --project bench/ui -c Release -- --compare-runs 10000 [--only parallel|compare] [--trace FOLDER] [--backend-store-uri URI]   (CompareBench.cs)
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Server;
using Cairn.Storage;
using Cairn.Storage.Postgres;
using Cairn.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Cairn.Tests.Shared;
using Npgsql;

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var runCount = int.Parse(options.GetValueOrDefault("runs", "100000"), CultureInfo.InvariantCulture);
var pointCount = int.Parse(options.GetValueOrDefault("points", "1000000"), CultureInfo.InvariantCulture);
var folder = Path.Combine(Path.GetTempPath(), "cairn-bench-ui", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
await using var cluster = options.ContainsKey("postgres") ? await PostgresCluster.StartAsync() : null;
var backend = cluster?.Uri ?? options.GetValueOrDefault("backend-store-uri", $"sqlite:///{folder}/cairn.db");
if (options.TryGetValue("registry-models", out var registryModels))
{
    await RegistryBench.RunAsync(int.Parse(registryModels, CultureInfo.InvariantCulture), backend, folder);
    return;
}

if (options.TryGetValue("compare-runs", out var compareRuns))
{
    await CompareBench.RunAsync(int.Parse(compareRuns, CultureInfo.InvariantCulture), backend, folder, options.GetValueOrDefault("only"), options.GetValueOrDefault("trace"));
    return;
}

const int MetricKeys = BenchRuns.MetricKeys;
var Repeats = int.Parse(options.GetValueOrDefault("repeats", "20"), CultureInfo.InvariantCulture);

Console.WriteLine($"backend {BackendStoreUri.Redact(backend)}; {runCount:N0} runs; {pointCount:N0}-point metric");
var seedClock = Stopwatch.StartNew();
string experimentName = "bench-ui";
RunId bigRun;
{
    var location = BackendStoreUri.Parse(backend, folder);
    var postgres = location.Provider == BackendStoreUri.Postgres;
    ITrackingStore store;
    IAsyncDisposable database;
    DbConnection connection;
    if (postgres)
    {
        var pg = PostgresDatabase.Open(location.Location);
        (store, database, connection) = (new PostgresTrackingStore(pg, TimeProvider.System), pg, new NpgsqlConnection(location.Location));
    }
    else
    {
        var lite = SqliteDatabase.Open(location.Location);
        (store, database, connection) = (new SqliteTrackingStore(lite, TimeProvider.System), lite,
            new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location.Location, Pooling = false, DefaultTimeout = 600 }.ToString()));
    }

    await connection.OpenAsync();
    var cancel = CancellationToken.None;
    var experiment = await store.CreateExperimentAsync(experimentName, null, [], cancel);

    // --seed store writes every run through the store port as a client would (over ten minutes at 100,000 runs);
    // the default writes the same rows by SQL after checking, on 25 runs, that both ways give the same rows.
    if (options.GetValueOrDefault("seed", "sql") == "store")
    {
        await BenchRuns.LogAsync(store, experiment, 0, runCount);
    }
    else
    {
        await SeedCheck.RunAsync(store, connection, postgres);
        await new BulkRunSeed(connection, postgres).SeedAsync(experiment, 0, runCount, progress: true);
    }

    Console.WriteLine($"{runCount:N0} runs seeded in {seedClock.Elapsed.TotalSeconds:0} s");
    var random = new Random(1);
    var big = await store.CreateRunAsync(new NewRun(experiment, "bench", "long-history", BenchRuns.StartTime, []), cancel);
    bigRun = big.Info.RunId;
    var historyClock = Stopwatch.StartNew();
    for (var offset = 0; offset < pointCount; offset += 1_000)
    {
        var batch = Enumerable.Range(offset, Math.Min(1_000, pointCount - offset))
            .Select(s => new Metric("loss", s % 50_000 == 7 ? 100 : Math.Sin(s / 10_000.0) + random.NextDouble() / 10, BenchRuns.StartTime + s, s)).ToList();
        await store.LogBatchAsync(bigRun, new LogBatch(batch, [], []), cancel);
    }

    Console.WriteLine($"long history: {pointCount:N0} points logged through the store in batches of 1,000 in {historyClock.Elapsed.TotalSeconds:0.0} s");
    await new BulkRunSeed(connection, postgres).SettleAsync();
    await connection.DisposeAsync();
    await database.DisposeAsync();
}

Console.WriteLine($"seeded in {seedClock.Elapsed.TotalSeconds:0} s");

var app = CairnApp.Create(["--Server:Port=0", $"--Storage:BackendStoreUri={backend}", $"--Artifacts:Destination={folder}/artifacts", "--Logging:LogLevel:Default=Warning"]);
var address = await app.StartCairnAsync();
var tracking = app.Services.GetRequiredService<ITrackingStore>();
var experimentId = (await tracking.GetExperimentByNameAsync(experimentName, CancellationToken.None))!.Id;
using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
var timings = new Timings(Repeats);
Task Measure(string name, string target, Func<Task> action) => timings.Measure(name, target, action);

// --chart-only skips the runs-table measurements (for a quick run with --runs 0).
var chartOnly = options.ContainsKey("chart-only");
if (!chartOnly)
{
// The first page of the runs table: 100 runs with their data, and the summaries of 20 metric columns.
await Measure("runs table first page, server (100 rows × 20 columns)", "< 150 ms", async () =>
{
    var page = await tracking.SearchRunsByKeyAsync(new RunQuery([experimentId], [], [], ViewType.ActiveOnly, 100, 0), null, CancellationToken.None);
    await tracking.GetMetricSummariesAsync([.. page.Items.Select(r => r.Info.RunId)], CancellationToken.None);
});
// The runs table pages by key (SearchRunsByKeyAsync, the latest_metrics_sorted index); the MLflow search with OFFSET is
// measured beside it as the baseline. Page 50 starts from the token page 49 handed out.
var byLoss = new RunQuery([experimentId], [], [new OrderTerm(FilterEntity.Metric, "metric_0007", false)], ViewType.ActiveOnly, 100, 0);
await Measure("sort by a metric over all runs, server (by key, first page)", "< 300 ms", async () =>
{
    var page = await tracking.SearchRunsByKeyAsync(byLoss, null, CancellationToken.None);
    await tracking.GetMetricSummariesAsync([.. page.Items.Select(r => r.Info.RunId)], CancellationToken.None);
});
string? page49 = null;
for (var i = 0; i < 49 && (i == 0 || page49 is not null); i++)
{
    page49 = (await tracking.SearchRunsByKeyAsync(byLoss, page49, CancellationToken.None)).NextPageToken;
}

await Measure("sort by a metric over all runs, server (by key, page 50)", "< 300 ms", async () =>
{
    var page = await tracking.SearchRunsByKeyAsync(byLoss, page49, CancellationToken.None);
    await tracking.GetMetricSummariesAsync([.. page.Items.Select(r => r.Info.RunId)], CancellationToken.None);
});
await Measure("sort by a metric over all runs, server (MLflow search, OFFSET, first page; baseline)", "-", () =>
    tracking.SearchRunsAsync(byLoss, CancellationToken.None));
await Measure("group by a param with 20 metric means, server", "-", () =>
    tracking.GroupRunsAsync(new RunGroupQuery(experimentId, [], FilterEntity.Param, "param_00",
        [.. Enumerable.Range(0, 20).Select(j => ($"metric_{(j * 101) % MetricKeys:0000}", MetricAggregate.Last))], 500), CancellationToken.None));
await Measure("column catalogue (2,000 metric keys), server", "< 100 ms", async () =>
{
    var keys = await tracking.GetRunKeysAsync(experimentId, FilterEntity.Metric, "", 5_000, CancellationToken.None);
    if (keys.Count != MetricKeys + 1)
    {
        throw new InvalidOperationException($"catalogue has {keys.Count} keys, expected {MetricKeys + 1} (the long run adds loss)");
    }
});
}

await Measure("1,000,000-point chart, server (HTTP, 576 pixels)", "< 200 ms", async () =>
{
    using var response = await http.GetAsync($"/api/2.0/cairn/metrics/get-history-downsampled?run_id={bigRun}&metric_key=loss&pixels=576");
    response.EnsureSuccessStatusCode();
    await response.Content.ReadAsByteArrayAsync();
});

await Measure("1,000,000-point chart zoomed to the middle half, server (HTTP, 576 pixels)", "< 200 ms", async () =>
{
    using var response = await http.GetAsync(
        $"/api/2.0/cairn/metrics/get-history-downsampled?run_id={bigRun}&metric_key=loss&pixels=576&start={pointCount / 4}.5&end={pointCount * 3 / 4}.5");
    response.EnsureSuccessStatusCode();
    await response.Content.ReadAsByteArrayAsync();
});

// --server-only stops after the server measurements (a quick check of a seed).
if (options.ContainsKey("server-only"))
{
    await app.StopAsync();
    timings.PrintTable();
}
else
{
    await using var paint = await PaintBench.StartAsync(address, Repeats, options.GetValueOrDefault("trace"), options.ContainsKey("chromium-defaults"));
    await paint.MeasureBaselineAsync();
    var columns = string.Join(",", Enumerable.Range(0, 20).Select(j => $"metrics.metric_{(j * 101) % MetricKeys:0000}"));
    if (!chartOnly)
    {
        await paint.MeasureAsync("runs table first page (100 rows × 20 columns)", "< 500 ms", $"/experiments/{experimentId}?cols={Uri.EscapeDataString(columns)}", "tr[data-run-id]");
        await paint.MeasureAsync("runs table sorted by a metric (100 rows × 20 columns)", "-", $"/experiments/{experimentId}?cols={Uri.EscapeDataString(columns)}&order={Uri.EscapeDataString("metrics.metric_0007 desc")}", "tr[data-run-id]");
    }

    await paint.MeasureAsync("1,000,000-point chart", "< 1 s", $"/runs/{bigRun}", "figure[data-metric='loss'] svg[data-points]");

    await app.StopAsync();
    timings.PrintTable();

    paint.PrintTables();
}

try
{
    Directory.Delete(folder, recursive: true);
}
catch (IOException)
{
}
