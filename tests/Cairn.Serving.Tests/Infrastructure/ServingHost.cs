using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cairn.Serving;
using Cairn.Serving.Models;
using Microsoft.AspNetCore.Builder;

namespace Cairn.Serving.Tests.Infrastructure;

/// <summary>The real model server on a free loopback port, in this process.</summary>
public sealed class ServingHost : IAsyncDisposable
{
    private ServingHost(WebApplication app, Uri address)
    {
        App = app;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public static Task<ServingHost> StartAsync(params ServedModel[] models) => StartAsync([], models);

    /// <summary>Starts with extra settings, e.g. <c>--Serving:Batching:MaxBatchSize=64</c>.</summary>
    public static async Task<ServingHost> StartAsync(string[] settings, params ServedModel[] models)
    {
        var app = ServingApp.Create(["--Serving:Port=0", "--Logging:LogLevel:Default=Warning", .. settings], new ServedModels(models));
        return new ServingHost(app, await app.StartServingAsync(TestContext.Current.CancellationToken));
    }

    public async Task<Reply> PostAsync(string path, string body, string? contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        using var response = await Http.PostAsync(path, content, TestContext.Current.CancellationToken);
        return await Reply.ReadAsync(response);
    }

    public async Task<Reply> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        return await Reply.ReadAsync(response);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Status, content type and body of an answer; <see cref="Json"/> parses the body.</summary>
public sealed record Reply(HttpStatusCode Status, string? ContentType, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public static async Task<Reply> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
}
