using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Client;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Models;
using Cairn.Serving.Tests.Infrastructure;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Serving.Tests;

/// <summary>A model served by alias follows the alias: the new version is swapped in under load, no request fails.</summary>
public sealed class HotSwapTests(CairnServer server) : IClassFixture<CairnServer>, IDisposable
{
    private static readonly float[,] SecondWeights = { { 0f, 1f }, { 1f, 0f }, { 1f, 1f } };

    private readonly string _work = Directory.CreateTempSubdirectory("cairn-hot-swap").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private async Task<string> RegisterTwoVersionsAsync(CairnClient client)
    {
        var name = "swap-" + Guid.NewGuid().ToString("N")[..8];
        var run = await client.CreateRunAsync(await client.GetOrCreateExperimentAsync("hot-swap"));
        await client.UploadDirectoryAsync(run.Info.ArtifactUri, OnnxPackages.WritePythonLayout(_work, "v1"), "v1");
        await client.UploadDirectoryAsync(run.Info.ArtifactUri, OnnxPackages.WritePythonLayout(_work, "v2", SecondWeights, [10f, 20f]), "v2");
        await client.EnsureRegisteredModelAsync(name);
        await client.CreateModelVersionAsync(name, $"runs:/{run.Info.RunId}/v1", run.Info.RunId);
        await client.CreateModelVersionAsync(name, $"runs:/{run.Info.RunId}/v2", run.Info.RunId);
        await client.SetAliasAsync(name, "champion", "1");
        return name;
    }

    [Fact]
    public async Task MovingTheAlias_SwapsTheModelUnderLoad_WithoutAFailedRequest()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = await RegisterTwoVersionsAsync(client);
        var first = await ServedModelLoader.LoadAsync(client, ModelSource.Parse($"models:/{name}@champion"));
        var app = ServingApp.Create(["--Serving:Port=0", "--Serving:PollIntervalSeconds=0.2", "--Logging:LogLevel:Default=Warning"], new ServedModels([first]), client);
        var address = await app.StartServingAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = address };
            var answers = new ConcurrentBag<(int Worker, long Sequence, HttpStatusCode Status, string Body)>();
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (long sequence = 0; !stop.IsCancellationRequested; sequence++)
                {
                    using var content = new StringContent("""{"inputs": [[1, 2, 3]]}""", Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync("/invocations", content, CancellationToken.None);
                    answers.Add((worker, sequence, response.StatusCode, await response.Content.ReadAsStringAsync(CancellationToken.None)));
                }
            })).ToList();

            await Task.Delay(500, TestContext.Current.CancellationToken);
            await client.SetAliasAsync(name, "champion", "2");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(30) && !answers.Any(a => a.Body.Contains("[[15,24]]", StringComparison.Ordinal)))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            // x = [1, 2, 3]. v1: x·W + b = [1 + 4 - 9 + 0.25, -1 + 1 + 0 - 0.5]; v2: [0 + 2 + 3 + 10, 1 + 0 + 3 + 20].
            const string V1 = """{"predictions": {"variable": [[-3.75, -0.5]]}}""";
            const string V2 = """{"predictions": {"variable": [[15, 24]]}}""";
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
            Assert.All(answers, a => Assert.Contains(Normalize(a.Body), new[] { Normalize(V1), Normalize(V2) }));
            Assert.Contains(answers, a => Normalize(a.Body) == Normalize(V1));
            Assert.Contains(answers, a => Normalize(a.Body) == Normalize(V2));
            foreach (var worker in answers.GroupBy(a => a.Worker))
            {
                // Once a worker has seen the new version it never sees the old one again.
                var ordered = worker.OrderBy(a => a.Sequence).Select(a => Normalize(a.Body) == Normalize(V2)).ToList();
                Assert.Equal(ordered.OrderBy(v => v).ToList(), ordered);
            }

            var metadata = JsonDocument.Parse(await http.GetStringAsync($"/v2/models/{name}", TestContext.Current.CancellationToken)).RootElement;
            Assert.Equal("2", metadata.GetProperty("versions")[0].GetString());
            Assert.True(first.IsRetired);
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task AVersionThatCannotBeLoaded_LeavesTheCurrentOneServing()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = await RegisterTwoVersionsAsync(client);
        var run = await client.CreateRunAsync(await client.GetOrCreateExperimentAsync("hot-swap"));
        await client.CreateModelVersionAsync(name, $"runs:/{run.Info.RunId}/nothing-here", run.Info.RunId);
        var first = await ServedModelLoader.LoadAsync(client, ModelSource.Parse($"models:/{name}@champion"));
        var app = ServingApp.Create(["--Serving:Port=0", "--Serving:PollIntervalSeconds=0.2", "--Logging:LogLevel:Default=Critical"], new ServedModels([first]), client);
        var address = await app.StartServingAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = address };
            await client.SetAliasAsync(name, "champion", "3");
            await Task.Delay(1_500, TestContext.Current.CancellationToken);

            using var content = new StringContent("""{"inputs": [[1, 2, 3]]}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/invocations", content, TestContext.Current.CancellationToken);
            var metadata = JsonDocument.Parse(await http.GetStringAsync($"/v2/models/{name}", TestContext.Current.CancellationToken)).RootElement;

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1", metadata.GetProperty("versions")[0].GetString());
            Assert.False(first.IsRetired);
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
            await app.DisposeAsync();
        }
    }

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
