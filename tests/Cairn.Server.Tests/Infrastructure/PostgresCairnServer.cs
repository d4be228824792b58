using Cairn.Tests.Shared;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>The real server on a fresh PostgreSQL database (from <c>CAIRN_TEST_POSTGRES_URI</c>), dropped afterwards.</summary>
public sealed class PostgresCairnServer : CairnServer
{
    private PostgresTestDatabase? _database;

    protected override async Task<string> CreateBackendStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.Uri;
    }

    protected override async Task DropBackendStoreAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
