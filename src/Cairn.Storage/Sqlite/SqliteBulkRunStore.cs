using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

/// <summary>Bulk run changes on SQLite: each batch is one write of the single writer, so it commits whole or not at all.</summary>
public sealed class SqliteBulkRunStore(SqliteDatabase database, TimeProvider time) : IBulkRunStore
{
    private readonly record struct Row(long RunKey, ExperimentId ExperimentId, LifecycleStage Stage, long Activity);

    public Task<IReadOnlyList<BulkRunRef>> ListMatchingAsync(BulkFilter filter, long afterKey, int limit, CancellationToken cancellationToken) =>
        BulkRunSql.ListMatchingAsync(database, filter, afterKey, limit, cancellationToken);

    public Task<long> CountMatchingAsync(BulkFilter filter, CancellationToken cancellationToken) =>
        BulkRunSql.CountMatchingAsync(database, filter, cancellationToken);

    public Task<IReadOnlyList<BulkRunRef>> FindRunsAsync(IReadOnlyList<RunId> ids, CancellationToken cancellationToken) =>
        BulkRunSql.FindRunsAsync(database, ids, cancellationToken);

    public Task<IReadOnlyList<BulkRunResult>> SetStageAsync(IReadOnlyList<RunId> runs, LifecycleStage stage, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync<IReadOnlyList<BulkRunResult>>(context =>
        {
            var deleted = stage == LifecycleStage.Deleted ? time.GetUtcNow().ToUnixTimeMilliseconds() : (long?)null;
            var results = new List<BulkRunResult>(runs.Count);
            foreach (var id in runs)
            {
                if (Find(context, id) is not { } row)
                {
                    results.Add(BulkRunResult.NotFound(id));
                }
                else if (row.Stage == stage)
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Skipped, $"already {BulkRunSql.Stage(stage)}"));
                }
                else
                {
                    context.Command(BulkRunSql.SetStage).Bind("@stage", BulkRunSql.Stage(stage)).Bind("@deleted", deleted).Bind("@key", row.RunKey).ExecuteNonQuery();
                    results.Add(new BulkRunResult(id, BulkOutcome.Done));
                }
            }

            return results;
        }, cancellationToken);

    public Task<IReadOnlyList<BulkRunResult>> SetTagAsync(string key, IReadOnlyList<RunTagValue> values, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync<IReadOnlyList<BulkRunResult>>(context =>
        {
            var results = new List<BulkRunResult>(values.Count);
            foreach (var (id, value) in values)
            {
                if (Find(context, id) is not { } row)
                {
                    results.Add(BulkRunResult.NotFound(id));
                    continue;
                }

                if (row.Stage != LifecycleStage.Active)
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Skipped, "run is deleted"));
                    continue;
                }

                var previous = context.Command(BulkRunSql.TagValue).Bind("@key", row.RunKey).Bind("@name", key).ExecuteScalar() as string;
                if (previous == value)
                {
                    results.Add(new BulkRunResult(id, BulkOutcome.Skipped, value is null ? "tag not set" : "tag already has this value"));
                    continue;
                }

                if (value is null)
                {
                    context.Command(BulkRunSql.DeleteTag).Bind("@key", row.RunKey).Bind("@name", key).ExecuteNonQuery();
                }
                else
                {
                    context.Command(BulkRunSql.SetTag).Bind("@key", row.RunKey).Bind("@name", key).Bind("@value", value).ExecuteNonQuery();
                    context.Command(BulkRunSql.RecordTagKey).Bind("@experiment", row.ExperimentId.Value).Bind("@name", key).ExecuteNonQuery();
                }

                results.Add(new BulkRunResult(id, BulkOutcome.Done, PreviousTag: previous));
            }

            return results;
        }, cancellationToken);

    public Task<IReadOnlyList<BulkRunResult>> MoveAsync(IReadOnlyList<RunMove> moves, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync<IReadOnlyList<BulkRunResult>>(context =>
        {
            var targets = new Dictionary<ExperimentId, string?>();
            var results = new List<BulkRunResult>(moves.Count);
            foreach (var (id, target) in moves)
            {
                if (!targets.TryGetValue(target, out var targetStage))
                {
                    targets[target] = targetStage = context.Command(BulkRunSql.ExperimentStage).Bind("@experiment", target.Value).ExecuteScalar() as string;
                }

                if (Find(context, id) is not { } row)
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
                        context.Command(sql).Bind("@target", target.Value).Bind("@key", row.RunKey).ExecuteNonQuery();
                    }

                    if (row.Stage == LifecycleStage.Active)
                    {
                        context.Command(BulkRunSql.MoveCount).Bind("@from", row.ExperimentId.Value).Bind("@target", target.Value).ExecuteNonQuery();
                    }

                    context.Command(BulkRunSql.RaiseActivity).Bind("@activity", row.Activity).Bind("@target", target.Value).ExecuteNonQuery();
                    results.Add(new BulkRunResult(id, BulkOutcome.Done, PreviousExperiment: row.ExperimentId));
                }
            }

            return results;
        }, cancellationToken);

    private static Row? Find(WriteContext context, RunId id)
    {
        var command = context.Command(BulkRunSql.FindRun).Bind("@id", id.Value);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Row(reader.GetInt64(0), new ExperimentId(reader.GetInt64(1)), reader.GetString(2) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted, reader.GetInt64(3))
            : null;
    }
}
