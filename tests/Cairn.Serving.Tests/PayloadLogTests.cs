using System.Net;
using System.Text.Json;
using Cairn.Models.Package;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Models;
using Cairn.Serving.Tests.Infrastructure;

namespace Cairn.Serving.Tests;

/// <summary>Payload logging: sampled requests and responses land in hourly JSONL files, one compact record per line.</summary>
public sealed class PayloadLogTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-payloads").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private async Task<ServingHost> StartAsync(double sampleRate)
    {
        var folder = OnnxPackages.WritePythonLayout(_work, "linear");
        var model = new ServedModel("lr", "4", folder, await ModelPackage.LoadAsync(folder, TestContext.Current.CancellationToken), TimeSpan.Zero);
        return await ServingHost.StartAsync(
            [$"--Serving:PayloadLog:Directory={Path.Combine(_work, "payloads")}", $"--Serving:PayloadLog:SampleRate={sampleRate}"], model);
    }

    private List<JsonElement> Records() =>
        Directory.GetFiles(Path.Combine(_work, "payloads"), "*.jsonl", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    [Fact]
    public async Task EveryPrediction_IsLoggedWithItsRequestAndResponse_EvenRefusedOnes()
    {
        var host = await StartAsync(1.0);
        var ok = await host.PostAsync("/invocations", "{\n  \"inputs\": [[1, 2, 3]]\n}");
        var refused = await host.PostAsync("/invocations", """{"inputs": [[1, 2]]}""");
        var infer = await host.PostAsync("/v2/models/lr/infer", """{"id": "r1", "inputs": [{"name": "float_input", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""");
        await host.GetAsync("/ping");
        await host.DisposeAsync(); // Stopping drains the queue.

        var records = Records();
        var files = Directory.GetFiles(Path.Combine(_work, "payloads"), "*.jsonl", SearchOption.AllDirectories);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.OK), (ok.Status, refused.Status, infer.Status));
        Assert.Matches(@"payloads[/\\]lr[/\\]\d{4}-\d{2}-\d{2}[/\\]payloads-\d{2}\.jsonl$", Assert.Single(files));
        Assert.Equal(3, records.Count);
        var first = records.Single(r => r.GetProperty("status").GetInt32() == 200 && r.GetProperty("protocol").GetString() == "mlflow");
        Assert.Equal("lr", first.GetProperty("model").GetString());
        Assert.Equal("4", first.GetProperty("model_version").GetString());
        Assert.Equal("/invocations", first.GetProperty("path").GetString());
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(ok.Body).RootElement), JsonSerializer.Serialize(first.GetProperty("response")));
        Assert.Equal(1f, first.GetProperty("request").GetProperty("inputs")[0][0].GetSingle());
        Assert.True(first.GetProperty("latency_ms").GetDouble() >= 0);
        var bad = records.Single(r => r.GetProperty("status").GetInt32() == 400);
        Assert.Equal("INVALID_PARAMETER_VALUE", bad.GetProperty("response").GetProperty("error_code").GetString());
        var oip = records.Single(r => r.GetProperty("protocol").GetString() == "oip");
        Assert.Equal("r1", oip.GetProperty("response").GetProperty("id").GetString());
    }

    [Fact]
    public async Task ASampleRate_LogsAboutThatShare()
    {
        var host = await StartAsync(0.25);
        for (var i = 0; i < 400; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("/invocations", """{"inputs": [[1, 2, 3]]}""")).Status);
        }

        var metrics = (await host.GetAsync("/metrics")).Body;
        await host.DisposeAsync();

        // Binomial(400, 0.25): mean 100, standard deviation 8.7; the bounds are more than 5 deviations away.
        Assert.InRange(Records().Count, 55, 145);
        Assert.Matches(@"cairn_serving_payloads_logged_total \d+", metrics);
        Assert.Contains("cairn_serving_payloads_dropped_total 0", metrics);
    }
}
