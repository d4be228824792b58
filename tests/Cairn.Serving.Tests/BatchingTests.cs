using System.Net;
using System.Text.Json;
using Cairn.Client;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Serving.Models;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Tests.Infrastructure;

namespace Cairn.Serving.Tests;

/// <summary>Dynamic batching: concurrent requests share model calls, and each gets exactly its own rows back.</summary>
public sealed class BatchingTests : IAsyncLifetime
{
    private const int Requests = 120;
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-serving-batch").FullName;
    private ServingHost _host = null!;
    private LoadedModel _inProcess = null!;

    public async ValueTask InitializeAsync()
    {
        var package = OnnxPackages.WritePythonLayout(_work, "linear");
        using var client = CairnClient.Create("http://127.0.0.1:9");
        var served = await ServedModelLoader.LoadAsync(client, ModelSource.Parse("linear=" + package));
        // A latency budget makes merging certain even on a fast machine; 16 rows caps each call.
        _host = await ServingHost.StartAsync(["--Serving:Models:linear:MaxBatchSize=16", "--Serving:Models:linear:MaxLatencyMs=25"], served);
        _inProcess = await ModelPackage.LoadAsync(package);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _inProcess.Dispose();
        Directory.Delete(_work, true);
    }

    /// <summary>Request i sends 1 to 3 rows whose values no other request uses.</summary>
    private static float[][] RowsOf(int request) =>
        Enumerable.Range(0, 1 + (request % 3)).Select(r => new[] { request, r + 0.5f, -request * 0.25f }).ToArray();

    private float[] Expected(float[][] rows) =>
        (float[])Assert.Single(_inProcess.Predict([Tensor.Of("float_input", rows.SelectMany(r => r).ToArray(), rows.Length, 3)])).Data;

    private static float[] Floats(JsonElement element) => element.ValueKind == JsonValueKind.Array
        ? element.EnumerateArray().SelectMany(Floats).ToArray()
        : [element.GetSingle()];

    [Fact]
    public async Task ConcurrentRequests_OverBothProtocols_EachGetTheirOwnRows()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            var rows = RowsOf(i);
            var reply = i % 2 == 0
                ? await _host.PostAsync("/invocations", JsonSerializer.Serialize(new { inputs = rows }))
                : await _host.PostAsync("/v2/models/linear/infer", JsonSerializer.Serialize(new
                {
                    inputs = new[] { new { name = "float_input", shape = new[] { rows.Length, 3 }, datatype = "FP32", data = rows } },
                }));
            Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
            var data = i % 2 == 0 ? reply.Json.GetProperty("predictions").GetProperty("variable") : reply.Json.GetProperty("outputs")[0].GetProperty("data");
            return (Rows: rows, Got: Floats(data));
        }));

        foreach (var (rows, got) in answers)
        {
            Assert.Equal(Expected(rows), got);
        }

        // Fewer model calls than requests, and every row counted once.
        var metrics = (await _host.GetAsync("/metrics")).Body.Split('\n');
        var calls = long.Parse(metrics.Single(l => l.StartsWith("cairn_serving_batch_size_count{model=\"linear\"", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var rowsSeen = long.Parse(metrics.Single(l => l.StartsWith("cairn_serving_batch_size_sum{model=\"linear\"", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(0, Requests).Sum(i => RowsOf(i).Length), rowsSeen);
        Assert.True(calls < Requests, $"{calls} model calls for {Requests} requests: nothing was batched");
    }

    [Fact]
    public async Task ABadRequestBesideGoodOnes_FailsAlone()
    {
        var good = Enumerable.Range(0, 10).Select(i => _host.PostAsync("/invocations", JsonSerializer.Serialize(new { inputs = RowsOf(i) }))).ToList();
        var bad = _host.PostAsync("/invocations", """{"inputs": [[1, 2, 3, 4]]}""");

        Assert.Equal(HttpStatusCode.BadRequest, (await bad).Status);
        foreach (var (reply, i) in (await Task.WhenAll(good)).Select((r, i) => (r, i)))
        {
            Assert.Equal(Expected(RowsOf(i)), Floats(reply.Json.GetProperty("predictions").GetProperty("variable")));
        }
    }
}
