using System.Globalization;
using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;
using Npgsql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// The model registry on PostgreSQL. Every write locks its registered model's row first (<c>FOR UPDATE</c>), so writes to
/// one model from any replica run one after another: version numbers, approval checks and audit entries never interleave.
/// </summary>
public sealed partial class PostgresRegistryStore(PostgresDatabase database, TimeProvider time, ApprovalPolicy policy) : IModelRegistryStore
{
    private readonly RegistryReads _reads = new(database);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<RegisteredModel> CreateModelAsync(string name, string description, IReadOnlyList<KeyValue> tags, Actor actor, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async write =>
        {
            var now = Now();
            var key = await write.ScalarAsync("""
                INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description, max_version)
                VALUES (@name, @now, @now, @description, 0) ON CONFLICT (name) DO NOTHING RETURNING model_key
                """, ("name", name), ("now", now), ("description", description)) as long?
                ?? throw CairnException.AlreadyExists($"Registered Model (name={name}) already exists.");
            await AuditAsync(write, actor, AuditActions.CreateModel, key, name, after: description);
            foreach (var tag in tags)
            {
                await UpsertModelTagAsync(write, actor, key, name, tag);
            }
        }, cancellationToken);
        return await GetModelAsync(name, cancellationToken);
    }

    public Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken) => _reads.GetModelAsync(name, cancellationToken);

    public async Task<RegisteredModel> RenameModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            try
            {
                await write.ExecuteAsync("UPDATE registered_models SET name = @new, last_updated_timestamp = @now WHERE model_key = @key",
                    ("new", newName), ("now", Now()), ("key", key));
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw CairnException.AlreadyExists($"Registered Model (name={newName}) already exists.");
            }

            await AuditAsync(write, actor, AuditActions.RenameModel, key, newName, before: name, after: newName);
        }, cancellationToken);
        return await GetModelAsync(newName, cancellationToken);
    }

    public async Task<RegisteredModel> UpdateModelAsync(string name, string description, Actor actor, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            var before = await write.ScalarAsync("SELECT description FROM registered_models WHERE model_key = @key", ("key", key)) as string;
            await AuditAsync(write, actor, AuditActions.UpdateModelDescription, key, name, before: before, after: description);
            await write.ExecuteAsync("UPDATE registered_models SET description = @description, last_updated_timestamp = @now WHERE model_key = @key",
                ("description", description), ("now", Now()), ("key", key));
        }, cancellationToken);
        return await GetModelAsync(name, cancellationToken);
    }

    public Task DeleteModelAsync(string name, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            await write.ExecuteAsync("DELETE FROM registered_models WHERE model_key = @key", ("key", key));
            await AuditAsync(write, actor, AuditActions.DeleteModel, key, name, before: name);
        }, cancellationToken);

    public Task<Page<RegisteredModel>> SearchModelsAsync(RegistryQuery query, CancellationToken cancellationToken) =>
        _reads.SearchModelsAsync(query, cancellationToken);

    public Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken) =>
        _reads.GetLatestVersionsAsync(name, stages, cancellationToken);

    public Task SetModelTagAsync(string name, KeyValue tag, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write => await UpsertModelTagAsync(write, actor, await RequireModelAsync(write, name), name, tag), cancellationToken);

    public Task DeleteModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            // Deleting an unset tag succeeds, as in MLflow's registry.
            var model = await RequireModelAsync(write, name);
            if (await write.ScalarAsync("DELETE FROM registered_model_tags WHERE model_key = @model AND key = @key RETURNING value",
                ("model", model), ("key", key)) is string before)
            {
                await AuditAsync(write, actor, AuditActions.DeleteModelTag, model, name, subject: key, before: before);
            }
        }, cancellationToken);

    public Task SetAliasAsync(string name, string alias, long version, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, name);
            await RequireVersionAsync(write, key, name, version);
            if (policy.Guards(null, alias))
            {
                await RequireApprovedAsync(write, key, name, version, $"alias '{alias}'");
            }

            var before = await write.ScalarAsync("SELECT version FROM registered_model_aliases WHERE model_key = @model AND alias = @alias",
                ("model", key), ("alias", alias)) as long?;
            await AuditAsync(write, actor, AuditActions.SetAlias, key, name, version, alias, before?.ToString(CultureInfo.InvariantCulture),
                version.ToString(CultureInfo.InvariantCulture));
            await write.ExecuteAsync("""
                INSERT INTO registered_model_aliases (model_key, alias, version) VALUES (@model, @alias, @version)
                ON CONFLICT (model_key, alias) DO UPDATE SET version = excluded.version
                """, ("model", key), ("alias", alias), ("version", version));
        }, cancellationToken);

    public Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var model = await RequireModelAsync(write, name);
            if (await write.ScalarAsync("DELETE FROM registered_model_aliases WHERE model_key = @model AND alias = @alias RETURNING version",
                ("model", model), ("alias", alias)) is long before)
            {
                await AuditAsync(write, actor, AuditActions.DeleteAlias, model, name, before, alias, before.ToString(CultureInfo.InvariantCulture));
            }
        }, cancellationToken);

    public Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken) =>
        _reads.GetVersionByAliasAsync(name, alias, cancellationToken);

    /// <summary>The model's key, with its row locked until the write commits.</summary>
    private static async Task<long> RequireModelAsync(PostgresWrite write, string name) =>
        await write.ScalarAsync("SELECT model_key FROM registered_models WHERE name = @name FOR UPDATE", ("name", name)) as long?
        ?? throw StoreErrors.ModelNotFound(name);

    private static async Task RequireVersionAsync(PostgresWrite write, long modelKey, string name, long version)
    {
        if (await write.ScalarAsync("SELECT 1 FROM model_versions WHERE model_key = @model AND version = @version AND deleted = 0",
            ("model", modelKey), ("version", version)) is null)
        {
            throw StoreErrors.VersionNotFound(name, version);
        }
    }

    private async Task UpsertModelTagAsync(PostgresWrite write, Actor actor, long modelKey, string name, KeyValue tag)
    {
        var before = await write.ScalarAsync("SELECT value FROM registered_model_tags WHERE model_key = @model AND key = @key",
            ("model", modelKey), ("key", tag.Key)) as string;
        await AuditAsync(write, actor, AuditActions.SetModelTag, modelKey, name, subject: tag.Key, before: before, after: tag.Value);
        await write.ExecuteAsync("""
            INSERT INTO registered_model_tags (model_key, key, value) VALUES (@model, @key, @value)
            ON CONFLICT (model_key, key) DO UPDATE SET value = excluded.value
            """, ("model", modelKey), ("key", tag.Key), ("value", tag.Value));
    }

    /// <summary>Records a change in the audit trail and queues it for the webhooks subscribed to its event, in the same transaction.</summary>
    private async Task AuditAsync(PostgresWrite write, Actor actor, string action, long? modelKey, string modelName, long? version = null,
        string? subject = null, string? before = null, string? after = null)
    {
        var now = Now();
        await write.ExecuteAsync("""
            INSERT INTO registry_audit (timestamp, actor, action, model_key, model_name, version, subject, before, after)
            VALUES (@time, @actor, @action, @model::bigint, @name, @version::bigint, @subject::text, @before::text, @after::text)
            """, ("time", now), ("actor", actor.Name), ("action", action), ("model", modelKey), ("name", modelName), ("version", version),
            ("subject", subject), ("before", before), ("after", after));
        if (WebhookEvents.ForAction(action) is { } webhookEvent)
        {
            var payload = WebhookPayload.Build(webhookEvent, now, actor.Name, modelName, version, subject, before, after);
            await write.ExecuteAsync("""
                INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_time, created_time)
                SELECT webhook_id, @event, @payload, 'pending', 0, @now, @now FROM webhooks
                WHERE strpos(',' || events || ',', ',' || @event || ',') > 0
                """, ("event", webhookEvent), ("payload", payload), ("now", now));
        }
    }

    private static async Task RequireApprovedAsync(PostgresWrite write, long modelKey, string name, long version, string target)
    {
        var status = await write.ScalarAsync("SELECT approval_status FROM model_versions WHERE model_key = @model AND version = @version",
            ("model", modelKey), ("version", version)) as string;
        if (status != nameof(ApprovalStatus.Approved))
        {
            throw new CairnException(ErrorCode.PermissionDenied,
                $"Model version {name}/{version} is {status} and cannot be moved to {target}: approval is required. Approve it first.");
        }
    }
}
