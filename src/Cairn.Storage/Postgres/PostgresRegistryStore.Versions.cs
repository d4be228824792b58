using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Postgres;

public sealed partial class PostgresRegistryStore
{
    public async Task<ModelVersion> CreateVersionAsync(NewModelVersion version, Actor actor, CancellationToken cancellationToken)
    {
        var number = await database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, version.Name);
            var now = Now();
            var next = (long)(await write.ScalarAsync(
                "UPDATE registered_models SET max_version = max_version + 1, last_updated_timestamp = @now WHERE model_key = @key RETURNING max_version",
                ("now", now), ("key", key)))!;
            await write.ExecuteAsync("""
                INSERT INTO model_versions (model_key, version, creation_timestamp, last_updated_timestamp, description, current_stage,
                                            source, storage_location, run_id, run_link, deleted)
                VALUES (@model, @version, @now, @now, @description, 'None', @source, @storage, @run::text, @link, 0)
                """, ("model", key), ("version", next), ("now", now), ("description", version.Description), ("source", version.Source),
                ("storage", version.StorageLocation), ("run", version.RunId), ("link", version.RunLink));
            await AuditAsync(write, actor, AuditActions.CreateVersion, key, version.Name, next, after: version.Source);
            foreach (var tag in version.Tags)
            {
                await UpsertVersionTagAsync(write, actor, key, version.Name, next, tag);
            }

            return next;
        }, cancellationToken);
        return await GetVersionAsync(version.Name, number, cancellationToken);
    }

    public Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken cancellationToken) =>
        _reads.GetVersionAsync(name, version, cancellationToken);

    public async Task<ModelVersion> UpdateVersionAsync(string name, long version, string description, Actor actor, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            await RequireVersionAsync(write, key, name, version);
            var before = await write.ScalarAsync("SELECT description FROM model_versions WHERE model_key = @model AND version = @version",
                ("model", key), ("version", version)) as string;
            await AuditAsync(write, actor, AuditActions.UpdateVersionDescription, key, name, version, before: before, after: description);
            await write.ExecuteAsync("UPDATE model_versions SET description = @description, last_updated_timestamp = @now WHERE model_key = @model AND version = @version",
                ("description", description), ("now", Now()), ("model", key), ("version", version));
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task DeleteVersionAsync(string name, long version, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            await RequireVersionAsync(write, key, name, version);
            await AuditAsync(write, actor, AuditActions.DeleteVersion, key, name, version);

            // Hidden, never renumbered; its aliases and tags go with it so nothing points at a missing version.
            var now = Now();
            await write.ExecuteAsync("UPDATE model_versions SET deleted = 1, current_stage = 'Deleted_Internal', last_updated_timestamp = @now WHERE model_key = @model AND version = @version",
                ("now", now), ("model", key), ("version", version));
            await write.ExecuteAsync("DELETE FROM registered_model_aliases WHERE model_key = @model AND version = @version", ("model", key), ("version", version));
            await write.ExecuteAsync("DELETE FROM model_version_tags WHERE model_key = @model AND version = @version", ("model", key), ("version", version));
            await write.ExecuteAsync("UPDATE registered_models SET last_updated_timestamp = @now WHERE model_key = @model", ("now", now), ("model", key));
        }, cancellationToken);

    public async Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, Actor actor, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            await RequireVersionAsync(write, key, name, version);
            if (policy.Guards(stage, null))
            {
                await RequireApprovedAsync(write, key, name, version, stage);
            }

            var now = Now();
            if (archiveExisting)
            {
                var archived = await write.ListAsync("""
                    UPDATE model_versions SET current_stage = 'Archived', last_updated_timestamp = @now
                    WHERE model_key = @model AND version != @version AND current_stage = @stage AND deleted = 0 RETURNING version
                    """, reader => reader.GetInt64(0), ("now", now), ("model", key), ("version", version), ("stage", stage));
                foreach (var other in archived.Order())
                {
                    await AuditAsync(write, actor, AuditActions.TransitionStage, key, name, other, before: stage, after: ModelStages.Archived);
                }
            }

            var current = await write.ScalarAsync("SELECT current_stage FROM model_versions WHERE model_key = @model AND version = @version",
                ("model", key), ("version", version)) as string;
            await AuditAsync(write, actor, AuditActions.TransitionStage, key, name, version, before: current, after: stage);
            await write.ExecuteAsync("UPDATE model_versions SET current_stage = @stage, last_updated_timestamp = @now WHERE model_key = @model AND version = @version",
                ("stage", stage), ("now", now), ("model", key), ("version", version));
            await write.ExecuteAsync("UPDATE registered_models SET last_updated_timestamp = @now WHERE model_key = @model", ("now", now), ("model", key));
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task<Page<ModelVersion>> SearchVersionsAsync(RegistryQuery query, CancellationToken cancellationToken) =>
        _reads.SearchVersionsAsync(query, cancellationToken);

    public Task SetVersionTagAsync(string name, long version, KeyValue tag, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            await RequireVersionAsync(write, key, name, version);
            await UpsertVersionTagAsync(write, actor, key, name, version, tag);
        }, cancellationToken);

    public Task DeleteVersionTagAsync(string name, long version, string key, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var model = await RequireModelAsync(write, name);
            await RequireVersionAsync(write, model, name, version);
            if (await write.ScalarAsync("DELETE FROM model_version_tags WHERE model_key = @model AND version = @version AND key = @key RETURNING value",
                ("model", model), ("version", version), ("key", key)) is string before)
            {
                await AuditAsync(write, actor, AuditActions.DeleteVersionTag, model, name, version, key, before);
            }
        }, cancellationToken);

    public async Task<ModelVersion> DecideApprovalAsync(string name, long version, ApprovalStatus decision, string? comment, Actor actor, CancellationToken cancellationToken)
    {
        if (decision == ApprovalStatus.PendingApproval)
        {
            throw CairnException.InvalidParameter("An approval decision is Approved or Rejected.");
        }

        await database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            await RequireVersionAsync(write, key, name, version);
            var before = await write.ScalarAsync("SELECT approval_status FROM model_versions WHERE model_key = @model AND version = @version",
                ("model", key), ("version", version)) as string;
            var now = Now();
            await write.ExecuteAsync("""
                UPDATE model_versions SET approval_status = @status, approval_actor = @actor, approval_time = @now, approval_comment = @comment::text,
                                          last_updated_timestamp = @now
                WHERE model_key = @model AND version = @version
                """, ("status", decision.ToString()), ("actor", actor.Name), ("now", now), ("comment", comment), ("model", key), ("version", version));
            await AuditAsync(write, actor, AuditActions.Approval, key, name, version, comment, before, decision.ToString());
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task<Page<AuditEvent>> GetAuditTrailAsync(string name, int maxResults, long offset, CancellationToken cancellationToken) =>
        _reads.GetAuditTrailAsync(name, maxResults, offset, cancellationToken);

    private async Task UpsertVersionTagAsync(PostgresWrite write, Actor actor, long modelKey, string name, long version, KeyValue tag)
    {
        var before = await write.ScalarAsync("SELECT value FROM model_version_tags WHERE model_key = @model AND version = @version AND key = @key",
            ("model", modelKey), ("version", version), ("key", tag.Key)) as string;
        await AuditAsync(write, actor, AuditActions.SetVersionTag, modelKey, name, version, tag.Key, before, tag.Value);
        await write.ExecuteAsync("""
            INSERT INTO model_version_tags (model_key, version, key, value) VALUES (@model, @version, @key, @value)
            ON CONFLICT (model_key, version, key) DO UPDATE SET value = excluded.value
            """, ("model", modelKey), ("version", version), ("key", tag.Key), ("value", tag.Value));
    }
}
