using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Robustness;

/// <summary>
/// A corpus of bad requests, each with the status and error code it must get. None may produce a 500,
/// none may take long, and the run they target must hold nothing afterwards.
/// </summary>
public class MalformedInputTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;

    public sealed record Case(string Name, string Method, string Path, string? Body, string? ContentType, int Status, string? Code)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in LoadCorpus())
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Corpus_EachRequestGetsItsDocumentedAnswer(string name)
    {
        var c = LoadCorpus().Single(x => x.Name == name);
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), MlflowHttp.Api + c.Path.Replace("{run}", runId, StringComparison.Ordinal));
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body.Replace("{run}", runId, StringComparison.Ordinal)));
            if (c.ContentType is not "")
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType ?? "application/json");
            }
        }

        var watch = Stopwatch.StartNew();
        using var response = await _client.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{name} took {watch.Elapsed}");
        Assert.True((int)response.StatusCode == c.Status, $"{name}: expected {c.Status}, got {(int)response.StatusCode}: {text}");
        if (c.Code is not null)
        {
            using var json = JsonDocument.Parse(text);
            Assert.Equal(c.Code, json.RootElement.GetProperty("error_code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("message").GetString()));
        }

        // Nothing of a rejected write may be stored.
        var data = (await _client.GetRunAsync(runId))["data"]!;
        Assert.Null(data["metrics"]);
        Assert.Null(data["params"]);
        Assert.Single(data["tags"]!.AsArray());
    }

    [Fact]
    public async Task OversizedBatchBody_IsRefusedFromContentLength()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        var padding = new string(' ', 1_000_001);
        var reply = await _client.PostRawAsync("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"params\": [{\"key\": \"p\", \"value\": \"v\"}]}" + padding);
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Null((await _client.GetRunAsync(runId))["data"]!["params"]);
    }

    [Fact]
    public async Task HugeDeclaredContentLength_IsAnsweredAtOnceWithoutReadingTheBody()
    {
        var watch = Stopwatch.StartNew();
        var (status, body) = await RawHttp.SendAsync(server.BaseAddress, "POST", "/api/2.0/mlflow/runs/log-batch", null, "Content-Type: application/json\r\nContent-Length: 2000000000\r\n");
        Assert.True(status is 400 or 413, $"status {status}: {body}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task OversizedKeysAndValues_AreRejected()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        (await _client.PostAsync("runs/log-metric", new { run_id = runId, key = new string('k', 251), value = 1, timestamp = 1 })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("experiments/create", new { name = new string('n', 501) })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/search", new { experiment_ids = new[] { "0" }, filter = "params.a = '" + new string('x', 17_000) + "'" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        var ids = string.Join("&", Enumerable.Range(0, 101).Select(i => $"run_ids={i:x32}"));
        (await _client.GetAsync($"metrics/get-history-bulk-interval?{ids}&metric_key=m")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    private static List<Case> LoadCorpus()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Robustness", "malformed-requests.json");
        return JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }
}
