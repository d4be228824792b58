using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Cairn.Server.Tests.Registry;

/// <summary>A server whose webhook retries are quick, so backoff is observable within a test.</summary>
public sealed class QuickWebhookServer : CairnServer
{
    protected override IEnumerable<string> ExtraArguments =>
        ["--Webhooks:RetryBaseDelayMilliseconds=100", "--Webhooks:PollIntervalMilliseconds=20", "--Webhooks:MaxAttempts=4",
         "--Webhooks:AllowedUrlPrefixes:0=http://127.0.0.1:"];
}

/// <summary>A real HTTP receiver on loopback that fails a set number of times before accepting.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, int failures)
    {
        _app = app;
        _failuresLeft = failures;
    }

    public ConcurrentQueue<(DateTimeOffset At, string Body, string Signature, int Answered)> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync(int failures, TimeSpan delay = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failures);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            var status = Interlocked.Decrement(ref receiver._failuresLeft) >= 0 ? 500 : 200;
            receiver.Requests.Enqueue((TimeProvider.System.GetUtcNow(), body, context.Request.Headers["X-Cairn-Signature"].ToString(), status));
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First() + "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class WebhookTests(QuickWebhookServer server) : IClassFixture<QuickWebhookServer>
{
    private const string Secret = "0123456789abcdef-secret";
    private readonly MlflowHttp _client = server.Client;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<long> RegisterAsync(Uri url, params string[] events)
    {
        using var response = await _client.Http.PostAsync("/api/v1/registry/webhooks",
            new StringContent(JsonSerializer.Serialize(new { url = url.ToString(), events, secret = Secret }), Encoding.UTF8, "application/json"), Cancel);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        return json["id"]!.GetValue<long>();
    }

    private async Task<JsonArray> DeliveriesAsync(long id) =>
        JsonNode.Parse(await _client.Http.GetStringAsync($"/api/v1/registry/webhooks/{id}/deliveries", Cancel))!["deliveries"]!.AsArray();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            await Task.Delay(50, Cancel);
        }
    }

    private async Task<string> ModelWithVersionAsync()
    {
        var name = "hook-" + Guid.NewGuid().ToString("N")[..10];
        await _client.OkAsync("registered-models/create", new { name });
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model" });
        return name;
    }

    [Fact]
    public async Task FailingReceiver_IsRetriedWithBackoff_UntilItAccepts_AndEveryBodyIsSigned()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: 2);
        var id = await RegisterAsync(receiver.Url, "model_version_stage_changed");
        var name = await ModelWithVersionAsync();

        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" });
        await WaitUntilAsync(async () => (await DeliveriesAsync(id)).Any(d => d!["status"]!.GetValue<string>() == "delivered"), "delivery");

        var attempts = receiver.Requests.ToList();
        Assert.Equal([500, 500, 200], attempts.Select(a => a.Answered));
        Assert.True(attempts[2].At - attempts[1].At >= attempts[1].At - attempts[0].At - TimeSpan.FromMilliseconds(30), "backoff grows");
        Assert.True(attempts[2].At - attempts[1].At >= TimeSpan.FromMilliseconds(150));
        foreach (var attempt in attempts)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(attempt.Body)));
            Assert.Equal(expected, attempt.Signature);
        }

        var payload = JsonNode.Parse(attempts[2].Body)!;
        Assert.Equal("model_version_stage_changed", payload["event"]!.GetValue<string>());
        Assert.Equal(name, payload["model"]!.GetValue<string>());
        Assert.Equal("1", payload["version"]!.GetValue<string>());
        Assert.Equal(("None", "Staging"), (payload["before"]!.GetValue<string>(), payload["after"]!.GetValue<string>()));

        var delivery = (await DeliveriesAsync(id)).Single()!;
        Assert.Equal(3, delivery["attempts"]!.GetValue<int>());
        Assert.Equal(200, delivery["lastStatusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task ReceiverThatNeverAccepts_IsMarkedFailedAfterMaxAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: int.MaxValue);
        var id = await RegisterAsync(receiver.Url, "model_version_created");
        await ModelWithVersionAsync();

        await WaitUntilAsync(async () => (await DeliveriesAsync(id)).Any(d => d!["status"]!.GetValue<string>() == "failed"), "failure");
        var delivery = (await DeliveriesAsync(id)).Single()!;
        Assert.Equal(4, delivery["attempts"]!.GetValue<int>());
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task SlowReceiver_NeverBlocksTheRegistryCall()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: 0, delay: TimeSpan.FromSeconds(3));
        var id = await RegisterAsync(receiver.Url, "model_alias_changed");
        var name = await ModelWithVersionAsync();

        var watch = Stopwatch.StartNew();
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "1" });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the API call took {watch.Elapsed}");
        await WaitUntilAsync(async () => (await DeliveriesAsync(id)).Any(d => d!["status"]!.GetValue<string>() == "delivered"), "slow delivery");
    }

    [Fact]
    public async Task OnlySubscribedEvents_AreDelivered_AndRegistrationIsValidated()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: 0);
        var id = await RegisterAsync(receiver.Url, "model_version_approval_decided");
        var name = await ModelWithVersionAsync();
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" });
        using (await _client.Http.PostAsync($"/api/v1/registry/models/{name}/versions/1/approval",
            new StringContent("{\"decision\": \"Approved\"}", Encoding.UTF8, "application/json"), Cancel))
        {
        }

        await WaitUntilAsync(async () => (await DeliveriesAsync(id)).Count == 1 && (await DeliveriesAsync(id))[0]!["status"]!.GetValue<string>() == "delivered", "approval delivery");
        Assert.Equal("model_version_approval_decided", (await DeliveriesAsync(id))[0]!["event"]!.GetValue<string>());

        foreach (var bad in new object[] { new { url = "ftp://x/y" }, new { url = "not a url" }, new { url = "http://127.0.0.1:1/x", events = new[] { "everything" } }, new { url = "http://127.0.0.1:1/x", secret = "short" } })
        {
            using var response = await _client.Http.PostAsync("/api/v1/registry/webhooks", new StringContent(JsonSerializer.Serialize(bad), Encoding.UTF8, "application/json"), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var outside = await _client.Http.PostAsync("/api/v1/registry/webhooks",
            new StringContent(JsonSerializer.Serialize(new { url = "http://10.1.2.3/hook" }), Encoding.UTF8, "application/json"), Cancel))
        {
            Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        }

        var list = JsonNode.Parse(await _client.Http.GetStringAsync("/api/v1/registry/webhooks", Cancel))!["webhooks"]!.AsArray();
        Assert.Contains(list, w => w!["id"]!.GetValue<long>() == id && w["secret"] is null);
        using (var delete = await _client.Http.DeleteAsync($"/api/v1/registry/webhooks/{id}", Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var gone = await _client.Http.GetAsync($"/api/v1/registry/webhooks/{id}/deliveries", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
