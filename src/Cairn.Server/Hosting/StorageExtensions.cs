using Cairn.Core.Artifacts;
using Cairn.Core.Maintenance;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;
using Cairn.Storage;
using Cairn.Storage.Postgres;
using Cairn.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Cairn.Server.Hosting;

public static class StorageExtensions
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ArtifactOptions>().BindConfiguration(ArtifactOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);

        // The provider decides which classes exist, so the URI is read (and a bad one refused) while composing.
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var uri = BackendStoreUri.Parse(storage.BackendStoreUri, Directory.GetCurrentDirectory());
        if (uri.Provider == BackendStoreUri.Postgres)
        {
            AddPostgres(builder.Services, uri.Location);
        }
        else
        {
            AddSqlite(builder.Services, uri.Location);
        }

        builder.Services.AddOptions<Features.Registry.RegistryOptions>().BindConfiguration(Features.Registry.RegistryOptions.Section);
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<Features.Registry.RegistryOptions>>().Value;
            return new ApprovalPolicy(options.RequireApproval, options.ProtectedAliases.ToHashSet(StringComparer.Ordinal));
        });
        builder.Services.AddSingleton(services =>
            ArtifactStoreFactory.Create(services.GetRequiredService<IOptions<ArtifactOptions>>().Value, Directory.GetCurrentDirectory()));
        return builder;
    }

    private static void AddSqlite(IServiceCollection services, string path)
    {
        services.AddSingleton(_ => SqliteDatabase.Open(path));
        services.AddSingleton<SqliteTrackingStore>();
        services.AddSingleton<ITrackingStore>(s => s.GetRequiredService<SqliteTrackingStore>());
        services.AddSingleton<IModelRegistryStore, SqliteRegistryStore>();
        services.AddSingleton<IWebhookStore, SqliteWebhookStore>();
        services.AddSingleton<ILoggedModelStore, SqliteLoggedModelStore>();
        services.AddSingleton<IBulkRunStore, SqliteBulkRunStore>();
        services.AddSingleton<IPurgeStore, SqlitePurgeStore>();
        services.AddSingleton<PrepareStorage>(s => s.GetRequiredService<SqliteTrackingStore>().EnsureDefaultExperimentAsync);
    }

    private static void AddPostgres(IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => PostgresDatabase.Open(connectionString));
        services.AddSingleton<PostgresTrackingStore>();
        services.AddSingleton<ITrackingStore>(s => s.GetRequiredService<PostgresTrackingStore>());
        services.AddSingleton<IModelRegistryStore, PostgresRegistryStore>();
        services.AddSingleton<IWebhookStore, PostgresWebhookStore>();
        services.AddSingleton<ILoggedModelStore, PostgresLoggedModelStore>();
        services.AddSingleton<IBulkRunStore, PostgresBulkRunStore>();
        services.AddSingleton<IPurgeStore, PostgresPurgeStore>();
        services.AddSingleton<PrepareStorage>(s => s.GetRequiredService<PostgresTrackingStore>().EnsureDefaultExperimentAsync);
    }

    /// <summary>
    /// Opens (and on an empty database migrates) the store before the first request, so start-up fails loudly. The
    /// artifact store is built but not contacted: a bucket that is down makes artifact routes answer 503, not the
    /// server fail to start.
    /// </summary>
    public static async Task InitializeStorageAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<PrepareStorage>()(CancellationToken.None);
        app.Services.GetRequiredService<IArtifactStore>();
    }
}

/// <summary>What the chosen provider does once at start-up: create MLflow's default experiment "0" if it is missing.</summary>
internal delegate Task PrepareStorage(CancellationToken cancellationToken);
