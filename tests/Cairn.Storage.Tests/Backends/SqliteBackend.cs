using Cairn.Core.Registry;
using Cairn.Storage.Sqlite;

namespace Cairn.Storage.Tests.Backends;

/// <summary>A real SQLite file in a temp folder, opened and migrated like the server does.</summary>
public sealed class SqliteBackend : StoreBackend
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cairn-storage-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;

    public override async ValueTask InitializeAsync()
    {
        _database = SqliteDatabase.Open(Path.Combine(_directory, "cairn.db"));
        var tracking = new SqliteTrackingStore(_database, TimeProvider.System);
        await tracking.EnsureDefaultExperimentAsync(CancellationToken.None);
        Tracking = tracking;
        Registry = new SqliteRegistryStore(_database, TimeProvider.System, ApprovalPolicy.Open);
        GuardedRegistry = new SqliteRegistryStore(_database, TimeProvider.System, Guarded);
        Webhooks = new SqliteWebhookStore(_database, TimeProvider.System);
        LoggedModels = new SqliteLoggedModelStore(_database, TimeProvider.System);
        Purge = new SqlitePurgeStore(_database);
        Bulk = new SqliteBulkRunStore(_database, TimeProvider.System);
        Reads = _database;
    }

    public override async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}
