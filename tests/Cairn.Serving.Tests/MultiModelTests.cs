using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cairn.Client;
using Cairn.Serving.Models;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Tests.Infrastructure;

namespace Cairn.Serving.Tests;

/// <summary>Several models in one process, per-model metrics, and draining requests in flight on shutdown.</summary>
public sealed class MultiModelTests : IAsyncLifetime
{
    private static readonly float[,] OtherWeights = { { 0f, 1f }, { 1f, 0f }, { 10f, 10f } };
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-serving-multi").FullName;
    private ServingHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        using var client = CairnClient.Create("http://127.0.0.1:9");
        var a = await ServedModelLoader.LoadAsync(client, ModelSource.Parse("a=" + OnnxPackages.WritePythonLayout(_work, "a")));
        var b = await ServedModelLoader.LoadAsync(client, ModelSource.Parse("b=" + OnnxPackages.WritePythonLayout(_work, "b", OtherWeights, [0f, 0f])));
        _host = await ServingHost.StartAsync(a, b);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_work, true);
    }

    private static float[] Variable(Reply reply) =>
        reply.Json.GetProperty("predictions").GetProperty("variable").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetSingle()).ToArray();

    [Fact]
    public async Task EachModel_AnswersAtItsOwnPath_AndBareInvocationsNamesTheChoices()
    {
        const string Body = """{"inputs": [[1, 2, 3]]}""";

        var a = await _host.PostAsync("/models/a/invocations", Body);
        var b = await _host.PostAsync("/models/b/invocations", Body);
        var bare = await _host.PostAsync("/invocations", Body);
        var infer = await _host.PostAsync("/v2/models/b/infer", """{"inputs": [{"name": "float_input", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""");

        Assert.Equal([-3.75f, -0.5f], Variable(a));
        Assert.Equal([32f, 31f], Variable(b));
        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        Assert.Contains("(a, b)", bare.Json.GetProperty("message").GetString());
        Assert.Equal([32f, 31f], infer.Json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public async Task Metrics_CountRequestsErrorsAndLatency_PerModelAndProtocol()
    {
        await _host.PostAsync("/models/a/invocations", """{"inputs": [[1, 2, 3]]}""");
        await _host.PostAsync("/models/a/invocations", """{"inputs": [[1, 2]]}""");
        await _host.PostAsync("/v2/models/b/infer", """{"inputs": [{"name": "float_input", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""");

        var metrics = await _host.GetAsync("/metrics");

        Assert.Equal("text/plain", metrics.ContentType);
        var lines = metrics.Body.Split('\n');
        Assert.Contains("cairn_serving_requests_total{model=\"a\",version=\"\",protocol=\"mlflow\",status=\"200\"} 1", lines);
        Assert.Contains("cairn_serving_requests_total{model=\"a\",version=\"\",protocol=\"mlflow\",status=\"400\"} 1", lines);
        Assert.Contains("cairn_serving_request_errors_total{model=\"a\",version=\"\",protocol=\"mlflow\"} 1", lines);
        Assert.Contains("cairn_serving_requests_total{model=\"b\",version=\"\",protocol=\"oip\",status=\"200\"} 1", lines);
        Assert.Contains("cairn_serving_request_duration_seconds_count{model=\"a\",version=\"\",protocol=\"mlflow\"} 2", lines);
        Assert.Contains("cairn_serving_request_duration_seconds_bucket{model=\"b\",version=\"\",protocol=\"oip\",le=\"+Inf\"} 1", lines);
        Assert.Contains(lines, l => l.StartsWith("cairn_serving_model_load_seconds{model=\"b\",version=\"\"} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_WaitsForARequestInFlight_ToBeAnswered()
    {
        // The body arrives in two parts; the server is told to stop between them.
        var firstPartSent = new TaskCompletionSource();
        var sendRest = new TaskCompletionSource();
        using var content = new SlowContent("{\"inputs\": [[1, 2,", " 3]]}", firstPartSent, sendRest.Task);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = _host.Http.PostAsync("/models/a/invocations", content, TestContext.Current.CancellationToken);
        await firstPartSent.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // The client has sent headers and half the body; give the server time to read the headers and start the
        // request. Stopping before that closes an idle connection, which is right but is not what this test is about.
        await Task.Delay(500, TestContext.Current.CancellationToken);

        var stopping = _host.App.StopAsync(TestContext.Current.CancellationToken);
        Assert.False(stopping.IsCompleted, "the server stopped with a request in flight");
        sendRest.SetResult();

        using var answer = await response.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(-3.75f, body.GetProperty("predictions").GetProperty("variable")[0][0].GetSingle());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private sealed class SlowContent(string first, string rest, TaskCompletionSource firstSent, Task restAllowed) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(first));
            await stream.FlushAsync();
            firstSent.SetResult();
            await restAllowed;
            await stream.WriteAsync(Encoding.UTF8.GetBytes(rest));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = Encoding.UTF8.GetByteCount(first) + Encoding.UTF8.GetByteCount(rest);
            return true;
        }
    }
}
