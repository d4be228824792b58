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
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        (_deferred ??= new NpgsqlBatch(connection, transaction)).BatchCommands.Add(command);
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

    /// <summary>
    /// Runs <paramref name="work"/> inside a savepoint. When it fails with <paramref name="sqlState"/>, only its own
    /// changes are rolled back and false is returned; the transaction goes on.
    /// </summary>
    public async Task<bool> TryInSavepointAsync(string sqlState, Func<Task> work)
    {
        const string Savepoint = "attempt";
        await FlushAsync();
        await transaction.SaveAsync(Savepoint, cancellationToken);
        try
        {
            await work();
        }
        catch (PostgresException ex) when (ex.SqlState == sqlState)
        {
            await transaction.RollbackAsync(Savepoint, cancellationToken);
            return false;
        }

        // Not released: the commit ends it, and a RELEASE would cost one more round trip.
        return true;
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
