using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

/// <summary>The model registry on SQLite, sharing the tracking database and its single writer.</summary>
public sealed partial class SqliteRegistryStore(SqliteDatabase database, TimeProvider time, ApprovalPolicy policy) : IModelRegistryStore
{
    private readonly RegistryReads _reads = new(database);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<RegisteredModel> CreateModelAsync(string name, string description, IReadOnlyList<KeyValue> tags, Actor actor, CancellationToken cancellationToken) =>
        WriteThenRead(context =>
        {
            if (FindModel(context, name) is not null)
            {
                throw CairnException.AlreadyExists($"Registered Model (name={name}) already exists.");
            }

            var now = Now();
            var key = (long)context.Command("""
                INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description, max_version)
                VALUES ($name, $now, $now, $description, 0) RETURNING model_key
                """).Bind("$name", name).Bind("$now", now).Bind("$description", description).ExecuteScalar()!;
            Audit(context, actor, AuditActions.CreateModel, key, name, after: description);
            foreach (var tag in tags)
            {
                UpsertModelTag(context, actor, key, name, tag);
            }

            return name;
        }, cancellationToken);

    public Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken) => _reads.GetModelAsync(name, cancellationToken);

    public Task<RegisteredModel> RenameModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken) =>
        WriteThenRead(context =>
        {
            var key = RequireModel(context, name);
            if (name != newName && FindModel(context, newName) is not null)
            {
                throw CairnException.AlreadyExists($"Registered Model (name={newName}) already exists.");
            }

            context.Command("UPDATE registered_models SET name = $new, last_updated_timestamp = $now WHERE model_key = $key")
                .Bind("$new", newName).Bind("$now", Now()).Bind("$key", key).ExecuteNonQuery();
            Audit(context, actor, AuditActions.RenameModel, key, newName, before: name, after: newName);
            return newName;
        }, cancellationToken);

    public Task<RegisteredModel> UpdateModelAsync(string name, string description, Actor actor, CancellationToken cancellationToken) =>
        WriteThenRead(context =>
        {
            var key = RequireModel(context, name);
            var before = context.Command("SELECT description FROM registered_models WHERE model_key = $key").Bind("$key", key).ExecuteScalar() as string;
            Audit(context, actor, AuditActions.UpdateModelDescription, key, name, before: before, after: description);
            context.Command("UPDATE registered_models SET description = $description, last_updated_timestamp = $now WHERE model_key = $key")
                .Bind("$description", description).Bind("$now", Now()).Bind("$key", key).ExecuteNonQuery();
            return name;
        }, cancellationToken);

    public Task DeleteModelAsync(string name, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            context.Command("DELETE FROM registered_models WHERE model_key = $key").Bind("$key", key).ExecuteNonQuery();
            Audit(context, actor, AuditActions.DeleteModel, key, name, before: name);
        }, cancellationToken);

    public Task<Page<RegisteredModel>> SearchModelsAsync(RegistryQuery query, CancellationToken cancellationToken) =>
        _reads.SearchModelsAsync(query, cancellationToken);

    public Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken) =>
        _reads.GetLatestVersionsAsync(name, stages, cancellationToken);

    public Task SetModelTagAsync(string name, KeyValue tag, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context => UpsertModelTag(context, actor, RequireModel(context, name), name, tag), cancellationToken);

    public Task DeleteModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            // Deleting an unset tag succeeds, as in MLflow's registry.
            var model = RequireModel(context, name);
            var before = context.Command("DELETE FROM registered_model_tags WHERE model_key = $model AND key = $key RETURNING value")
                .Bind("$model", model).Bind("$key", key).ExecuteScalar() as string;
            if (before is not null)
            {
                Audit(context, actor, AuditActions.DeleteModelTag, model, name, subject: key, before: before);
            }
        }, cancellationToken);

    public Task SetAliasAsync(string name, string alias, long version, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            if (policy.Guards(null, alias))
            {
                RequireApproved(context, key, name, version, $"alias '{alias}'");
            }

            var before = context.Command("SELECT version FROM registered_model_aliases WHERE model_key = $model AND alias = $alias")
                .Bind("$model", key).Bind("$alias", alias).ExecuteScalar() as long?;
            Audit(context, actor, AuditActions.SetAlias, key, name, version, alias, before?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            context.Command("""
                INSERT INTO registered_model_aliases (model_key, alias, version) VALUES ($model, $alias, $version)
                ON CONFLICT (model_key, alias) DO UPDATE SET version = excluded.version
                """).Bind("$model", key).Bind("$alias", alias).Bind("$version", version).ExecuteNonQuery();
        }, cancellationToken);

    public Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var model = RequireModel(context, name);
            var before = context.Command("DELETE FROM registered_model_aliases WHERE model_key = $model AND alias = $alias RETURNING version")
                .Bind("$model", model).Bind("$alias", alias).ExecuteScalar() as long?;
            if (before is not null)
            {
                Audit(context, actor, AuditActions.DeleteAlias, model, name, before, alias, before.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }, cancellationToken);

    public Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken) =>
        _reads.GetVersionByAliasAsync(name, alias, cancellationToken);

    private async Task<RegisteredModel> WriteThenRead(Func<WriteContext, string> write, CancellationToken cancellationToken)
    {
        var name = await database.Writer.ExecuteAsync(write, cancellationToken);
        return await GetModelAsync(name, cancellationToken);
    }

    private static long? FindModel(WriteContext context, string name) =>
        context.Command("SELECT model_key FROM registered_models WHERE name = $name").Bind("$name", name).ExecuteScalar() as long?;

    private static long RequireModel(WriteContext context, string name) => FindModel(context, name) ?? throw ModelNotFound(name);

    private static void RequireVersion(WriteContext context, long modelKey, string name, long version)
    {
        var exists = context.Command("SELECT 1 FROM model_versions WHERE model_key = $model AND version = $version AND deleted = 0")
            .Bind("$model", modelKey).Bind("$version", version).ExecuteScalar();
        if (exists is null)
        {
            throw VersionNotFound(name, version);
        }
    }

    private void UpsertModelTag(WriteContext context, Actor actor, long modelKey, string name, KeyValue tag)
    {
        var before = context.Command("SELECT value FROM registered_model_tags WHERE model_key = $model AND key = $key")
            .Bind("$model", modelKey).Bind("$key", tag.Key).ExecuteScalar() as string;
        Audit(context, actor, AuditActions.SetModelTag, modelKey, name, subject: tag.Key, before: before, after: tag.Value);
        context.Command("""
            INSERT INTO registered_model_tags (model_key, key, value) VALUES ($model, $key, $value)
            ON CONFLICT (model_key, key) DO UPDATE SET value = excluded.value
            """).Bind("$model", modelKey).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();
    }

    /// <summary>Records a change in the audit trail and queues it for the webhooks subscribed to its event, in the same transaction.</summary>
    private void Audit(WriteContext context, Actor actor, string action, long? modelKey, string modelName, long? version = null,
        string? subject = null, string? before = null, string? after = null)
    {
        var now = Now();
        context.Command("""
            INSERT INTO registry_audit (timestamp, actor, action, model_key, model_name, version, subject, before, after)
            VALUES ($time, $actor, $action, $model, $name, $version, $subject, $before, $after)
            """).Bind("$time", now).Bind("$actor", actor.Name).Bind("$action", action).Bind("$model", modelKey).Bind("$name", modelName)
            .Bind("$version", version).Bind("$subject", subject).Bind("$before", before).Bind("$after", after).ExecuteNonQuery();
        if (WebhookEvents.ForAction(action) is { } webhookEvent)
        {
            var payload = WebhookPayload.Build(webhookEvent, now, actor.Name, modelName, version, subject, before, after);
            context.Command("""
                INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_time, created_time)
                SELECT webhook_id, $event, $payload, 'pending', 0, $now, $now FROM webhooks
                WHERE instr(',' || events || ',', ',' || $event || ',') > 0
                """).Bind("$event", webhookEvent).Bind("$payload", payload).Bind("$now", now).ExecuteNonQuery();
        }
    }

    private static void RequireApproved(WriteContext context, long modelKey, string name, long version, string target)
    {
        var status = context.Command("SELECT approval_status FROM model_versions WHERE model_key = $model AND version = $version")
            .Bind("$model", modelKey).Bind("$version", version).ExecuteScalar() as string;
        if (status != nameof(ApprovalStatus.Approved))
        {
            throw new CairnException(ErrorCode.PermissionDenied,
                $"Model version {name}/{version} is {status} and cannot be moved to {target}: approval is required. Approve it first.");
        }
    }

    private static CairnException ModelNotFound(string name) => StoreErrors.ModelNotFound(name);

    private static CairnException VersionNotFound(string name, long version) => StoreErrors.VersionNotFound(name, version);
}
