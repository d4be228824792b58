using Cairn.Core;
using Npgsql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Tells a database that cannot be reached, is shutting down or is starting up from a failing statement, and turns
/// it into <see cref="ErrorCode.TemporarilyUnavailable"/> (503 with a message that names the database), never a 500.
/// </summary>
internal static class PostgresOutage
{
    /// <summary>
    /// True for failures of the connection rather than of the statement: refused or broken sockets, timeouts, an
    /// exhausted pool (non-PostgreSQL <see cref="NpgsqlException"/>s), and the server's own connection errors (class 08),
    /// shutdown and start-up states (57P01–57P03) and "too many connections" (53300).
    /// </summary>
    public static bool Is(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections,
        NpgsqlException => true,
        TimeoutException => true,
        OperationCanceledException => false,
        _ => false,
    } && !cancellationToken.IsCancellationRequested;

    /// <summary>
    /// The client-facing error. <paramref name="outcomeUnknown"/> is set when the connection broke while committing,
    /// so the write may or may not have been stored; a retry is safe because MLflow's writes are idempotent or keyed.
    /// </summary>
    public static CairnException Unavailable(string database, Exception exception, bool outcomeUnknown)
    {
        var reason = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : Innermost(exception).Message;
        var effect = outcomeUnknown ? "the connection broke while committing, so the request may or may not have been applied" : "the request was not applied";
        return new CairnException(ErrorCode.TemporarilyUnavailable,
            $"The metadata database (PostgreSQL at {database}) is unavailable ({reason}); {effect}. Retry later.");
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
