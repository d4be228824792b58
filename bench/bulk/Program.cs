// Bulk run actions at size (issue 9): a filter result of N runs (each with 3 params, 2 metrics, 2 tags) in one
// experiment of a real server on SQLite, driven through the same BulkRunService the REST routes and the runs table use:
// preview, delete (batches of 500, one transaction each), undo, tag, and the streamed CSV export over HTTP. The
// baseline is deleting the same runs one call at a time through ITrackingStore (what a client loop does, minus HTTP).
//
//   dotnet run --project bench/bulk -c Release -- [--runs 10000]
using System.Diagnostics;
using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;
using Cairn.Server;
using Microsoft.Extensions.DependencyInjection;

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var runs = int.Parse(options.GetValueOrDefault("runs", "10000"), CultureInfo.InvariantCulture);
var folder = Path.Combine(Path.GetTempPath(), "cairn-bench-bulk", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var cancel = CancellationToken.None;

var app = CairnApp.Create(["--Server:Port=0", $"--Storage:BackendStoreUri=sqlite:///{folder}/cairn.db", $"--Artifacts:Destination={folder}/artifacts",
    "--Logging:LogLevel:Default=Warning", "--Bulk:UndoWindow=00:10:00"]);
var address = await app.StartCairnAsync();
try
{
    var tracking = app.Services.GetRequiredService<ITrackingStore>();
    var bulk = app.Services.GetRequiredService<BulkRunService>();
    var experiment = await tracking.CreateExperimentAsync("bench-bulk", null, [], cancel);

    var seed = Stopwatch.StartNew();
    var ids = new List<RunId>(runs);
    for (var i = 0; i < runs; i++)
    {
        var run = (await tracking.CreateRunAsync(new NewRun(experiment, "bench", $"run-{i}", 1_700_000_000_000 + i, [new KeyValue("cohort", "old")]), cancel)).Info.RunId;
        await tracking.LogBatchAsync(run, new LogBatch(
            [new Metric("loss", 1.0 / (i + 1), 1_700_000_000_000 + i, 0), new Metric("accuracy", i % 100 / 100.0, 1_700_000_000_000 + i, 0)],
            [new KeyValue("lr", (i % 7 * 0.01).ToString(CultureInfo.InvariantCulture)), new KeyValue("depth", (i % 9).ToString(CultureInfo.InvariantCulture)),
             new KeyValue("note", $"run {i}, \"quoted\"")],
            [new KeyValue("team", i % 2 == 0 ? "a" : "b")]), cancel);
        ids.Add(run);
    }

    Console.WriteLine($"seeded {runs:N0} runs in {seed.Elapsed.TotalSeconds:0.0} s");
    var selection = BulkSelection.Of(new BulkFilter([experiment], RunSearch.ParseFilter("tags.cohort = 'old'"), ViewType.ActiveOnly));

    async Task<T> TimeAsync<T>(string what, Func<Task<T>> work)
    {
        var watch = Stopwatch.StartNew();
        var result = await work();
        Console.WriteLine($"{what,-58} {watch.Elapsed.TotalMilliseconds,10:N0} ms");
        return result;
    }

    var preview = await TimeAsync($"preview (count + artifact listing of {Math.Min(runs, 2000):N0} runs)", () => bulk.PreviewAsync(selection, cancel));
    var deleted = await TimeAsync($"bulk delete of the filter result ({preview.Runs:N0} runs)",
        () => bulk.ApplyAsync(new BulkRequest(BulkAction.Delete, selection, ExpectedCount: preview.Runs), cancel));
    await TimeAsync($"undo ({deleted.Done:N0} runs restored)", () => bulk.UndoAsync(deleted.UndoToken!, cancel));
    var tagged = await TimeAsync($"bulk tag of the filter result", () => bulk.ApplyAsync(new BulkRequest(BulkAction.Tag, selection, new KeyValue("reviewed", "yes")), cancel));
    await TimeAsync($"undo of the tag ({tagged.Done:N0} runs)", () => bulk.UndoAsync(tagged.UndoToken!, cancel));

    using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
    var csvBytes = await TimeAsync("CSV export over HTTP (streamed, whole filter result)", async () =>
    {
        using var response = await http.GetAsync($"/api/2.0/cairn/runs/export-csv?experiment_ids={experiment}", HttpCompletionOption.ResponseHeadersRead, cancel);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var buffer = new byte[1 << 16];
        long total = 0;
        for (int read; (read = await body.ReadAsync(buffer, cancel)) > 0;)
        {
            total += read;
        }

        return total;
    });
    Console.WriteLine($"CSV size {csvBytes / 1024.0 / 1024.0:0.0} MB");

    await TimeAsync($"baseline: delete one run per call ({runs:N0} calls)", async () =>
    {
        foreach (var id in ids)
        {
            await tracking.DeleteRunAsync(id, cancel);
        }

        return 0;
    });
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    Directory.Delete(folder, recursive: true);
}
