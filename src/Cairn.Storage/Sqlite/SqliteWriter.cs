using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>
/// Serialises every write through one connection and commits queued writes together (group commit).
/// Each write runs inside its own savepoint, so a failing write is rolled back alone and the others still commit.
/// A write is acknowledged only after its transaction has committed, so "database is locked" never reaches a client.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private const int MaxGroupSize = 256;

    private readonly SqliteConnection _connection;
    private readonly Channel<WriteRequest> _queue = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public SqliteWriter(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Factory.StartNew(RunLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public Task<T> ExecuteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new WriteRequest<T>(work);
        if (!_queue.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter));
        }

        return request.Task;
    }

    public Task ExecuteAsync(Action<WriteContext> work, CancellationToken cancellationToken) =>
        ExecuteAsync<bool>(context =>
        {
            work(context);
            return true;
        }, cancellationToken);

    private async Task RunLoopAsync()
    {
        var group = new List<WriteRequest>(MaxGroupSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < MaxGroupSize && reader.TryRead(out var request))
            {
                group.Add(request);
            }

            CommitGroup(group);
            group.Clear();
        }
    }

    private void CommitGroup(List<WriteRequest> group)
    {
        SqliteTransaction? transaction = null;
        try
        {
            transaction = _connection.BeginTransaction(deferred: false);
            var context = new WriteContext(_connection, transaction, _commands);
            foreach (var request in group)
            {
                if (group.Count == 1)
                {
                    request.Run(context);
                    continue;
                }

                transaction.Save("w");
                request.Run(context);
                if (request.Failed)
                {
                    transaction.Rollback("w");
                }

                transaction.Release("w");
            }

            if (group.Count == 1 && group[0].Failed)
            {
                transaction.Rollback();
            }
            else
            {
                transaction.Commit();
            }

            foreach (var request in group)
            {
                request.Complete();
            }
        }
        catch (Exception ex)
        {
            // The transaction itself failed: nothing of the group was stored.
            try
            {
                transaction?.Rollback();
            }
            catch (SqliteException)
            {
                // Already rolled back by SQLite.
            }

            foreach (var request in group)
            {
                request.Abort(ex);
            }
        }
        finally
        {
            transaction?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        SqliteDatabase.Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private abstract class WriteRequest
    {
        public bool Failed { get; protected set; }

        public abstract void Run(WriteContext context);

        public abstract void Complete();

        public abstract void Abort(Exception exception);
    }

    private sealed class WriteRequest<T>(Func<WriteContext, T> work) : WriteRequest
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override void Run(WriteContext context)
        {
            try
            {
                _result = work(context);
            }
            catch (Exception ex)
            {
                _error = ex;
                Failed = true;
            }
        }

        public override void Complete()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Abort(Exception exception) => _completion.TrySetException(_error ?? exception);
    }
}

/// <summary>What a write sees: the writer's connection, its open transaction and cached prepared commands.</summary>
internal sealed class WriteContext(SqliteConnection connection, SqliteTransaction transaction, Dictionary<string, SqliteCommand> commands)
{
    /// <summary>A prepared command for this SQL text, reused across writes; parameters keep their names.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }

        command.Transaction = transaction;
        return command;
    }

    /// <summary>A one-off command for SQL whose text varies.</summary>
    public SqliteCommand AdHoc(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
