// Artifact previews at size (issue 9): the 64 KB head of a 1 GB file and a folder of 10,000 artifacts. Writes the files
// into the local artifact folder of a real server on loopback and measures the store call, the HTTP route and the paint
// (Debian's chromium through Playwright, from navigation to the element on screen, cold and warm cache: bench/ui/PaintBench.cs). Reading the whole
// file once is the baseline the ranged read is compared with. Prints p50/p95 per measurement.
//
//   dotnet run --project bench/artifact-previews -c Release -- [--gigabytes 1] [--files 10000]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Core.Artifacts;
using Cairn.Core.Tracking;
using Cairn.Server;
using Microsoft.Extensions.DependencyInjection;

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var gigabytes = double.Parse(options.GetValueOrDefault("gigabytes", "1"), CultureInfo.InvariantCulture);
var fileCount = int.Parse(options.GetValueOrDefault("files", "10000"), CultureInfo.InvariantCulture);
const int Repeats = 20;
var folder = Path.Combine(Path.GetTempPath(), "cairn-bench-artifacts", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var cancel = CancellationToken.None;

var app = CairnApp.Create(["--Server:Port=0", $"--Storage:BackendStoreUri=sqlite:///{folder}/cairn.db", $"--Artifacts:Destination={folder}/artifacts",
    "--Logging:LogLevel:Default=Warning"]);
var address = await app.StartCairnAsync();
try
{
    var tracking = app.Services.GetRequiredService<ITrackingStore>();
    var artifacts = app.Services.GetRequiredService<IArtifactStore>();
    var experiment = await tracking.CreateExperimentAsync("bench-artifacts", null, [], cancel);
    var run = (await tracking.CreateRunAsync(new NewRun(experiment, "bench", "artifacts", 1_700_000_000_000, []), cancel)).Info;
    var root = $"{folder}/artifacts/{run.ExperimentId}/{run.RunId}/artifacts";
    var bigPath = ArtifactPath.Parse($"{run.ExperimentId}/{run.RunId}/artifacts/logs/big.log");

    var seed = Stopwatch.StartNew();
    Directory.CreateDirectory($"{root}/logs");
    var bytes = (long)(gigabytes * 1024 * 1024 * 1024);
    await using (var writer = new StreamWriter($"{root}/logs/big.log", false, new UTF8Encoding(false), 1 << 20))
    {
        long written = 0;
        for (var line = 0; written < bytes; line++)
        {
            var text = $"line {line:000000000} the quick brown fox jumps over the lazy dog {line % 97}";
            await writer.WriteLineAsync(text);
            written += text.Length + 1;
        }
    }

    Directory.CreateDirectory($"{root}/many");
    for (var i = 0; i < fileCount; i++)
    {
        await File.WriteAllTextAsync($"{root}/many/part-{i:00000}.txt", "x", cancel);
    }

    Console.WriteLine($"{new FileInfo($"{root}/logs/big.log").Length:N0}-byte file and {fileCount:N0} files written in {seed.Elapsed.TotalSeconds:0} s");

    using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
    var timings = new Timings(Repeats);
    Task Measure(string name, string target, Func<Task> action, int repeats = Repeats) => timings.Measure(name, target, action, repeats);

    await Measure("64 KB head of the 1 GB file, store (ranged read)", "< 500 ms", async () =>
    {
        await using var slice = (await artifacts.ReadRangeAsync(bigPath, ArtifactRange.Head(65_536), cancel))!;
        await slice.Content.CopyToAsync(Stream.Null, cancel);
    });
    await Measure("64 KB head of the 1 GB file, HTTP (Range: bytes=0-65535)", "< 500 ms", async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/get-artifact?run_id={run.RunId}&path=logs/big.log");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 65_535);
        using var response = await http.SendAsync(request, cancel);
        if (response.StatusCode != System.Net.HttpStatusCode.PartialContent || (await response.Content.ReadAsByteArrayAsync(cancel)).Length != 65_536)
        {
            throw new InvalidOperationException($"expected 206 with 65,536 bytes, got {(int)response.StatusCode}");
        }
    });
    await Measure("baseline: the whole 1 GB file, HTTP", "—", async () =>
    {
        using var response = await http.GetAsync($"/get-artifact?run_id={run.RunId}&path=logs/big.log", HttpCompletionOption.ResponseHeadersRead, cancel);
        await (await response.Content.ReadAsStreamAsync(cancel)).CopyToAsync(Stream.Null, cancel);
    }, repeats: 3);
    await Measure($"{fileCount:N0}-artifact folder, store listing", "< 500 ms", async () =>
    {
        var entries = await artifacts.ListAsync(ArtifactPath.Parse($"{run.ExperimentId}/{run.RunId}/artifacts/many"), cancel);
        if (entries.Count != fileCount)
        {
            throw new InvalidOperationException($"listed {entries.Count}");
        }
    });
    await Measure($"{fileCount:N0}-artifact folder, HTTP (MLflow artifacts/list)", "< 500 ms", async () =>
    {
        using var response = await http.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run.RunId}&path=many", cancel);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(cancel);
    });

    await using var paint = await PaintBench.StartAsync(address, Repeats);
    await paint.MeasureBaselineAsync();
    await paint.MeasureAsync("64 KB head of the 1 GB file", "< 500 ms", $"/runs/{run.RunId}/artifacts?path=logs/big.log", "pre.art-text");
    await paint.MeasureAsync($"{fileCount:N0}-artifact folder (first 200 entries)", "< 500 ms", $"/runs/{run.RunId}/artifacts?path=many/part-00000.txt",
        "ul[data-folder='many'] li[data-file='many/part-00199.txt']");

    timings.PrintTable();

    paint.PrintTables();
}
finally
{
    await app.StopAsync();
    Directory.Delete(folder, recursive: true);
}
