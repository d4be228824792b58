using System.Data.Common;
using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;

namespace Cairn.Storage.Sql;

/// <summary>
/// The bulk port's reads and the statements its writes share on every database. A filter compiles with the run
/// search's own conditions, so a bulk action touches exactly the runs the runs table shows.
/// </summary>
internal static class BulkRunSql
{
    private const string RefColumns = "r.run_key, r.run_uuid, r.experiment_id, r.lifecycle_stage, r.artifact_uri";

    public const string SetTag = """
        INSERT INTO tags (run_key, key, value) VALUES (@key, @name, @value)
        ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value
        """;

    public const string TagValue = "SELECT value FROM tags WHERE run_key = @key AND key = @name";

    public const string DeleteTag = "DELETE FROM tags WHERE run_key = @key AND key = @name";

    public const string RecordTagKey = "INSERT INTO run_keys (experiment_id, kind, key) VALUES (@experiment, 'tag', @name) ON CONFLICT DO NOTHING";

    public const string ExperimentStage = "SELECT lifecycle_stage FROM experiments WHERE experiment_id = @experiment";

    /// <summary>Moving a run (<c>@key</c>) to <c>@target</c>: the run row, its metric summaries, and its keys in the target's catalogue.</summary>
    public static IReadOnlyList<string> MoveRun { get; } =
    [
        "UPDATE runs SET experiment_id = @target WHERE run_key = @key",
        "UPDATE latest_metrics SET experiment_id = @target WHERE run_key = @key",
        $"INSERT INTO run_keys (experiment_id, kind, key) SELECT DISTINCT @target, '{RunKeys.Param}', key FROM params WHERE run_key = @key ON CONFLICT DO NOTHING",
        $"INSERT INTO run_keys (experiment_id, kind, key) SELECT DISTINCT @target, '{RunKeys.Tag}', key FROM tags WHERE run_key = @key ON CONFLICT DO NOTHING",
        $"INSERT INTO run_keys (experiment_id, kind, key) SELECT DISTINCT @target, '{RunKeys.Metric}', key FROM latest_metrics WHERE run_key = @key ON CONFLICT DO NOTHING",
    ];

    /// <summary>An active run leaving <c>@from</c> for <c>@target</c> moves one count with it (the triggers count only stage changes).</summary>
    public const string MoveCount = """
        UPDATE experiments SET run_count = run_count + CASE WHEN experiment_id = @target THEN 1 ELSE -1 END
        WHERE experiment_id IN (@from, @target)
        """;

    /// <summary>The run's row as a bulk write checks it, with its latest activity for the target experiment's summary.</summary>
    public const string FindRun = """
        SELECT run_key, experiment_id, lifecycle_stage, MAX(COALESCE(start_time, 0), COALESCE(end_time, 0), COALESCE(latest_metric_time, 0))
        FROM runs WHERE run_uuid = @id
        """;

    public const string SetStage = "UPDATE runs SET lifecycle_stage = @stage, deleted_time = @deleted WHERE run_key = @key";

    public const string RaiseActivity = """
        UPDATE experiments SET last_activity_time = @activity WHERE experiment_id = @target AND COALESCE(last_activity_time, 0) < @activity
        """;

    public static string Stage(LifecycleStage stage) => stage == LifecycleStage.Active ? "active" : "deleted";

    public static BulkRunRef ReadRef(DbDataReader reader) => new(
        reader.GetInt64(0), new RunId(reader.GetString(1)), new ExperimentId(reader.GetInt64(2)),
        reader.GetString(3) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted, reader.GetString(4));

    public static Task<IReadOnlyList<BulkRunRef>> ListMatchingAsync(ISqlReadSource source, BulkFilter filter, long afterKey, int limit,
        CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var sql = $"""
            SELECT {RefColumns} FROM runs r
            WHERE {Where(filter, source.Dialect, parameters)} AND r.run_key > {parameters.Add(afterKey)}
            ORDER BY r.run_key LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
            """;
        return source.ReadAsync<IReadOnlyList<BulkRunRef>>(async (connection, transaction) =>
            await SqlReads.ListAsync(connection, transaction, sql, parameters, ReadRef, cancellationToken), cancellationToken);
    }

    public static Task<long> CountMatchingAsync(ISqlReadSource source, BulkFilter filter, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var sql = $"SELECT COUNT(*) FROM runs r WHERE {Where(filter, source.Dialect, parameters)}";
        return source.ReadAsync(async (connection, transaction) =>
            Convert.ToInt64(await SqlReads.ScalarAsync(connection, transaction, sql, parameters, cancellationToken), CultureInfo.InvariantCulture), cancellationToken);
    }

    public static Task<IReadOnlyList<BulkRunRef>> FindRunsAsync(ISqlReadSource source, IReadOnlyList<RunId> ids, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var sql = $"SELECT {RefColumns} FROM runs r WHERE {source.Dialect.InList("r.run_uuid", Comparator.In, ids.Select(i => i.Value), parameters)}";
        return source.ReadAsync<IReadOnlyList<BulkRunRef>>(async (connection, transaction) =>
            await SqlReads.ListAsync(connection, transaction, sql, parameters, ReadRef, cancellationToken), cancellationToken);
    }

    private static string Where(BulkFilter filter, SqlDialect dialect, SqlParameters parameters)
    {
        var where = new List<string>
        {
            dialect.InIds("r.experiment_id", filter.ExperimentIds.Select(e => e.Value), parameters),
            ExperimentSearchSql.ViewTypeCondition("r.lifecycle_stage", filter.ViewType),
        };
        where.AddRange(filter.Filter.Select(term => RunSearchSql.Condition(term, dialect, parameters)));
        return string.Join(" AND ", where);
    }
}
