using System.Data.Common;
using Cairn.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>One SQLite file: pooled read connections and the single serialising writer.</summary>
public sealed class SqliteDatabase : IAsyncDisposable, ISqlReadSource
{
    private readonly string _connectionString;

    private SqliteDatabase(string path, SqliteWriter writer, string connectionString)
    {
        Path = path;
        Writer = writer;
        _connectionString = connectionString;
    }

    public string Path { get; }

    internal SqliteWriter Writer { get; }

    /// <summary>Opens the file (creating it and its folder), applies pragmas and migrates an empty database.</summary>
    public static SqliteDatabase Open(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        var writerConnection = new SqliteConnection(connectionString);
        writerConnection.Open();
        Execute(writerConnection, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA busy_timeout = 30000;
            PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = -65536;
            PRAGMA foreign_keys = ON;
            """);
        SqliteMigrator.Migrate(writerConnection);
        return new SqliteDatabase(path, new SqliteWriter(writerConnection), connectionString);
    }

    /// <summary>A pooled connection for reads; WAL lets readers run beside the writer.</summary>
    internal SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    SqlDialect ISqlReadSource.Dialect => SqlDialect.Sqlite;

    async Task<T> ISqlReadSource.ReadAsync<T>(Func<DbConnection, DbTransaction, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = OpenReader();
        await using var transaction = connection.BeginTransaction(deferred: true);
        return await read(connection, transaction);
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
