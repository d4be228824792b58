using System.Globalization;
using Npgsql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Versioned schema scripts (<c>Migrations/Postgres/NNNN_name.sql</c>), each applied in its own transaction under an
/// advisory lock, so replicas starting together against an empty database migrate it once.
/// </summary>
public static class PostgresMigrator
{
    // Any fixed number; it only has to be the same in every Cairn process.
    private const long MigrationLockId = 0x43_61_69_72_6E;

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = SchemaScripts.Load("Postgres");

    public static int LatestVersion => Scripts[^1].Version;

    internal static void Migrate(NpgsqlConnection connection, bool upgradeExisting = false)
    {
        Execute(connection, $"SELECT pg_advisory_lock({MigrationLockId})");
        try
        {
            Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            var current = CurrentVersion(connection);
            SchemaScripts.CheckVersion(current, Scripts, upgradeExisting);
            foreach (var (version, name, sql) in Scripts.Where(s => s.Version > current))
            {
                using var transaction = connection.BeginTransaction();
                using (var command = new NpgsqlCommand(sql, connection, transaction))
                {
                    command.ExecuteNonQuery();
                }

                using (var command = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES (@version, @name)", connection, transaction))
                {
                    command.Parameters.AddWithValue("version", version);
                    command.Parameters.AddWithValue("name", name);
                    command.ExecuteNonQuery();
                }

                transaction.Commit();
            }
        }
        finally
        {
            Execute(connection, $"SELECT pg_advisory_unlock({MigrationLockId})");
        }
    }

    /// <summary>Upgrades an existing database to the latest schema (what <c>cairn db upgrade</c> runs).</summary>
    public static int Upgrade(string connectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            Migrate(connection, upgradeExisting: true);
            return CurrentVersion(connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new StorageUnavailableException(
                $"Cannot use the PostgreSQL database at {BackendStoreUri.Describe(connectionString)}: {ex.Message}", ex);
        }
    }

    /// <summary>Whether the database holds a Cairn schema (tools that must not create one check first).</summary>
    public static bool HasSchema(string connectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", connection);
            return command.ExecuteScalar() is true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new StorageUnavailableException(
                $"Cannot use the PostgreSQL database at {BackendStoreUri.Describe(connectionString)}: {ex.Message}", ex);
        }
    }

    private static int CurrentVersion(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection);
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
