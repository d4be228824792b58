using System.Net;
using Cairn.Server.Features.Artifacts;
using Cairn.Server.Features.Health;
using Cairn.Server.Features.Registry;
using Cairn.Server.Features.Tracking;
using Cairn.Server.Features.Ui;
using Cairn.Server.Hosting;
using Cairn.Server.Mlflow;
using Microsoft.Extensions.Options;

namespace Cairn.Server;

/// <summary>The platform server's composition root: configuration, services and routes, in reading order.</summary>
public static class CairnApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddInMemoryCollection(MlflowEnvironment.Settings());
        builder.Configuration.AddEnvironmentVariables("CAIRN_");
        builder.Configuration.AddCommandLine(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        builder.Services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
            kestrel.Limits.MaxRequestBodySize = MlflowRequest.DefaultMaxBodyBytes;
            kestrel.AddServerHeader = false;
        });

        builder.AddStorage();
        builder.AddBulkRuns();
        builder.AddUi();
        builder.Services.AddSingleton<MlflowErrorFilter>();
        builder.Services.AddSingleton<ProblemErrorFilter>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        builder.Services.AddHostedService<WebhookDispatcher>();

        var app = builder.Build();
        app.UseDotSegmentGuard();
        app.UseRequestLog();
        app.UseJsonStatusPages();
        app.MapHealthEndpoints();         // /health, /version
        app.MapTrackingEndpoints();       // /api/2.0/mlflow/*, /ajax-api/2.0/mlflow/*
        app.MapCairnTrackingExtensions(); // /api/2.0/cairn/metrics/get-history-downsampled
        app.MapBulkRunEndpoints();        // /api/2.0/cairn/runs/bulk/{preview,apply,undo}, /api/2.0/cairn/runs/export-csv
        app.MapRegistryEndpoints();       // registered-models/*, model-versions/* under the same prefixes
        app.MapGovernanceEndpoints();     // /api/v1/registry: audit trail, approvals
        app.MapWebhookEndpoints();        // /api/v1/registry/webhooks
        app.MapArtifactEndpoints();       // /api/2.0/mlflow-artifacts/*, /get-artifact, /model-versions/get-artifact
        app.MapUi();                      // the web UI at /, its script and stylesheet
        return app;
    }

    /// <summary>Prepares storage, starts listening and returns the bound address (useful with port 0).</summary>
    public static async Task<Uri> StartCairnAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.InitializeStorageAsync();
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cairn");
        ServerLog.Listening(logger, address, Cairn.Storage.BackendStoreUri.Redact(app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.BackendStoreUri));
        return new Uri(address);
    }
}

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Cairn listening on {Address} (backend store {Store})")]
    public static partial void Listening(ILogger logger, string address, string store);
}
