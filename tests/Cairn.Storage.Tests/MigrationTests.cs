using Cairn.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Tests;

public sealed class MigrationTests
{
    private static string NewPath() => Path.Combine(Path.GetTempPath(), "cairn-migrations", Guid.NewGuid().ToString("N"), "cairn.db");

    [Fact]
    public async Task EmptyDatabase_IsMigratedToLatest_AndReopeningChangesNothing()
    {
        var path = NewPath();
        await SqliteDatabase.Open(path).DisposeAsync();
        await SqliteDatabase.Open(path).DisposeAsync();

        Assert.Equal(SqliteMigrator.LatestVersion, ReadVersions(path).Max());
        Assert.Equal(ReadVersions(path).Distinct().Count(), ReadVersions(path).Count);
        Assert.Equal("wal", Scalar(path, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task NewerSchema_IsRefusedWithAClearMessage()
    {
        var path = NewPath();
        await SqliteDatabase.Open(path).DisposeAsync();
        Scalar(path, $"INSERT INTO schema_version (version, name) VALUES ({SqliteMigrator.LatestVersion + 1}, 'future')");

        var error = Assert.Throws<SchemaVersionException>(() => SqliteDatabase.Open(path));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_OnCurrentDatabase_IsANoOp()
    {
        var path = NewPath();
        await SqliteDatabase.Open(path).DisposeAsync();
        Assert.Equal(SqliteMigrator.LatestVersion, SqliteMigrator.Upgrade(path));
    }

    [Fact]
    public async Task OlderSchema_WhosePendingScriptsChangeNothingHere_IsBroughtUpToDateAtStart()
    {
        // The newest scripts that are comments only on SQLite (changes PostgreSQL needed, numbered on both).
        var noOps = SqliteMigrator.Scripts.Reverse().TakeWhile(s => SchemaScripts.ChangesNothing(s.Sql)).Select(s => s.Version).ToList();
        Assert.SkipWhen(noOps.Count == 0, "the newest SQLite script changes the schema");
        var path = NewPath();
        await SqliteDatabase.Open(path).DisposeAsync();
        Scalar(path, $"DELETE FROM schema_version WHERE version >= {noOps.Min()}");

        await SqliteDatabase.Open(path).DisposeAsync();

        Assert.Equal(Enumerable.Range(1, SqliteMigrator.LatestVersion).Select(v => (long)v), ReadVersions(path).Order());
    }

    [Fact]
    public async Task OlderSchema_WithARealChangePending_AsksForAnUpgrade()
    {
        var lastReal = SqliteMigrator.Scripts.Last(s => !SchemaScripts.ChangesNothing(s.Sql)).Version;
        var path = NewPath();
        await SqliteDatabase.Open(path).DisposeAsync();
        Scalar(path, $"DELETE FROM schema_version WHERE version >= {lastReal}");

        var error = Assert.Throws<SchemaVersionException>(() => SqliteDatabase.Open(path));
        Assert.Contains("cairn db upgrade", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scripts_AreNumberedWithoutGaps()
    {
        var versions = SqliteMigrator.Scripts.Select(s => s.Version).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    private static List<long> ReadVersions(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version";
        using var reader = command.ExecuteReader();
        var versions = new List<long>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
