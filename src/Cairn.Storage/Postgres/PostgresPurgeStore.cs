using Cairn.Core.Maintenance;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Hard deletes for <c>cairn gc</c> on PostgreSQL (the SQL is <see cref="PurgeSql"/>). Each purge is one transaction
/// that locks the entity's row while checking it is still deleted: a restore from any replica either commits first
/// (and the purge does nothing) or waits until the rows are gone.
/// </summary>
public sealed class PostgresPurgeStore(PostgresDatabase database) : IPurgeStore
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
        database.WriteAsync(async write =>
        {
            if (await write.ScalarAsync("SELECT run_key FROM runs WHERE run_uuid = @id AND lifecycle_stage = 'deleted' FOR UPDATE", ("id", id.Value)) is not long key)
            {
                return false;
            }

            foreach (var sql in PurgeSql.DeleteRun(PurgeSql.PostgresPoints))
            {
                await write.ExecuteAsync(sql, ("key", key));
            }

            return true;
        }, cancellationToken);

    public Task<bool> PurgeExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            if (await write.ScalarAsync("SELECT 1 FROM experiments WHERE experiment_id = @id AND lifecycle_stage = 'deleted' FOR UPDATE", ("id", id.Value)) is null)
            {
                return false;
            }

            foreach (var sql in PurgeSql.DeleteExperiment(PurgeSql.PostgresPoints))
            {
                await write.ExecuteAsync(sql, ("id", id.Value));
            }

            return true;
        }, cancellationToken);
}
