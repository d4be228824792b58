using System.CommandLine;
using System.Data.Common;
using Cairn.Core;
using Cairn.Core.Maintenance;
using Cairn.Server.Hosting;
using Cairn.Storage;
using Cairn.Storage.Postgres;
using Cairn.Storage.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn gc</c>, like <c>mlflow gc</c>: permanently removes deleted runs and experiments (older than
/// <c>--older-than</c>) with their artifacts, and model-version files no registry version uses.
/// </summary>
internal sealed class GcCommand(IConsoleOutput console)
{
    private readonly Option<string> _olderThan = new("--older-than")
    {
        Description = "Only remove what was deleted at least this long ago, e.g. 30d, 12h, 1d2h30m (default: everything deleted).",
    };

    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Print what would be removed and remove nothing." };

    private readonly Option<string> _backendStoreUri = new("--backend-store-uri")
    {
        Description = "Metadata store (default sqlite:///cairn-data/cairn.db, or CAIRN_STORAGE__BACKENDSTOREURI).",
    };

    private readonly Option<string> _artifactsDestination = new("--artifacts-destination")
    {
        Description = "Artifact root the server uses: a folder or s3://bucket/prefix (default cairn-data/artifacts, or CAIRN_ARTIFACTS__DESTINATION).",
    };

    public Command Build()
    {
        var command = new Command("gc", "Permanently remove deleted runs and experiments, their artifacts, and unused model-version files.");
        command.Options.Add(_olderThan);
        command.Options.Add(_dryRun);
        command.Options.Add(_backendStoreUri);
        command.Options.Add(_artifactsDestination);
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var olderThan = TimeSpan.Zero;
        if (result.GetValue(_olderThan) is { } text && !GcDuration.TryParse(text, out olderThan))
        {
            console.Error($"Invalid --older-than '{text}': expected {GcDuration.Help}.");
            return ExitCodes.InvalidConfiguration;
        }

        var dryRun = result.GetValue(_dryRun);
        try
        {
            // The same sources, in the same order, as `cairn server`, so gc sees the stores the server uses.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(MlflowEnvironment.Settings())
                .AddEnvironmentVariables("CAIRN_")
                .AddInMemoryCollection(Flags(result))
                .Build();
            var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            var artifactOptions = configuration.GetSection(ArtifactOptions.Section).Get<ArtifactOptions>() ?? new ArtifactOptions();
            var uri = BackendStoreUri.Parse(storage.BackendStoreUri, Directory.GetCurrentDirectory());
            if (OpenStore(uri) is not { } store)
            {
                return ExitCodes.InvalidConfiguration;
            }

            await using var database = store.Database;
            var artifacts = ArtifactStoreFactory.Create(artifactOptions, Directory.GetCurrentDirectory());
            try
            {
                var collector = new GarbageCollector(store.Purge, artifacts, TimeProvider.System);
                var verb = dryRun ? "Would remove" : "Removed";
                var items = await collector.CollectAsync(olderThan, dryRun, item => console.Data($"{verb} {item.Description}"), cancellationToken);
                console.Info(Summary(items, dryRun));
                return ExitCodes.Success;
            }
            finally
            {
                (artifacts as IDisposable)?.Dispose();
            }
        }
        catch (CairnException exception)
        {
            // Storage that is down: what was removed so far stays removed, the rest is left for the next gc.
            console.Error(exception.Message);
            return ExitCodes.Failure;
        }
        catch (DbException exception)
        {
            // The database went away mid-way: each purge is one transaction, so nothing is half removed.
            console.Error($"The metadata database failed: {exception.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception exception) when (exception is SchemaVersionException or StorageUnavailableException or ArgumentException or InvalidOperationException)
        {
            console.Error(exception.Message);
            return ExitCodes.InvalidConfiguration;
        }
    }

    /// <summary>The purge store on the database the URI names, or null (after saying why) when there is no Cairn database there.</summary>
    private (IPurgeStore Purge, IAsyncDisposable Database)? OpenStore(BackendStoreUri uri)
    {
        if (uri.Provider == BackendStoreUri.Postgres)
        {
            // Opening would migrate an empty database; gc must not create a schema in a database that was never Cairn's.
            if (!PostgresMigrator.HasSchema(uri.Location))
            {
                console.Error($"No Cairn schema in the PostgreSQL database at {BackendStoreUri.Describe(uri.Location)} (--backend-store-uri).");
                return null;
            }

            var postgres = PostgresDatabase.Open(uri.Location);
            return (new PostgresPurgeStore(postgres), postgres);
        }

        if (!File.Exists(uri.Location))
        {
            console.Error($"No database at {uri.Location} (--backend-store-uri).");
            return null;
        }

        var sqlite = SqliteDatabase.Open(uri.Location);
        return (new SqlitePurgeStore(sqlite), sqlite);
    }

    private Dictionary<string, string?> Flags(ParseResult result)
    {
        var flags = new Dictionary<string, string?>();
        if (result.GetValue(_backendStoreUri) is { Length: > 0 } store)
        {
            flags[$"{StorageOptions.Section}:{nameof(StorageOptions.BackendStoreUri)}"] = store;
        }

        if (result.GetValue(_artifactsDestination) is { Length: > 0 } destination)
        {
            flags[$"{ArtifactOptions.Section}:{nameof(ArtifactOptions.Destination)}"] = destination;
        }

        return flags;
    }

    private static string Summary(IReadOnlyList<GarbageItem> items, bool dryRun)
    {
        var runs = items.Count(i => i.Kind == GarbageKind.Run);
        var experiments = items.Count(i => i.Kind == GarbageKind.Experiment);
        var models = items.Count(i => i.Kind == GarbageKind.ModelFiles);
        var counts = $"{runs} run(s), {experiments} experiment(s), {models} unused model folder(s)";
        return dryRun ? $"Dry run: {counts} would be removed; nothing was changed." : $"Removed {counts}.";
    }
}
