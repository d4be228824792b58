using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>A small MLflow REST caller for tests: raw JSON in, status and parsed JSON out.</summary>
public sealed class MlflowHttp(HttpClient http) : IDisposable
{
    public const string Api = "/api/2.0/mlflow/";

    public HttpClient Http => http;

    public async Task<Reply> PostAsync(string route, object body, string prefix = Api) =>
        await SendAsync(HttpMethod.Post, prefix + route, JsonSerializer.Serialize(body));

    public async Task<Reply> PostRawAsync(string route, string body, string contentType = "application/json", string prefix = Api)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, prefix + route)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = contentType.Length == 0 ? null : MediaTypeHeaderValue.Parse(contentType);
        return await ReadAsync(await http.SendAsync(request, TestContext.Current.CancellationToken));
    }

    public async Task<Reply> GetAsync(string routeWithQuery, string prefix = Api)
    {
        using var response = await http.GetAsync(prefix + routeWithQuery, TestContext.Current.CancellationToken);
        return await ReadAsync(response);
    }

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return await ReadAsync(response);
    }

    public async Task<Reply> OkAsync(string route, object body)
    {
        var reply = await PostAsync(route, body);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{route} answered {(int)reply.Status}: {reply.Text}");
        return reply;
    }

    public async Task<Reply> OkGetAsync(string routeWithQuery, string prefix = Api)
    {
        var reply = await GetAsync(routeWithQuery, prefix);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{routeWithQuery} answered {(int)reply.Status}: {reply.Text}");
        return reply;
    }

    public async Task<string> CreateExperimentAsync(string? name = null)
    {
        var reply = await OkAsync("experiments/create", new { name = name ?? "exp-" + Guid.NewGuid().ToString("N") });
        return reply.Json["experiment_id"]!.GetValue<string>();
    }

    public async Task<string> CreateRunAsync(string experimentId, long startTime = 1_700_000_000_000, object[]? tags = null, string? runName = null)
    {
        var reply = await OkAsync("runs/create", new { experiment_id = experimentId, start_time = startTime, tags = tags ?? [], run_name = runName });
        return reply.Json["run"]!["info"]!["run_id"]!.GetValue<string>();
    }

    public async Task<JsonNode> GetRunAsync(string runId) => (await OkGetAsync($"runs/get?run_id={runId}")).Json["run"]!;

    private static async Task<Reply> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            json = JsonNode.Parse(text);
        }

        return new Reply(response.StatusCode, text, json, response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => http.Dispose();
}

public sealed record Reply(HttpStatusCode Status, string Text, JsonNode? Body, string? MediaType)
{
    public JsonNode Json => Body ?? throw new InvalidOperationException($"Expected a JSON body, got: {Text}");

    public string? ErrorCode => Body?["error_code"]?.GetValue<string>();

    public void AssertError(HttpStatusCode status, string errorCode)
    {
        Assert.True(Status == status && ErrorCode == errorCode, $"Expected {(int)status} {errorCode}, got {(int)Status}: {Text}");
        Assert.False(string.IsNullOrWhiteSpace(Body?["message"]?.GetValue<string>()), "An error must carry a message.");
    }
}
