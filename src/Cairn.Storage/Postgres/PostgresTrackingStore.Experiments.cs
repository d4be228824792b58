using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;
using Npgsql;

namespace Cairn.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
    /// <summary>Creates the default experiment "0" on an empty database; replicas racing here insert it once.</summary>
    public Task EnsureDefaultExperimentAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(write => write.ExecuteAsync("""
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', @now, @now) ON CONFLICT DO NOTHING
            """, ("now", Now())), cancellationToken);

    public Task<ExperimentId> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var inserted = await write.ScalarAsync("""
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (@name, '', 'active', @now, @now) ON CONFLICT (name) DO NOTHING RETURNING experiment_id
                """, ("name", name), ("now", Now()));
            var id = inserted is long key ? new ExperimentId(key) : throw CairnException.AlreadyExists($"Experiment(name={name}) already exists.");

            // A client-given location is kept as a label only; artifacts always live under the managed root.
            await write.ExecuteAsync("UPDATE experiments SET artifact_location = @location WHERE experiment_id = @id",
                ("location", string.IsNullOrEmpty(artifactLocation) ? $"mlflow-artifacts:/{id}" : artifactLocation), ("id", id.Value));
            foreach (var tag in tags)
            {
                await UpsertExperimentTagAsync(write, id, tag);
            }

            return id;
        }, cancellationToken);

    public Task DeleteExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        SetExperimentStageAsync(id, from: ActiveStage, to: DeletedStage, cancellationToken);

    public Task RestoreExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        SetExperimentStageAsync(id, from: DeletedStage, to: ActiveStage, cancellationToken);

    public Task RenameExperimentAsync(ExperimentId id, string newName, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var stage = await ExperimentStageAsync(write, id, lockRow: true) ?? throw StoreErrors.ExperimentNotFound(id);
            if (stage != ActiveStage)
            {
                throw CairnException.InvalidParameter($"Cannot rename a non-active experiment {id}: it is deleted. Restore it first.");
            }

            try
            {
                await write.ExecuteAsync("UPDATE experiments SET name = @name, last_update_time = @now WHERE experiment_id = @id",
                    ("name", newName), ("now", Now()), ("id", id.Value));
            }
            catch (PostgresException ex) when (IsUniqueViolation(ex))
            {
                throw CairnException.AlreadyExists($"Experiment(name={newName}) already exists.");
            }
        }, cancellationToken);

    public Task SetExperimentTagAsync(ExperimentId id, KeyValue tag, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var stage = await ExperimentStageAsync(write, id, lockRow: false) ?? throw StoreErrors.ExperimentNotFound(id);
            if (stage != ActiveStage)
            {
                throw StoreErrors.ExperimentNotActive(id);
            }

            await UpsertExperimentTagAsync(write, id, tag);
        }, cancellationToken);

    private Task SetExperimentStageAsync(ExperimentId id, string from, string to, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var stage = await ExperimentStageAsync(write, id, lockRow: true);
            if (stage != from)
            {
                throw stage is null
                    ? StoreErrors.ExperimentNotFound(id)
                    : CairnException.NotFound($"No {from} experiment with id={id} exists (it is {stage}).");
            }

            var now = Now();
            await write.ExecuteAsync("UPDATE experiments SET lifecycle_stage = @to, last_update_time = @now WHERE experiment_id = @id",
                ("to", to), ("now", now), ("id", id.Value));

            // Deleting an experiment soft-deletes its runs; restoring brings them back.
            await write.ExecuteAsync("UPDATE runs SET lifecycle_stage = @to, deleted_time = @deleted::bigint WHERE experiment_id = @id",
                ("to", to), ("deleted", to == DeletedStage ? now : null), ("id", id.Value));
        }, cancellationToken);

    /// <summary>The experiment's stage; <paramref name="lockRow"/> holds it against concurrent stage changes until commit.</summary>
    private static async Task<string?> ExperimentStageAsync(PostgresWrite write, ExperimentId id, bool lockRow) =>
        await write.ScalarAsync("SELECT lifecycle_stage FROM experiments WHERE experiment_id = @id" + (lockRow ? " FOR UPDATE" : " FOR SHARE"),
            ("id", id.Value)) as string;

    private static Task UpsertExperimentTagAsync(PostgresWrite write, ExperimentId id, KeyValue tag) =>
        write.ExecuteAsync("""
            INSERT INTO experiment_tags (experiment_id, key, value) VALUES (@id, @key, @value)
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
            """, ("id", id.Value), ("key", tag.Key), ("value", tag.Value));
}
