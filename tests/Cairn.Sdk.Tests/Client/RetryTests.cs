using System.Net;
using Cairn.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Sdk.Tests.Client;

/// <summary>Retries against a real loopback server that fails on purpose a set number of times.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private static readonly RetryPolicy Fast = new(4, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50));
    private WebApplication _app = null!;
    private int _failuresLeft;
    private int _status;
    private int _requests;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            Interlocked.Increment(ref _requests);
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                context.Response.StatusCode = _status;
                await context.Response.WriteAsync("{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"try later\"}");
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(context.Request.Path.Value!.EndsWith("runs/create", StringComparison.Ordinal)
                ? """{"run":{"info":{"run_uuid":"r1","run_id":"r1","run_name":"n","experiment_id":"0","status":"RUNNING","artifact_uri":"mlflow-artifacts:/0/r1/artifacts","lifecycle_stage":"active"},"data":{},"inputs":{}}}"""
                : """{"experiment":{"experiment_id":"7","name":"e","artifact_location":"x","lifecycle_stage":"active","last_update_time":1,"creation_time":1}}""");
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private CairnClient Client()
    {
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CairnClient(new HttpClient { BaseAddress = new Uri(address + "/") }, Fast);
    }

    private void FailNext(int count, HttpStatusCode status)
    {
        _failuresLeft = count;
        _status = (int)status;
        _requests = 0;
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task IdempotentCall_IsRetriedUntilItSucceeds(HttpStatusCode status)
    {
        using var client = Client();
        FailNext(2, status);
        var experiment = await client.GetExperimentAsync("7", TestContext.Current.CancellationToken);
        Assert.Equal("7", experiment.ExperimentId);
        Assert.Equal(3, _requests);
    }

    [Fact]
    public async Task Create_IsNotRepeatedAfterA500_ButIsAfterA503()
    {
        using var client = Client();
        FailNext(1, HttpStatusCode.InternalServerError);
        var error = await Assert.ThrowsAsync<CairnClientException>(() => client.CreateRunAsync("0", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(500, error.StatusCode);
        Assert.Equal(1, _requests);

        FailNext(1, HttpStatusCode.ServiceUnavailable);
        var run = await client.CreateRunAsync("0", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("r1", run.Info.RunId);
        Assert.Equal(2, _requests);
    }

    [Fact]
    public async Task GivingUp_ReportsTheServersError()
    {
        using var client = Client();
        FailNext(10, HttpStatusCode.ServiceUnavailable);
        var error = await Assert.ThrowsAsync<CairnClientException>(() => client.GetExperimentAsync("7", TestContext.Current.CancellationToken));
        Assert.Equal("TEMPORARILY_UNAVAILABLE", error.ErrorCode);
        Assert.Equal(Fast.MaxAttempts, _requests);
    }
}
