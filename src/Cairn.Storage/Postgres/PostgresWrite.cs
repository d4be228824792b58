using Npgsql;

namespace Cairn.Storage.Postgres;

/// <summary>What a write sees: its connection and open transaction, with short helpers for parameterised commands.</summary>
internal sealed class PostgresWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
{
    private NpgsqlBatch? _deferred;

    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>For what the helpers below do not cover (binary COPY); call <see cref="FlushAsync"/> first.</summary>
    public NpgsqlConnection Connection => connection;

    /// <summary>
    /// Queues a statement whose outcome nothing in the write reads back (summaries, catalogues). Queued statements go to
    /// the server together in one round trip, before the next command of the write or before its commit, in order; an
    /// error in one still rolls the whole write back.
    /// </summary>
    public void Defer(string sql, params (string Name, object? Value)[] parameters)
    {
        (_deferred ??= new NpgsqlBatch(connection, transaction)).BatchCommands.Add(BatchCommand(sql, parameters));
    }

    /// <summary>Sends the statements queued by <see cref="Defer"/>, if any.</summary>
    public async Task FlushAsync()
    {
        if (_deferred is not { } batch)
        {
            return;
        }

        _deferred = null;
        await using (batch)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await FlushAsync();
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row, or null when there is no row or it is NULL.</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await FlushAsync();
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    /// <summary>
    /// Runs <paramref name="first"/> (taking a lock) and then the query, in one round trip. Under read committed each
    /// statement reads its own snapshot, so the query sees everything committed before the lock was granted.
    /// </summary>
    public async Task<List<T>> ListAfterAsync<T>((string Sql, (string Name, object? Value)[] Parameters) first, string sql,
        Func<NpgsqlDataReader, T> row, params (string Name, object? Value)[] parameters)
    {
        await FlushAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(BatchCommand(first.Sql, first.Parameters));
        batch.BatchCommands.Add(BatchCommand(sql, parameters));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> row, params (string Name, object? Value)[] parameters)
    {
        await FlushAsync();
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(row(reader));
        }

        return rows;
    }
}
