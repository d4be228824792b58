using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>Read helpers of the SQLite stores' own queries: snapshots and commands.</summary>
internal static class SqliteReads
{
    /// <summary>Several queries that must agree with each other run in one read transaction (one snapshot).</summary>
    public static T ReadSnapshot<T>(SqliteDatabase database, Func<SqliteConnection, SqliteTransaction, T> read)
    {
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        return read(connection, transaction);
    }

    public static SqliteCommand CreateCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
