using System.Net;
using System.Text.Json;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Robustness;

public class ConcurrentWritersTests(CairnServer server) : IClassFixture<CairnServer>
{
    [Fact]
    public async Task SixtyFourClients_WritingAtOnce_AllSucceedAndNothingIsLost()
    {
        const int clients = 64;
        const int batchesPerClient = 25;
        var experimentId = await server.Client.CreateExperimentAsync();
        var runIds = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            runIds.Add(await server.Client.CreateRunAsync(experimentId));
        }

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var writers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            // A separate client and connection per writer, like separate processes.
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var runId = runIds[c % runIds.Count];
            for (var b = 0; b < batchesPerClient; b++)
            {
                var body = JsonSerializer.Serialize(new
                {
                    run_id = runId,
                    metrics = Enumerable.Range(0, 40).Select(k => new { key = $"c{c}", value = k * 0.5, timestamp = 1000 + b, step = (b * 40) + k }),
                    @params = new[] { new { key = $"c{c}-b{b}", value = "x" } },
                    tags = new[] { new { key = $"c{c}", value = b.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                });
                using var response = await http.PostAsync("/api/2.0/mlflow/runs/log-batch", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"client {c} batch {b}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
                }

                using var metric = await http.PostAsync("/api/2.0/mlflow/runs/log-metric",
                    new StringContent(JsonSerializer.Serialize(new { run_id = runId, key = $"single{c}", value = b, timestamp = 1, step = b }), System.Text.Encoding.UTF8, "application/json"),
                    TestContext.Current.CancellationToken);
                if (metric.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"client {c} metric {b}: {(int)metric.StatusCode}");
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        await Task.WhenAll(writers);

        Assert.Empty(failures);
        for (var c = 0; c < clients; c++)
        {
            var runId = runIds[c % runIds.Count];
            var history = await server.Client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=c{c}");
            Assert.Equal(batchesPerClient * 40, history.Json["metrics"]!.AsArray().Count);
            var singles = await server.Client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=single{c}");
            Assert.Equal(batchesPerClient, singles.Json["metrics"]!.AsArray().Count);
        }

        var run = await server.Client.GetRunAsync(runIds[0]);
        Assert.Equal(4 * batchesPerClient, run["data"]!["params"]!.AsArray().Count);
    }
}
