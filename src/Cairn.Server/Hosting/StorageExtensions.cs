using Cairn.Core.Artifacts;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;
using Cairn.Storage;
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
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var uri = BackendStoreUri.Parse(options.BackendStoreUri, Directory.GetCurrentDirectory());
            return SqliteDatabase.Open(uri.Location);
        });
        builder.Services.AddSingleton<SqliteTrackingStore>();
        builder.Services.AddSingleton<ITrackingStore>(services => services.GetRequiredService<SqliteTrackingStore>());
        builder.Services.AddOptions<Features.Registry.RegistryOptions>().BindConfiguration(Features.Registry.RegistryOptions.Section);
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<Features.Registry.RegistryOptions>>().Value;
            return new ApprovalPolicy(options.RequireApproval, options.ProtectedAliases.ToHashSet(StringComparer.Ordinal));
        });
        builder.Services.AddSingleton<IModelRegistryStore, SqliteRegistryStore>();
        builder.Services.AddSingleton<IWebhookStore, SqliteWebhookStore>();
        builder.Services.AddSingleton<ILoggedModelStore, SqliteLoggedModelStore>();
        builder.Services.AddSingleton(services =>
            ArtifactStoreFactory.Create(services.GetRequiredService<IOptions<ArtifactOptions>>().Value, Directory.GetCurrentDirectory()));
        return builder;
    }

    /// <summary>
    /// Opens (and on an empty database migrates) the store before the first request, so start-up fails loudly. The
    /// artifact store is built but not contacted: a bucket that is down makes artifact routes answer 503, not the
    /// server fail to start.
    /// </summary>
    public static async Task InitializeStorageAsync(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<SqliteTrackingStore>();
        await store.EnsureDefaultExperimentAsync(CancellationToken.None);
        app.Services.GetRequiredService<IArtifactStore>();
    }
}
