using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;
using Npgsql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// The tracking store on PostgreSQL. Reads are the shared SQL (<see cref="TrackingReads"/>); each write is one
/// transaction whose races with other replicas are settled by the database (unique keys, ON CONFLICT, row locks).
/// </summary>
public sealed partial class PostgresTrackingStore(PostgresDatabase database, TimeProvider time) : ITrackingStore
{
    private const string ActiveStage = "active";
    private const string DeletedStage = "deleted";

    private readonly TrackingReads _reads = new(database);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string ArtifactUriFor(ExperimentId experiment, RunId run) => $"mlflow-artifacts:/{experiment}/{run}/artifacts";

    /// <summary>A run row as a write needs it to check existence and lifecycle.</summary>
    private readonly record struct RunRow(long RunKey, ExperimentId ExperimentId, bool Active);

    private static async Task<RunRow?> FindRunAsync(PostgresWrite write, RunId id, bool lockRow = false)
    {
        var rows = await write.ListAsync("SELECT run_key, experiment_id, lifecycle_stage FROM runs WHERE run_uuid = @id" + (lockRow ? " FOR UPDATE" : ""),
            reader => new RunRow(reader.GetInt64(0), new ExperimentId(reader.GetInt64(1)), reader.GetString(2) == ActiveStage), ("id", id.Value));
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<RunRow> RequireActiveRunAsync(PostgresWrite write, RunId id, bool lockRow = false)
    {
        var run = await FindRunAsync(write, id, lockRow) ?? throw StoreErrors.RunNotFound(id);
        return run.Active ? run : throw StoreErrors.RunNotActive(id);
    }

    private static bool IsUniqueViolation(PostgresException exception) => exception.SqlState == PostgresErrorCodes.UniqueViolation;

    public Task<Experiment?> GetExperimentAsync(ExperimentId id, CancellationToken cancellationToken) => _reads.GetExperimentAsync(id, cancellationToken);

    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken) => _reads.GetExperimentByNameAsync(name, cancellationToken);

    public Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken) =>
        _reads.SearchExperimentsAsync(query, cancellationToken);

    public Task<Run?> GetRunAsync(RunId id, CancellationToken cancellationToken) => _reads.GetRunAsync(id, cancellationToken);

    public Task<IReadOnlyList<Run>> GetRunsAsync(IReadOnlyList<RunId> ids, CancellationToken cancellationToken) => _reads.GetRunsAsync(ids, cancellationToken);

    public Task<RunInfo?> GetRunInfoAsync(RunId id, CancellationToken cancellationToken) => _reads.GetRunInfoAsync(id, cancellationToken);

    public Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken) => _reads.SearchRunsAsync(query, cancellationToken);

    public Task<Page<Run>> SearchRunsByKeyAsync(RunQuery query, string? after, CancellationToken cancellationToken) =>
        _reads.SearchRunsByKeyAsync(query, after, cancellationToken);

    public Task<IReadOnlyList<RunGroup>> GroupRunsAsync(RunGroupQuery query, CancellationToken cancellationToken) =>
        _reads.GroupRunsAsync(query, cancellationToken);

    public Task<RunColumns> GetRunColumnsAsync(RunColumnQuery query, CancellationToken cancellationToken) =>
        _reads.GetRunColumnsAsync(query, cancellationToken);

    public Task VisitMetricHistoriesAsync(IReadOnlyList<MetricRangeQuery> queries, Action<int, Metric> visit, CancellationToken cancellationToken) =>
        _reads.VisitMetricHistoriesAsync(queries, visit, cancellationToken);

    public Task<IReadOnlyList<IReadOnlyList<MetricStepBucket>>> GetMetricBucketsAsync(IReadOnlyList<MetricBucketQuery> queries, CancellationToken cancellationToken) =>
        _reads.GetMetricBucketsAsync(queries, cancellationToken);

    public Task<Page<Metric>> GetMetricHistoryAsync(MetricHistoryQuery query, CancellationToken cancellationToken) =>
        _reads.GetMetricHistoryAsync(query, cancellationToken);

    public Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(BulkIntervalQuery query, CancellationToken cancellationToken) =>
        _reads.GetMetricHistoryBulkIntervalAsync(query, cancellationToken);
}
