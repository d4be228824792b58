using System.Net;
using Cairn.Client;
using Cairn.Serving.Hosting;
using Cairn.Serving.Metrics;
using Cairn.Serving.Mlflow;
using Cairn.Serving.Models;
using Cairn.Serving.Oip;
using Cairn.Serving.Oip.Grpc;
using Cairn.Serving.Payloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cairn.Serving;

/// <summary>
/// The model server's composition root. Models are loaded before it is built, so a server that listens is ready;
/// stopping waits for requests in flight (up to <c>Serving:ShutdownTimeoutSeconds</c>) before the models are released.
/// </summary>
public static class ServingApp
{
    /// <summary>
    /// Builds the server for <paramref name="models"/>; with a <paramref name="registry"/> client, models served by alias,
    /// stage or "latest" follow the registry (hot swap, every <c>Serving:PollIntervalSeconds</c>).
    /// </summary>
    public static WebApplication Create(string[] args, ServedModels models, CairnClient? registry = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddEnvironmentVariables("CAIRN_");
        builder.Configuration.AddCommandLine(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        builder.Services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ServingOptions.Section).Get<ServingOptions>() ?? new ServingOptions();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
            if (options.GrpcPort is { } grpcPort)
            {
                kestrel.Listen(address, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            }

            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });

        foreach (var model in models.All)
        {
            model.EnableBatching(options.BatchingFor(model.Name));
        }

        builder.Services.AddSingleton(models);
        builder.Services.AddSingleton<ServingMetrics>();
        if (options.GrpcPort is not null)
        {
            builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue));
        }
        if (options.PayloadLog.Enabled)
        {
            builder.Services.AddSingleton<PayloadLogWriter>();
            builder.Services.AddHostedService(services => services.GetRequiredService<PayloadLogWriter>());
        }

        if (registry is not null)
        {
            builder.Services.AddSingleton(registry);
            builder.Services.AddHostedService<ModelWatcher>();
        }

        var app = builder.Build();
        app.UsePayloadLog();             // sampled request/response bodies to JSONL (when Serving:PayloadLog:Directory is set)
        app.MapScoringEndpoints();       // /ping, /health, /version, /invocations, /models/{name}/invocations
        app.MapInferenceEndpoints();     // /v2, /v2/health/*, /v2/models/{name}[/versions/{v}][/ready|/infer]
        app.MapMetricsEndpoint();        // /metrics (Prometheus)
        if (options.GrpcPort is not null)
        {
            app.MapGrpcService<GrpcInferenceService>();   // inference.GRPCInferenceService on Serving:GrpcPort
        }

        app.MapFallback(context => JsonResponse.WriteAsync(context, StatusCodes.Status404NotFound, w =>
        {
            w.WriteStartObject();
            w.WriteString("error_code", "ENDPOINT_NOT_FOUND");
            w.WriteString("message", $"No route {context.Request.Method} {context.Request.Path}.");
            w.WriteEndObject();
        }));
        app.Lifetime.ApplicationStopped.Register(models.Dispose);
        return app;
    }

    /// <summary>The gRPC address once started, or null without <c>Serving:GrpcPort</c>.</summary>
    public static Uri? GrpcAddress(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<ServingOptions>>().Value.GrpcPort is null ? null : new Uri(app.Urls.Skip(1).First());

    /// <summary>Starts listening and returns the bound address (useful with port 0).</summary>
    public static async Task<Uri> StartServingAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        _ = app.Services.GetRequiredService<IOptions<ServingOptions>>().Value;
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cairn.Serving");
        foreach (var model in app.Services.GetRequiredService<ServedModels>().All)
        {
            ServingLog.ModelServed(logger, model.Name, model.Version ?? "-", model.Source, model.Model.Flavor, model.LoadTime.TotalSeconds);
        }

        ServingLog.Listening(logger, address);
        return new Uri(address);
    }
}
