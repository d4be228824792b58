using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    public Task<Run> CreateRunAsync(NewRun run, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var stage = ExperimentStage(context, run.ExperimentId) ?? throw ExperimentNotFound(run.ExperimentId);
            if (stage != ActiveStage)
            {
                throw StoreErrors.ExperimentNotActive(run.ExperimentId);
            }

            var id = RunId.New();
            var artifactUri = ArtifactUriFor(run.ExperimentId, id);
            var runKey = (long)context.Command("""
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES ($id, $experiment, $name, $user, 'RUNNING', $start, NULL, $uri, 'active') RETURNING run_key
                """).Bind("$id", id.Value).Bind("$experiment", run.ExperimentId.Value).Bind("$name", run.RunName)
                .Bind("$user", run.UserId).Bind("$start", run.StartTime).Bind("$uri", artifactUri).ExecuteScalar()!;
            foreach (var tag in run.Tags)
            {
                UpsertTag(context, runKey, tag);
            }

            var tags = run.Tags.ToList();
            if (!tags.Any(t => t.Key == WellKnownTags.RunName))
            {
                var nameTag = new KeyValue(WellKnownTags.RunName, run.RunName);
                UpsertTag(context, runKey, nameTag);
                tags.Add(nameTag);
            }

            RecordKeys(context, run.ExperimentId, RunKeys.Of(new LogBatch([], [], tags)));
            var info = new RunInfo(id, run.ExperimentId, run.RunName, run.UserId, RunStatus.Running, run.StartTime, null, artifactUri, LifecycleStage.Active);
            return new Run(info, new RunData([], [], tags), []);
        }, cancellationToken);

    public Task<RunInfo> UpdateRunAsync(RunUpdate update, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var run = RequireActiveRun(context, update.RunId);
            context.Command("""
                UPDATE runs SET status = COALESCE($status, status), end_time = COALESCE($end, end_time), name = COALESCE($name, name)
                WHERE run_key = $key
                """).Bind("$status", update.Status?.WireName()).Bind("$end", update.EndTime)
                .Bind("$name", string.IsNullOrEmpty(update.RunName) ? null : update.RunName).Bind("$key", run.RunKey).ExecuteNonQuery();
            if (!string.IsNullOrEmpty(update.RunName))
            {
                UpsertTag(context, run.RunKey, new KeyValue(WellKnownTags.RunName, update.RunName));
            }

            var command = context.Command($"SELECT {RunReader.RunColumns} FROM runs r WHERE r.run_key = $key").Bind("$key", run.RunKey);
            using var reader = command.ExecuteReader();
            reader.Read();
            return RunReader.ReadInfo(reader).Info;
        }, cancellationToken);

    public Task DeleteRunAsync(RunId id, CancellationToken cancellationToken) => SetRunStage(id, DeletedStage, cancellationToken);

    public Task RestoreRunAsync(RunId id, CancellationToken cancellationToken) => SetRunStage(id, ActiveStage, cancellationToken);

    private Task SetRunStage(RunId id, string stage, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var run = FindRun(context, id) ?? throw RunNotFound(id);
            context.Command("UPDATE runs SET lifecycle_stage = $stage, deleted_time = $deleted WHERE run_key = $key")
                .Bind("$stage", stage).Bind("$deleted", stage == DeletedStage ? Now() : null).Bind("$key", run.RunKey).ExecuteNonQuery();
        }, cancellationToken);

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

    public Task<IReadOnlyList<RunMetricSummary>> GetMetricSummariesAsync(IReadOnlyList<RunId> runIds, CancellationToken cancellationToken) =>
        _reads.GetMetricSummariesAsync(runIds, cancellationToken);

    public Task VisitMetricHistoryAsync(MetricRangeQuery query, Action<Metric> visit, CancellationToken cancellationToken) =>
        _reads.VisitMetricHistoryAsync(query, visit, cancellationToken);

    public Task<IReadOnlyList<string>> GetRunKeysAsync(ExperimentId experiment, Core.Search.FilterEntity kind, string prefix, int limit,
        CancellationToken cancellationToken) => _reads.GetRunKeysAsync(experiment, kind, prefix, limit, cancellationToken);
}
