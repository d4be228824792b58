using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteRegistryStore
{
    public async Task<ModelVersion> CreateVersionAsync(NewModelVersion version, Actor actor, CancellationToken cancellationToken)
    {
        var number = await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, version.Name);
            var now = Now();
            var next = (long)context.Command("UPDATE registered_models SET max_version = max_version + 1, last_updated_timestamp = $now WHERE model_key = $key RETURNING max_version")
                .Bind("$now", now).Bind("$key", key).ExecuteScalar()!;
            context.Command("""
                INSERT INTO model_versions (model_key, version, creation_timestamp, last_updated_timestamp, description, current_stage,
                                            source, storage_location, run_id, run_link, deleted)
                VALUES ($model, $version, $now, $now, $description, 'None', $source, $storage, $run, $link, 0)
                """).Bind("$model", key).Bind("$version", next).Bind("$now", now).Bind("$description", version.Description)
                .Bind("$source", version.Source).Bind("$storage", version.StorageLocation).Bind("$run", version.RunId)
                .Bind("$link", version.RunLink).ExecuteNonQuery();
            Audit(context, actor, AuditActions.CreateVersion, key, version.Name, next, after: version.Source);
            foreach (var tag in version.Tags)
            {
                UpsertVersionTag(context, actor, key, version.Name, next, tag);
            }

            return next;
        }, cancellationToken);
        return await GetVersionAsync(version.Name, number, cancellationToken);
    }

    public Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken cancellationToken) =>
        _reads.GetVersionAsync(name, version, cancellationToken);

    public async Task<ModelVersion> UpdateVersionAsync(string name, long version, string description, Actor actor, CancellationToken cancellationToken)
    {
        await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            var before = context.Command("SELECT description FROM model_versions WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteScalar() as string;
            Audit(context, actor, AuditActions.UpdateVersionDescription, key, name, version, before: before, after: description);
            context.Command("UPDATE model_versions SET description = $description, last_updated_timestamp = $now WHERE model_key = $model AND version = $version")
                .Bind("$description", description).Bind("$now", Now()).Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task DeleteVersionAsync(string name, long version, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);

            Audit(context, actor, AuditActions.DeleteVersion, key, name, version);

            // Hidden, never renumbered; its aliases and tags go with it so nothing points at a missing version.
            context.Command("UPDATE model_versions SET deleted = 1, current_stage = 'Deleted_Internal', last_updated_timestamp = $now WHERE model_key = $model AND version = $version")
                .Bind("$now", Now()).Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("DELETE FROM registered_model_aliases WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("DELETE FROM model_version_tags WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("UPDATE registered_models SET last_updated_timestamp = $now WHERE model_key = $model")
                .Bind("$now", Now()).Bind("$model", key).ExecuteNonQuery();
        }, cancellationToken);

    public async Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, Actor actor, CancellationToken cancellationToken)
    {
        await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            if (policy.Guards(stage, null))
            {
                RequireApproved(context, key, name, version, stage);
            }

            var now = Now();
            if (archiveExisting)
            {
                var archived = new List<long>();
                var select = context.Command("SELECT version FROM model_versions WHERE model_key = $model AND version != $version AND current_stage = $stage AND deleted = 0")
                    .Bind("$model", key).Bind("$version", version).Bind("$stage", stage);
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        archived.Add(reader.GetInt64(0));
                    }
                }

                foreach (var other in archived)
                {
                    Audit(context, actor, AuditActions.TransitionStage, key, name, other, before: stage, after: ModelStages.Archived);
                }

                context.Command("""
                    UPDATE model_versions SET current_stage = 'Archived', last_updated_timestamp = $now
                    WHERE model_key = $model AND version != $version AND current_stage = $stage AND deleted = 0
                    """).Bind("$now", now).Bind("$model", key).Bind("$version", version).Bind("$stage", stage).ExecuteNonQuery();
            }

            var current = context.Command("SELECT current_stage FROM model_versions WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteScalar() as string;
            Audit(context, actor, AuditActions.TransitionStage, key, name, version, before: current, after: stage);

            context.Command("UPDATE model_versions SET current_stage = $stage, last_updated_timestamp = $now WHERE model_key = $model AND version = $version")
                .Bind("$stage", stage).Bind("$now", now).Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("UPDATE registered_models SET last_updated_timestamp = $now WHERE model_key = $model")
                .Bind("$now", now).Bind("$model", key).ExecuteNonQuery();
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task<Page<ModelVersion>> SearchVersionsAsync(RegistryQuery query, CancellationToken cancellationToken) =>
        _reads.SearchVersionsAsync(query, cancellationToken);

    public Task SetVersionTagAsync(string name, long version, KeyValue tag, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            UpsertVersionTag(context, actor, key, name, version, tag);
        }, cancellationToken);

    public Task DeleteVersionTagAsync(string name, long version, string key, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var model = RequireModel(context, name);
            RequireVersion(context, model, name, version);
            var before = context.Command("DELETE FROM model_version_tags WHERE model_key = $model AND version = $version AND key = $key RETURNING value")
                .Bind("$model", model).Bind("$version", version).Bind("$key", key).ExecuteScalar() as string;
            if (before is not null)
            {
                Audit(context, actor, AuditActions.DeleteVersionTag, model, name, version, key, before);
            }
        }, cancellationToken);

    private void UpsertVersionTag(WriteContext context, Actor actor, long modelKey, string name, long version, KeyValue tag)
    {
        var before = context.Command("SELECT value FROM model_version_tags WHERE model_key = $model AND version = $version AND key = $key")
            .Bind("$model", modelKey).Bind("$version", version).Bind("$key", tag.Key).ExecuteScalar() as string;
        Audit(context, actor, AuditActions.SetVersionTag, modelKey, name, version, tag.Key, before, tag.Value);
        context.Command("""
            INSERT INTO model_version_tags (model_key, version, key, value) VALUES ($model, $version, $key, $value)
            ON CONFLICT (model_key, version, key) DO UPDATE SET value = excluded.value
            """).Bind("$model", modelKey).Bind("$version", version).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();
    }
}
