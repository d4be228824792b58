using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>
/// Versioned schema scripts embedded in the assembly (<c>Migrations/Sqlite/NNNN_name.sql</c>), each applied in its own
/// transaction. An empty database is migrated at start; an older one is upgraded only on request; a newer one is refused.
/// </summary>
public static class SqliteMigrator
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = SchemaScripts.Load("Sqlite");

    public static int LatestVersion => Scripts[^1].Version;

    internal static void Migrate(SqliteConnection connection, bool upgradeExisting = false)
    {
        var current = CurrentVersion(connection);
        SchemaScripts.CheckVersion(current, Scripts, upgradeExisting);
        foreach (var (version, name, sql) in Scripts.Where(s => s.Version > current))
        {
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql;
                command.ExecuteNonQuery();
                command.CommandText = "INSERT INTO schema_version (version, name) VALUES ($version, $name)";
                command.Parameters.AddWithValue("$version", version);
                command.Parameters.AddWithValue("$name", name);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>Upgrades an existing database to the latest schema (what <c>cairn db upgrade</c> runs).</summary>
    public static int Upgrade(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Migrate(connection, upgradeExisting: true);
        return CurrentVersion(connection);
    }

    private static int CurrentVersion(SqliteConnection connection)
    {
        SqliteDatabase.Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
