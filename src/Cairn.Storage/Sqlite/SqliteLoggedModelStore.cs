using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

/// <summary>MLflow 3 logged models and run outputs on SQLite, through the database's single writer.</summary>
public sealed class SqliteLoggedModelStore(SqliteDatabase database, TimeProvider time) : ILoggedModelStore
{
    private readonly LoggedModelReads _reads = new(database);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<LoggedModel> CreateLoggedModelAsync(NewLoggedModel model, CancellationToken cancellationToken)
    {
        var id = "m-" + Guid.NewGuid().ToString("N");
        await database.Writer.ExecuteAsync(context =>
        {
            var stage = context.Command("SELECT lifecycle_stage FROM experiments WHERE experiment_id = $id").Bind("$id", model.ExperimentId.Value).ExecuteScalar() as string
                ?? throw StoreErrors.ExperimentNotFound(model.ExperimentId);
            if (stage != "active")
            {
                throw StoreErrors.ExperimentNotActive(model.ExperimentId);
            }

            var now = Now();
            var key = (long)context.Command("""
                INSERT INTO logged_models (model_id, experiment_id, name, model_type, source_run_id, status, creation_timestamp_ms,
                                           last_updated_timestamp_ms, artifact_uri, lifecycle_stage)
                VALUES ($id, $experiment, $name, $type, $run, 1, $now, $now, $uri, 'active') RETURNING model_key
                """).Bind("$id", id).Bind("$experiment", model.ExperimentId.Value).Bind("$name", model.Name).Bind("$type", model.ModelType)
                .Bind("$run", model.SourceRunId).Bind("$now", now).Bind("$uri", $"mlflow-artifacts:/{model.ExperimentId}/models/{id}/artifacts")
                .ExecuteScalar()!;
            InsertParams(context, key, id, model.Params);
            foreach (var tag in model.Tags)
            {
                UpsertTag(context, key, tag);
            }
        }, cancellationToken);
        return (await GetLoggedModelAsync(id, false, cancellationToken))!;
    }

    public Task<LoggedModel?> GetLoggedModelAsync(string modelId, bool allowDeleted, CancellationToken cancellationToken) =>
        _reads.GetLoggedModelAsync(modelId, allowDeleted, cancellationToken);

    public async Task<LoggedModel> FinalizeLoggedModelAsync(string modelId, LoggedModelStatus status, CancellationToken cancellationToken)
    {
        await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, modelId);
            context.Command("UPDATE logged_models SET status = $status, last_updated_timestamp_ms = $now WHERE model_key = $key")
                .Bind("$status", (long)status).Bind("$now", Now()).Bind("$key", key).ExecuteNonQuery();
        }, cancellationToken);
        return (await GetLoggedModelAsync(modelId, false, cancellationToken))!;
    }

    public Task DeleteLoggedModelAsync(string modelId, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, modelId);
            context.Command("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = $now WHERE model_key = $key")
                .Bind("$now", Now()).Bind("$key", key).ExecuteNonQuery();
        }, cancellationToken);

    public Task<Page<LoggedModel>> SearchLoggedModelsAsync(LoggedModelQuery query, CancellationToken cancellationToken) =>
        _reads.SearchLoggedModelsAsync(query, cancellationToken);

    public Task SetLoggedModelTagsAsync(string modelId, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, modelId);
            foreach (var tag in tags)
            {
                UpsertTag(context, key, tag);
            }
        }, cancellationToken);

    public Task DeleteLoggedModelTagAsync(string modelId, string key, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var model = RequireModel(context, modelId);
            context.Command("DELETE FROM logged_model_tags WHERE model_key = $model AND key = $key").Bind("$model", model).Bind("$key", key).ExecuteNonQuery();
        }, cancellationToken);

    public Task LogLoggedModelParamsAsync(string modelId, IReadOnlyList<KeyValue> parameters, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context => InsertParams(context, RequireModel(context, modelId), modelId, parameters), cancellationToken);

    public Task LogOutputsAsync(RunId runId, IReadOnlyList<ModelOutput> outputs, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var run = context.Command("SELECT run_key, lifecycle_stage FROM runs WHERE run_uuid = $id").Bind("$id", runId.Value);
            long runKey;
            using (var reader = run.ExecuteReader())
            {
                if (!reader.Read())
                {
                    throw StoreErrors.RunNotFound(runId);
                }

                if (reader.GetString(1) != "active")
                {
                    throw StoreErrors.RunNotActive(runId);
                }

                runKey = reader.GetInt64(0);
            }

            foreach (var output in outputs)
            {
                context.Command("""
                    INSERT INTO run_outputs (run_key, model_key, step) VALUES ($run, $model, $step)
                    ON CONFLICT (run_key, model_key) DO UPDATE SET step = excluded.step
                    """).Bind("$run", runKey).Bind("$model", RequireModel(context, output.ModelId)).Bind("$step", output.Step).ExecuteNonQuery();
            }
        }, cancellationToken);

    public Task<IReadOnlyList<ModelOutput>> GetOutputsAsync(RunId runId, CancellationToken cancellationToken) =>
        _reads.GetOutputsAsync(runId, cancellationToken);

    private static long RequireModel(WriteContext context, string modelId) =>
        context.Command("SELECT model_key FROM logged_models WHERE model_id = $id AND lifecycle_stage = 'active'").Bind("$id", modelId).ExecuteScalar() as long?
        ?? throw StoreErrors.LoggedModelNotFound(modelId);

    /// <summary>Params are write-once per model, as for runs.</summary>
    private static void InsertParams(WriteContext context, long modelKey, string modelId, IReadOnlyList<KeyValue> parameters)
    {
        foreach (var param in parameters)
        {
            if (context.Command("INSERT OR IGNORE INTO logged_model_params (model_key, key, value) VALUES ($model, $key, $value)")
                .Bind("$model", modelKey).Bind("$key", param.Key).Bind("$value", param.Value).ExecuteNonQuery() == 0)
            {
                var existing = (string)context.Command("SELECT value FROM logged_model_params WHERE model_key = $model AND key = $key")
                    .Bind("$model", modelKey).Bind("$key", param.Key).ExecuteScalar()!;
                if (existing != param.Value)
                {
                    throw CairnException.InvalidParameter($"Param '{param.Key}' of logged model {modelId} is already '{existing}'; params cannot change.");
                }
            }
        }
    }

    private static void UpsertTag(WriteContext context, long modelKey, KeyValue tag) =>
        context.Command("""
            INSERT INTO logged_model_tags (model_key, key, value) VALUES ($model, $key, $value)
            ON CONFLICT (model_key, key) DO UPDATE SET value = excluded.value
            """).Bind("$model", modelKey).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();
}
