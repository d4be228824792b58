using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cairn.Server.Tests.Robustness;

/// <summary>
/// Starts the real `cairn server` process, streams log-batch requests, kills it with SIGKILL mid-stream,
/// restarts it on the same database and checks that every acknowledged batch is stored whole and nothing else.
/// </summary>
public sealed class CrashSafetyTests : IAsyncDisposable
{
    private const int PointsPerBatch = 100;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cairn-crash", Guid.NewGuid().ToString("N"));
    private Process? _server;

    [Fact]
    public async Task Sigkill_MidStream_KeepsEveryAcknowledgedBatchWholeAndNothingPartial()
    {
        var cancel = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(_directory);
        var address = await StartServerAsync(cancel);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var experiment = await PostAsync(http, "experiments/create", new { name = "crash" }, cancel);
        var experimentId = experiment["experiment_id"]!.GetValue<string>();
        var runId = (await PostAsync(http, "runs/create", new { experiment_id = experimentId, start_time = 1 }, cancel))["run"]!["info"]!["run_id"]!.GetValue<string>();

        var acknowledged = new ConcurrentBag<int>();
        var sent = 0;
        using var stop = new CancellationTokenSource();
        var streams = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = Interlocked.Increment(ref sent) - 1;
                var body = JsonSerializer.Serialize(new
                {
                    run_id = runId,
                    metrics = Enumerable.Range(0, PointsPerBatch).Select(k => new { key = "loss", value = (double)k, timestamp = batch, step = (batch * PointsPerBatch) + k }),
                    @params = new[] { new { key = $"batch{batch}", value = "sent" } },
                });
                try
                {
                    using var response = await http.PostAsync("/api/2.0/mlflow/runs/log-batch", new StringContent(body, Encoding.UTF8, "application/json"), CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(batch);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    return;
                }
            }
        }, cancel)).ToArray();

        var deadline = Stopwatch.StartNew();
        while (acknowledged.Count < 300 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20, cancel);
        }

        _server!.Kill();
        await _server.WaitForExitAsync(cancel);
        await stop.CancelAsync();
        await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.True(acknowledged.Count >= 300, $"only {acknowledged.Count} batches were acknowledged before the kill");

        var restarted = await StartServerAsync(cancel);
        using var after = new HttpClient { BaseAddress = restarted, Timeout = TimeSpan.FromSeconds(60) };
        var history = await GetAsync(after, $"metrics/get-history?run_id={runId}&metric_key=loss", cancel);
        var pointsPerBatch = history["metrics"]!.AsArray()
            .GroupBy(m => m!["step"]!.GetValue<long>() / PointsPerBatch)
            .ToDictionary(g => (int)g.Key, g => g.Count());
        var run = await GetAsync(after, $"runs/get?run_id={runId}", cancel);
        var storedParams = (run["run"]!["data"]!["params"]?.AsArray() ?? [])
            .Select(p => int.Parse(p!["key"]!.GetValue<string>()[5..], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

        foreach (var batch in acknowledged)
        {
            Assert.True(pointsPerBatch.TryGetValue(batch, out var count) && count == PointsPerBatch, $"acknowledged batch {batch} is missing or partial");
        }

        foreach (var (batch, count) in pointsPerBatch)
        {
            Assert.True(count == PointsPerBatch, $"batch {batch} is partial: {count} points");
            Assert.True(batch < sent, $"batch {batch} was never sent");
            Assert.Contains(batch, storedParams);
        }

        Assert.Equal(pointsPerBatch.Keys.ToHashSet(), storedParams);
    }

    private async Task<Uri> StartServerAsync(CancellationToken cancel)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "cairn.dll"), "server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--backend-store-uri", $"sqlite:///{_directory}/cairn.db", "--artifacts-destination", Path.Combine(_directory, "artifacts"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(_server.HasExited, "the server process exited during start-up");
            try
            {
                if ((await probe.GetStringAsync("/health", cancel)) == "OK")
                {
                    return address;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancel.IsCancellationRequested))
            {
                // Not listening yet, or still starting under load.
            }

            await Task.Delay(50, cancel);
        }

        throw new TimeoutException("cairn server did not answer /health within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string route, object body, CancellationToken cancel)
    {
        using var response = await http.PostAsync("/api/2.0/mlflow/" + route, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"), cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> GetAsync(HttpClient http, string route, CancellationToken cancel) =>
        JsonNode.Parse(await http.GetStringAsync("/api/2.0/mlflow/" + route, cancel))!;

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
