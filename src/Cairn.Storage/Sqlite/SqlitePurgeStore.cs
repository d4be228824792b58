using Cairn.Core.Maintenance;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

/// <summary>
/// Hard deletes for <c>cairn gc</c> (the SQL is <see cref="PurgeSql"/>). Each purge is one write that first checks
/// the entity is still deleted, so a restore that lands in between wins.
/// </summary>
public sealed class SqlitePurgeStore(SqliteDatabase database) : IPurgeStore
{
    public Task<IReadOnlyList<DeletedRun>> ListDeletedRunsAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken) =>
        PurgeSql.ListDeletedRunsAsync(database, deletedBefore, cancellationToken);

    public Task<IReadOnlyList<DeletedExperiment>> ListDeletedExperimentsAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken) =>
        PurgeSql.ListDeletedExperimentsAsync(database, deletedBefore, cancellationToken);

    public Task<IReadOnlySet<string>> ListModelVersionLocationsAsync(CancellationToken cancellationToken) =>
        PurgeSql.ListModelVersionLocationsAsync(database, cancellationToken);

    public Task<IReadOnlySet<string>> ListRunFoldersKeptUnderAsync(ExperimentId id, CancellationToken cancellationToken) =>
        PurgeSql.ListRunFoldersKeptUnderAsync(database, id, cancellationToken);

    public Task<bool> PurgeRunAsync(RunId id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            if (context.Command("SELECT run_key FROM runs WHERE run_uuid = @id AND lifecycle_stage = 'deleted'").Bind("@id", id.Value).ExecuteScalar() is not long key)
            {
                return false;
            }

            foreach (var sql in PurgeSql.DeleteRun(PurgeSql.SqlitePoints))
            {
                context.Command(sql).Bind("@key", key).ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);

    public Task<bool> PurgeExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            if (context.Command("SELECT 1 FROM experiments WHERE experiment_id = @id AND lifecycle_stage = 'deleted'").Bind("@id", id.Value).ExecuteScalar() is null)
            {
                return false;
            }

            foreach (var sql in PurgeSql.DeleteExperiment(PurgeSql.SqlitePoints))
            {
                context.Command(sql).Bind("@id", id.Value).ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);
}
