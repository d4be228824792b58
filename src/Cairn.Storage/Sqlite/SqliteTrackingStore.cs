using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

/// <summary>
/// The tracking store on SQLite. Writes go through the database's single writer (group commit);
/// reads use pooled connections and see only committed data.
/// </summary>
public sealed partial class SqliteTrackingStore(SqliteDatabase database, TimeProvider time) : ITrackingStore
{
    private const string ActiveStage = "active";
    private const string DeletedStage = "deleted";

    private readonly TrackingReads _reads = new(database);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string StageName(LifecycleStage stage) => stage == LifecycleStage.Active ? ActiveStage : DeletedStage;

    private static LifecycleStage ParseStage(string stage) => stage == ActiveStage ? LifecycleStage.Active : LifecycleStage.Deleted;

    private static string ArtifactUriFor(ExperimentId experiment, RunId run) => $"mlflow-artifacts:/{experiment}/{run}/artifacts";

    private static CairnException RunNotFound(RunId id) => StoreErrors.RunNotFound(id);

    private static CairnException ExperimentNotFound(ExperimentId id) => StoreErrors.ExperimentNotFound(id);

    /// <summary>A run row as the writer needs it to check existence and lifecycle.</summary>
    private readonly record struct RunRow(long RunKey, ExperimentId ExperimentId, bool Active);

    private static RunRow? FindRun(WriteContext context, RunId id)
    {
        var command = context.Command("SELECT run_key, experiment_id, lifecycle_stage FROM runs WHERE run_uuid = $id").Bind("$id", id.Value);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new RunRow(reader.GetInt64(0), new ExperimentId(reader.GetInt64(1)), reader.GetString(2) == ActiveStage) : null;
    }

    private static RunRow RequireActiveRun(WriteContext context, RunId id)
    {
        var run = FindRun(context, id) ?? throw RunNotFound(id);
        if (!run.Active)
        {
            throw StoreErrors.RunNotActive(id);
        }

        return run;
    }}
