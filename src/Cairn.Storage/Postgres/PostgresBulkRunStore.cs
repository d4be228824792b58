using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Bulk run changes on PostgreSQL: each batch is one transaction. Rows are locked as they are read (runs in the order
/// given, a move's target experiment first), so a concurrent delete, restore or purge from another replica either
/// waits for the batch or is seen by it.
/// </summary>
public sealed class PostgresBulkRunStore(PostgresDatabase database, TimeProvider time) : IBulkRunStore
{
    private readonly record struct Row(long RunKey, ExperimentId ExperimentId, LifecycleStage Stage, long Activity);

    private static readonly string FindRunLocked = BulkRunSql.FindRun.Replace("MAX(", "GREATEST(", StringComparison.Ordinal) + " FOR UPDATE";

    public Task<IReadOnlyList<BulkRunRef>> ListMatchingAsync(BulkFilter filter, long afterKey, int limit, CancellationToken cancellationToken) =>
        BulkRunSql.ListMatchingAsync(database, filter, afterKey, limit, cancellationToken);

    public Task<long> CountMatchingAsync(BulkFilter filter, CancellationToken cancellationToken) =>
        BulkRunSql.CountMatchingAsync(database, filter, cancellationToken);

    public Task<IReadOnlyList<BulkRunRef>> FindRunsAsync(IReadOnlyList<RunId> ids, CancellationToken cancellationToken) =>
        BulkRunSql.FindRunsAsync(database, ids, cancellationToken);

    public Task<IReadOnlyList<BulkRunResult>> SetStageAsync(IReadOnlyList<RunId> runs, LifecycleStage stage, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<BulkRunResult>>(async write =>
        {
            var deleted = stage == LifecycleStage.Deleted ? time.GetUtcNow().ToUnixTimeMilliseconds() : (long?)null;
            var results = new List<BulkRunResult>(runs.Count);
            foreach (var id in runs)
            {
                if (await FindAsync(write, id) is not { } row)
                {
                    results.Add(BulkRunResult.NotFound(id));
                }
                else if (row.Stage == stage)
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Skipped, $"already {BulkRunSql.Stage(stage)}"));
                }
                else
                {
                    await write.ExecuteAsync(BulkRunSql.SetStage.Replace("@deleted", "@deleted::bigint", StringComparison.Ordinal),
                        ("stage", BulkRunSql.Stage(stage)), ("deleted", deleted), ("key", row.RunKey));
                    results.Add(new BulkRunResult(id, BulkOutcome.Done));
                }
            }

            return results;
        }, cancellationToken);

    public Task<IReadOnlyList<BulkRunResult>> SetTagAsync(string key, IReadOnlyList<RunTagValue> values, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<BulkRunResult>>(async write =>
        {
            var results = new List<BulkRunResult>(values.Count);
            foreach (var (id, value) in values)
            {
                if (await FindAsync(write, id) is not { } row)
                {
                    results.Add(BulkRunResult.NotFound(id));
                    continue;
                }

                if (row.Stage != LifecycleStage.Active)
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Skipped, "run is deleted"));
                    continue;
                }

                var previous = await write.ScalarAsync(BulkRunSql.TagValue, ("key", row.RunKey), ("name", key)) as string;
                if (previous == value)
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Skipped, value is null ? "tag not set" : "tag already has this value"));
                    continue;
                }

                if (value is null)
                {
                    await write.ExecuteAsync(BulkRunSql.DeleteTag, ("key", row.RunKey), ("name", key));
                }
                else
                {
                    await write.ExecuteAsync(BulkRunSql.SetTag, ("key", row.RunKey), ("name", key), ("value", value));
                    await write.ExecuteAsync(BulkRunSql.RecordTagKey, ("experiment", row.ExperimentId.Value), ("name", key));
                }

                results.Add(new BulkRunResult(id, BulkOutcome.Done, PreviousTag: previous));
            }

            return results;
        }, cancellationToken);

    public Task<IReadOnlyList<BulkRunResult>> MoveAsync(IReadOnlyList<RunMove> moves, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<BulkRunResult>>(async write =>
        {
            var targets = new Dictionary<ExperimentId, string?>();
            var results = new List<BulkRunResult>(moves.Count);
            foreach (var (id, target) in moves)
            {
                if (!targets.TryGetValue(target, out var targetStage))
                {
                    targets[target] = targetStage = await write.ScalarAsync(BulkRunSql.ExperimentStage + " FOR UPDATE", ("experiment", target.Value)) as string;
                }

                if (await FindAsync(write, id) is not { } row)
                {
                    results.Add(BulkRunResult.NotFound(id));
                }
                else if (targetStage != "active")
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Failed, $"experiment {target} is {(targetStage is null ? "gone" : "deleted")}"));
                }
                else if (row.ExperimentId == target)
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Skipped, $"already in experiment {target}"));
                }
                else
                {
                    foreach (var sql in BulkRunSql.MoveRun)
                    {
                        await write.ExecuteAsync(sql, ("target", target.Value), ("key", row.RunKey));
                    }

                    if (row.Stage == LifecycleStage.Active)
                    {
                        await write.ExecuteAsync(BulkRunSql.MoveCount, ("from", row.ExperimentId.Value), ("target", target.Value));
                    }

                    await write.ExecuteAsync(BulkRunSql.RaiseActivity, ("activity", row.Activity), ("target", target.Value));
                    results.Add(new BulkRunResult(id, BulkOutcome.Done, PreviousExperiment: row.ExperimentId));
                }
            }

            return results;
        }, cancellationToken);

    private static async Task<Row?> FindAsync(PostgresWrite write, RunId id)
    {
        var rows = await write.ListAsync(FindRunLocked, reader => new Row(reader.GetInt64(0), new ExperimentId(reader.GetInt64(1)),
            reader.GetString(2) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted, reader.GetInt64(3)), ("id", id.Value));
        return rows.Count == 0 ? null : rows[0];
    }
}
