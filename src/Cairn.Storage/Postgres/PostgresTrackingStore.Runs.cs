using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
    public Task<Run> CreateRunAsync(NewRun run, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            // FOR UPDATE keeps the experiment from being deleted until this run is committed with it, and is the lock the
            // run-count trigger takes anyway (taking FOR SHARE first would let two creations deadlock upgrading it).
            var stage = await ExperimentStageAsync(write, run.ExperimentId, lockRow: true) ?? throw StoreErrors.ExperimentNotFound(run.ExperimentId);
            if (stage != ActiveStage)
            {
                throw StoreErrors.ExperimentNotActive(run.ExperimentId);
            }

            var id = RunId.New();
            var artifactUri = ArtifactUriFor(run.ExperimentId, id);
            var runKey = (long)(await write.ScalarAsync("""
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES (@id, @experiment, @name, @user::text, 'RUNNING', @start, NULL, @uri, 'active') RETURNING run_key
                """, ("id", id.Value), ("experiment", run.ExperimentId.Value), ("name", run.RunName), ("user", run.UserId),
                ("start", run.StartTime), ("uri", artifactUri)))!;
            var tags = run.Tags.ToList();
            if (!tags.Any(t => t.Key == WellKnownTags.RunName))
            {
                tags.Add(new KeyValue(WellKnownTags.RunName, run.RunName));
            }

            await UpsertTagsAsync(write, runKey, tags);
            RecordKeys(write, run.ExperimentId, RunKeys.Of(new LogBatch([], [], tags)));
            var info = new RunInfo(id, run.ExperimentId, run.RunName, run.UserId, RunStatus.Running, run.StartTime, null, artifactUri, LifecycleStage.Active);
            return new Run(info, new RunData([], [], tags), []);
        }, cancellationToken);

    public Task<RunInfo> UpdateRunAsync(RunUpdate update, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var run = await RequireActiveRunAsync(write, update.RunId, lockRow: true);
            var newName = string.IsNullOrEmpty(update.RunName) ? null : update.RunName;
            if (newName is not null)
            {
                await UpsertTagsAsync(write, run.RunKey, [new KeyValue(WellKnownTags.RunName, newName)]);
            }

            var infos = await write.ListAsync($"""
                UPDATE runs r SET status = COALESCE(@status::text, status), end_time = COALESCE(@end::bigint, end_time), name = COALESCE(@name::text, name)
                WHERE run_key = @key RETURNING {RunReader.RunColumns}
                """, reader => RunReader.ReadInfo(reader).Info,
                ("status", update.Status?.WireName()), ("end", update.EndTime), ("name", newName), ("key", run.RunKey));
            return infos[0];
        }, cancellationToken);

    public Task DeleteRunAsync(RunId id, CancellationToken cancellationToken) => SetRunStageAsync(id, DeletedStage, cancellationToken);

    public Task RestoreRunAsync(RunId id, CancellationToken cancellationToken) => SetRunStageAsync(id, ActiveStage, cancellationToken);

    private Task SetRunStageAsync(RunId id, string stage, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var run = await FindRunAsync(write, id, lockRow: true) ?? throw StoreErrors.RunNotFound(id);
            await write.ExecuteAsync("UPDATE runs SET lifecycle_stage = @stage, deleted_time = @deleted::bigint WHERE run_key = @key",
                ("stage", stage), ("deleted", stage == DeletedStage ? Now() : null), ("key", run.RunKey));
        }, cancellationToken);

    public Task<IReadOnlyList<RunMetricSummary>> GetMetricSummariesAsync(IReadOnlyList<RunId> runIds, CancellationToken cancellationToken) =>
        _reads.GetMetricSummariesAsync(runIds, cancellationToken);

    public Task VisitMetricHistoryAsync(MetricRangeQuery query, Action<Metric> visit, CancellationToken cancellationToken) =>
        _reads.VisitMetricHistoryAsync(query, visit, cancellationToken);

    public Task<(long First, long Last)?> GetMetricStepRangeAsync(RunId runId, string key, CancellationToken cancellationToken) =>
        _reads.GetMetricStepRangeAsync(runId, key, cancellationToken);

    public Task<IReadOnlyList<MetricStepBucket>> GetMetricBucketsAsync(MetricBucketQuery query, CancellationToken cancellationToken) =>
        _reads.GetMetricBucketsAsync(query, cancellationToken);

    public Task<IReadOnlyList<string>> GetRunKeysAsync(ExperimentId experiment, Core.Search.FilterEntity kind, string prefix, int limit,
        CancellationToken cancellationToken) => _reads.GetRunKeysAsync(experiment, kind, prefix, limit, cancellationToken);
}
