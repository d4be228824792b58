using System.Data;
using System.Data.Common;
using Cairn.Storage.Sql;
using Npgsql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by every server replica: a pooled <see cref="NpgsqlDataSource"/>, reads in
/// repeatable-read snapshots, and one transaction per write. While the database is down or restarting, calls fail
/// with <see cref="Core.ErrorCode.TemporarilyUnavailable"/> and work again once it is back, with no restart. Nothing about tracking or registry state is cached
/// in the process, so replicas never disagree.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable, ISqlReadSource
{
    private const int MaxWriteAttempts = 4;
    private const int MaxOutageAttempts = 3;

    private readonly string _description;

    private PostgresDatabase(NpgsqlDataSource dataSource, string description)
    {
        DataSource = dataSource;
        _description = description;
    }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>Connects and migrates an empty database; an older or newer schema is refused (see <see cref="PostgresMigrator"/>).</summary>
    public static PostgresDatabase Open(string connectionString)
    {
        // The stores run a fixed set of statements: PostgreSQL keeps their plans per connection, and a pooled connection
        // is not reset on return (nothing sets session state), which would throw those plans away.
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 100,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
        }.ConnectionString);
        try
        {
            using (var connection = dataSource.OpenConnection())
            {
                PostgresMigrator.Migrate(connection);
            }

            return new PostgresDatabase(dataSource, BackendStoreUri.Describe(connectionString));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            dataSource.Dispose();
            throw new StorageUnavailableException(
                $"Cannot use the PostgreSQL database at {BackendStoreUri.Describe(connectionString)}: {ex.Message}", ex);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    SqlDialect ISqlReadSource.Dialect => SqlDialect.Postgres;

    async Task<T> ISqlReadSource.ReadAsync<T>(Func<DbConnection, DbTransaction, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                try
                {
                    return await read(connection, transaction);
                }
                catch (PostgresException ex) when (ClientMistake(ex) is { } mistake)
                {
                    throw mistake;
                }
            }
            catch (Exception ex) when (PostgresOutage.Is(ex, cancellationToken))
            {
                await AfterOutageAsync(ex, attempt, outcomeUnknown: false, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in its own read-committed transaction and commits it. A deadlock or serialization
    /// failure between replicas rolls the whole write back and runs it again; any other error rolls it back and surfaces.
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<PostgresWrite, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
                try
                {
                    var write = new PostgresWrite(connection, transaction, cancellationToken);
                    var result = await work(write);
                    await write.FlushAsync();
                    committing = true;
                    await transaction.CommitAsync(cancellationToken);
                    return result;
                }
                catch (PostgresException ex) when (attempt < MaxWriteAttempts && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                }
                catch (PostgresException ex) when (ClientMistake(ex) is { } mistake)
                {
                    throw mistake;
                }
            }
            catch (Exception ex) when (PostgresOutage.Is(ex, cancellationToken))
            {
                await AfterOutageAsync(ex, attempt, committing, cancellationToken);
            }
        }
    }

    /// <summary>
    /// After the database dropped a connection or refused one: the pool's idle connections are dropped too (after a
    /// restart they are all dead), and the call is tried again on a fresh connection, a few times over about half a
    /// second, so a restart is ridden through without a server restart. Then, or when a commit broke (its outcome is
    /// unknown, so it is not repeated), the caller gets a 503 naming the database.
    /// </summary>
    private async Task AfterOutageAsync(Exception exception, int attempt, bool outcomeUnknown, CancellationToken cancellationToken)
    {
        DataSource.Clear();
        if (outcomeUnknown || attempt >= MaxOutageAttempts)
        {
            throw PostgresOutage.Unavailable(_description, exception, outcomeUnknown);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken);
    }

    internal Task WriteAsync(Func<PostgresWrite, Task> work, CancellationToken cancellationToken) =>
        WriteAsync(async write =>
        {
            await work(write);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Text PostgreSQL cannot hold (a NUL character) comes from the request, not from a fault of ours: it is a 400,
    /// where SQLite would have stored it.
    /// </summary>
    private static Core.CairnException? ClientMistake(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter
            ? Core.CairnException.InvalidParameter("Text values cannot contain the NUL character (\\u0000) or invalid UTF-8.")
            : null;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
