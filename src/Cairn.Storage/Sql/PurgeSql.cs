using Cairn.Core.Maintenance;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// What <c>cairn gc</c> reads and deletes, the same SQL on every database. The deletes name every child table
/// explicitly because most of them carry no foreign key; children go before the rows they point at.
/// </summary>
internal static class PurgeSql
{
    private const string RunKeysOfExperiment = "SELECT run_key FROM runs WHERE experiment_id = @id";
    private const string ModelKeysOfExperiment = "SELECT model_key FROM logged_models WHERE experiment_id = @id";
    private const string DatasetKeysOfExperiment = "SELECT dataset_key FROM datasets WHERE experiment_id = @id";

    /// <summary>Where each database keeps metric points: one row per point on SQLite, packed blocks on PostgreSQL.</summary>
    public const string SqlitePoints = "metrics";

    /// <inheritdoc cref="SqlitePoints"/>
    public const string PostgresPoints = "metric_blocks";

    /// <summary>
    /// Tables holding a run's rows, keyed by <c>run_key</c> (bound as <c>@key</c>), the run itself last;
    /// <paramref name="pointsTable"/> is the database's table of metric points.
    /// </summary>
    public static IReadOnlyList<string> DeleteRun(string pointsTable) =>
        [.. new[] { "params", "tags", pointsTable, "latest_metrics", "metric_buckets", "input_tags", "inputs", "run_outputs", "run_model_inputs", "runs" }
            .Select(table => $"DELETE FROM {table} WHERE run_key = @key")];

    /// <summary>An experiment (bound as <c>@id</c>) with its runs, logged models and datasets.</summary>
    public static IReadOnlyList<string> DeleteExperiment(string pointsTable) =>
    [
        $"DELETE FROM params WHERE run_key IN ({RunKeysOfExperiment})",
        $"DELETE FROM tags WHERE run_key IN ({RunKeysOfExperiment})",
        $"DELETE FROM {pointsTable} WHERE run_key IN ({RunKeysOfExperiment})",
        $"DELETE FROM latest_metrics WHERE run_key IN ({RunKeysOfExperiment})",
        $"DELETE FROM metric_buckets WHERE run_key IN ({RunKeysOfExperiment})",
        $"DELETE FROM input_tags WHERE run_key IN ({RunKeysOfExperiment}) OR dataset_key IN ({DatasetKeysOfExperiment})",
        $"DELETE FROM inputs WHERE run_key IN ({RunKeysOfExperiment}) OR dataset_key IN ({DatasetKeysOfExperiment})",
        $"DELETE FROM run_outputs WHERE run_key IN ({RunKeysOfExperiment}) OR model_key IN ({ModelKeysOfExperiment})",
        $"DELETE FROM run_model_inputs WHERE run_key IN ({RunKeysOfExperiment}) OR model_key IN ({ModelKeysOfExperiment})",
        $"DELETE FROM logged_model_params WHERE model_key IN ({ModelKeysOfExperiment})",
        $"DELETE FROM logged_model_tags WHERE model_key IN ({ModelKeysOfExperiment})",
        $"DELETE FROM logged_model_metrics WHERE model_key IN ({ModelKeysOfExperiment})",
        "DELETE FROM logged_models WHERE experiment_id = @id",
        "DELETE FROM datasets WHERE experiment_id = @id",
        "DELETE FROM runs WHERE experiment_id = @id",
        "DELETE FROM experiment_tags WHERE experiment_id = @id",
        "DELETE FROM experiment_activity WHERE experiment_id = @id",
        "DELETE FROM experiments WHERE experiment_id = @id",
    ];

    public static Task<IReadOnlyList<DeletedRun>> ListDeletedRunsAsync(ISqlReadSource source, DateTimeOffset deletedBefore, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<DeletedRun>>(async (connection, transaction) => await SqlReads.ListAsync(connection, transaction, """
            SELECT run_uuid, experiment_id, deleted_time, artifact_uri FROM runs
            WHERE lifecycle_stage = 'deleted' AND COALESCE(deleted_time, 0) <= @p0
            ORDER BY deleted_time, run_uuid
            """, SqlParameters.Of(deletedBefore.ToUnixTimeMilliseconds()),
            reader => new DeletedRun(new RunId(reader.GetString(0)), new ExperimentId(reader.GetInt64(1)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetNullableInt64(2) ?? 0), reader.GetString(3)), cancellationToken), cancellationToken);

    public static Task<IReadOnlyList<DeletedExperiment>> ListDeletedExperimentsAsync(ISqlReadSource source, DateTimeOffset deletedBefore,
        CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<DeletedExperiment>>(async (connection, transaction) => await SqlReads.ListAsync(connection, transaction, """
            SELECT experiment_id, name, last_update_time FROM experiments
            WHERE lifecycle_stage = 'deleted' AND last_update_time <= @p0
            ORDER BY last_update_time, experiment_id
            """, SqlParameters.Of(deletedBefore.ToUnixTimeMilliseconds()),
            reader => new DeletedExperiment(new ExperimentId(reader.GetInt64(0)), reader.GetString(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))), cancellationToken), cancellationToken);

    public static Task<IReadOnlySet<string>> ListRunFoldersKeptUnderAsync(ISqlReadSource source, ExperimentId id, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var sql = $"SELECT run_uuid FROM runs WHERE artifact_uri LIKE {parameters.Add($"mlflow-artifacts:/{id}/%")} AND experiment_id <> {parameters.Add(id.Value)}";
        return source.ReadAsync<IReadOnlySet<string>>(async (connection, transaction) =>
            (await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => reader.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal),
            cancellationToken);
    }

    public static Task<IReadOnlySet<string>> ListModelVersionLocationsAsync(ISqlReadSource source, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlySet<string>>(async (connection, transaction) =>
            (await SqlReads.ListAsync(connection, transaction, "SELECT DISTINCT storage_location FROM model_versions WHERE deleted = 0", null,
                reader => reader.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal), cancellationToken);
}
