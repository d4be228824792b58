using Cairn.Core.Registry;
using Cairn.Storage.Postgres;
using Cairn.Tests.Shared;

namespace Cairn.Storage.Tests.Backends;

/// <summary>A fresh database on the PostgreSQL server of <c>CAIRN_TEST_POSTGRES_URI</c>, migrated like the server does.</summary>
public sealed class PostgresBackend : StoreBackend
{
    private PostgresTestDatabase? _server;
    private PostgresDatabase? _database;

    internal PostgresTestDatabase Server => _server!;

    public override async ValueTask InitializeAsync()
    {
        _server = await PostgresTestDatabase.CreateAsync();
        _database = PostgresDatabase.Open(_server.ConnectionString);
        var tracking = new PostgresTrackingStore(_database, TimeProvider.System);
        await tracking.EnsureDefaultExperimentAsync(CancellationToken.None);
        Tracking = tracking;
        Registry = new PostgresRegistryStore(_database, TimeProvider.System, ApprovalPolicy.Open);
        GuardedRegistry = new PostgresRegistryStore(_database, TimeProvider.System, Guarded);
        Webhooks = new PostgresWebhookStore(_database, TimeProvider.System);
        LoggedModels = new PostgresLoggedModelStore(_database, TimeProvider.System);
        Purge = new PostgresPurgeStore(_database);
        Bulk = new PostgresBulkRunStore(_database, TimeProvider.System);
        Reads = _database;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
