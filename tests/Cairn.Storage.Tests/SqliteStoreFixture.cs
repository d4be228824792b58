using Cairn.Storage.Sqlite;

namespace Cairn.Storage.Tests;

/// <summary>A real SQLite file in a temp folder, opened and migrated like the server does.</summary>
public sealed class SqliteStoreFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "cairn-storage-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Directory, "cairn.db");

    public SqliteDatabase Database { get; private set; } = null!;

    public SqliteTrackingStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Database = SqliteDatabase.Open(DatabasePath);
        Store = new SqliteTrackingStore(Database, TimeProvider.System);
        await Store.EnsureDefaultExperimentAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}
