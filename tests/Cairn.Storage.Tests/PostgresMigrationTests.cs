using Cairn.Storage.Postgres;
using Cairn.Tests.Shared;
using Npgsql;

namespace Cairn.Storage.Tests;

public sealed class PostgresMigrationTests
{
    [Fact]
    public async Task EmptyDatabase_IsMigratedOnce_EvenByReplicasStartingTogether()
    {
        await using var server = await PostgresTestDatabase.CreateAsync();
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => PostgresDatabase.Open(server.ConnectionString))));
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }

        Assert.Equal(Enumerable.Range(1, PostgresMigrator.LatestVersion).Select(v => (long)v), await VersionsAsync(server.ConnectionString));
        Assert.Equal(PostgresMigrator.LatestVersion, PostgresMigrator.Upgrade(server.ConnectionString));
    }

    [Fact]
    public async Task NewerSchema_IsRefusedWithAClearMessage()
    {
        await using var server = await PostgresTestDatabase.CreateAsync();
        await PostgresDatabase.Open(server.ConnectionString).DisposeAsync();
        await ExecuteAsync(server.ConnectionString, $"INSERT INTO schema_version (version, name) VALUES ({PostgresMigrator.LatestVersion + 1}, 'future')");

        var error = Assert.Throws<SchemaVersionException>(() => PostgresDatabase.Open(server.ConnectionString));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_IsAClearStartupError()
    {
        var error = Assert.Throws<StorageUnavailableException>(() =>
            PostgresDatabase.Open(BackendStoreUri.Parse("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2", ".").Location));
        Assert.Contains("127.0.0.1:1/none", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Scripts_AreNumberedWithoutGaps_AndMatchSqlite()
    {
        Assert.Equal(Enumerable.Range(1, PostgresMigrator.Scripts.Count), PostgresMigrator.Scripts.Select(s => s.Version));
        Assert.Equal(Sqlite.SqliteMigrator.Scripts.Select(s => s.Name), PostgresMigrator.Scripts.Select(s => s.Name));
    }

    private static async Task<List<long>> VersionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<long>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
