using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    /// <summary>Creates the default experiment "0" on an empty database.</summary>
    public Task EnsureDefaultExperimentAsync(CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var now = Now();
            context.Command("""
                INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', $now, $now)
                """).Bind("$now", now).ExecuteNonQuery();
        }, cancellationToken);

    public Task<ExperimentId> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var existing = context.Command("SELECT 1 FROM experiments WHERE name = $name").Bind("$name", name).ExecuteScalar();
            if (existing is not null)
            {
                throw CairnException.AlreadyExists($"Experiment(name={name}) already exists.");
            }

            var now = Now();
            var id = new ExperimentId((long)context.Command("""
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES ($name, '', 'active', $now, $now) RETURNING experiment_id
                """).Bind("$name", name).Bind("$now", now).ExecuteScalar()!);

            // A client-given location is kept as a label only; artifacts always live under the managed root.
            context.Command("UPDATE experiments SET artifact_location = $location WHERE experiment_id = $id")
                .Bind("$location", string.IsNullOrEmpty(artifactLocation) ? $"mlflow-artifacts:/{id}" : artifactLocation)
                .Bind("$id", id.Value).ExecuteNonQuery();
            foreach (var tag in tags)
            {
                UpsertExperimentTag(context, id, tag);
            }

            return id;
        }, cancellationToken);

    public Task<Experiment?> GetExperimentAsync(ExperimentId id, CancellationToken cancellationToken) => _reads.GetExperimentAsync(id, cancellationToken);

    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken) => _reads.GetExperimentByNameAsync(name, cancellationToken);

    public Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken) =>
        _reads.SearchExperimentsAsync(query, cancellationToken);

    public Task DeleteExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        SetExperimentStage(id, from: ActiveStage, to: DeletedStage, cancellationToken);

    public Task RestoreExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        SetExperimentStage(id, from: DeletedStage, to: ActiveStage, cancellationToken);

    public Task RenameExperimentAsync(ExperimentId id, string newName, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var stage = ExperimentStage(context, id) ?? throw ExperimentNotFound(id);
            if (stage != ActiveStage)
            {
                throw CairnException.InvalidParameter($"Cannot rename a non-active experiment {id}: it is deleted. Restore it first.");
            }

            var owner = context.Command("SELECT experiment_id FROM experiments WHERE name = $name").Bind("$name", newName).ExecuteScalar();
            if (owner is long ownerId && ownerId != id.Value)
            {
                throw CairnException.AlreadyExists($"Experiment(name={newName}) already exists.");
            }

            context.Command("UPDATE experiments SET name = $name, last_update_time = $now WHERE experiment_id = $id")
                .Bind("$name", newName).Bind("$now", Now()).Bind("$id", id.Value).ExecuteNonQuery();
        }, cancellationToken);

    public Task SetExperimentTagAsync(ExperimentId id, KeyValue tag, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var stage = ExperimentStage(context, id) ?? throw ExperimentNotFound(id);
            if (stage != ActiveStage)
            {
                throw StoreErrors.ExperimentNotActive(id);
            }

            UpsertExperimentTag(context, id, tag);
        }, cancellationToken);

    private Task SetExperimentStage(ExperimentId id, string from, string to, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var stage = ExperimentStage(context, id);
            if (stage != from)
            {
                throw stage is null
                    ? ExperimentNotFound(id)
                    : CairnException.NotFound($"No {from} experiment with id={id} exists (it is {stage}).");
            }

            var now = Now();
            context.Command("UPDATE experiments SET lifecycle_stage = $to, last_update_time = $now WHERE experiment_id = $id")
                .Bind("$to", to).Bind("$now", now).Bind("$id", id.Value).ExecuteNonQuery();

            // Deleting an experiment soft-deletes its runs; restoring brings them back.
            context.Command("UPDATE runs SET lifecycle_stage = $to, deleted_time = $deleted WHERE experiment_id = $id")
                .Bind("$to", to).Bind("$deleted", to == DeletedStage ? now : null).Bind("$id", id.Value).ExecuteNonQuery();
        }, cancellationToken);

    private static string? ExperimentStage(WriteContext context, ExperimentId id) =>
        context.Command("SELECT lifecycle_stage FROM experiments WHERE experiment_id = $id").Bind("$id", id.Value).ExecuteScalar() as string;

    private static void UpsertExperimentTag(WriteContext context, ExperimentId id, KeyValue tag) =>
        context.Command("""
            INSERT INTO experiment_tags (experiment_id, key, value) VALUES ($id, $key, $value)
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
            """).Bind("$id", id.Value).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();
}
