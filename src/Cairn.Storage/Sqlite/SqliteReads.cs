using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>Read helpers shared by the SQLite stores: snapshots, commands and id lists for <c>json_each</c>.</summary>
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

    /// <summary>Ids as a JSON array, so a whole page of keys travels as one parameter into <c>json_each</c>.</summary>
    public static string JsonIdList(IEnumerable<long> ids) => "[" + string.Join(",", ids) + "]";
}
