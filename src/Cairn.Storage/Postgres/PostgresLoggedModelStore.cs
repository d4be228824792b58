using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

/// <summary>MLflow 3 logged models and run outputs on PostgreSQL: shared reads, one transaction per write.</summary>
public sealed class PostgresLoggedModelStore(PostgresDatabase database, TimeProvider time) : ILoggedModelStore
{
    private readonly LoggedModelReads _reads = new(database);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<LoggedModel> CreateLoggedModelAsync(NewLoggedModel model, CancellationToken cancellationToken)
    {
        var id = "m-" + Guid.NewGuid().ToString("N");
        await database.WriteAsync(async write =>
        {
            var stage = await write.ScalarAsync("SELECT lifecycle_stage FROM experiments WHERE experiment_id = @id FOR SHARE", ("id", model.ExperimentId.Value)) as string
                ?? throw StoreErrors.ExperimentNotFound(model.ExperimentId);
            if (stage != "active")
            {
                throw StoreErrors.ExperimentNotActive(model.ExperimentId);
            }

            var now = Now();
            var key = (long)(await write.ScalarAsync("""
                INSERT INTO logged_models (model_id, experiment_id, name, model_type, source_run_id, status, creation_timestamp_ms,
                                           last_updated_timestamp_ms, artifact_uri, lifecycle_stage)
                VALUES (@id, @experiment, @name, @type::text, @run::text, 1, @now, @now, @uri, 'active') RETURNING model_key
                """, ("id", id), ("experiment", model.ExperimentId.Value), ("name", model.Name), ("type", model.ModelType), ("run", model.SourceRunId),
                ("now", now), ("uri", $"mlflow-artifacts:/{model.ExperimentId}/models/{id}/artifacts")))!;
            await InsertParamsAsync(write, key, id, model.Params);
            foreach (var tag in model.Tags)
            {
                await UpsertTagAsync(write, key, tag);
            }
        }, cancellationToken);
        return (await GetLoggedModelAsync(id, false, cancellationToken))!;
    }

    public Task<LoggedModel?> GetLoggedModelAsync(string modelId, bool allowDeleted, CancellationToken cancellationToken) =>
        _reads.GetLoggedModelAsync(modelId, allowDeleted, cancellationToken);

    public async Task<LoggedModel> FinalizeLoggedModelAsync(string modelId, LoggedModelStatus status, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, modelId);
            await write.ExecuteAsync("UPDATE logged_models SET status = @status, last_updated_timestamp_ms = @now WHERE model_key = @key",
                ("status", (long)status), ("now", Now()), ("key", key));
        }, cancellationToken);
        return (await GetLoggedModelAsync(modelId, false, cancellationToken))!;
    }

    public Task DeleteLoggedModelAsync(string modelId, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, modelId);
            await write.ExecuteAsync("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = @now WHERE model_key = @key",
                ("now", Now()), ("key", key));
        }, cancellationToken);

    public Task<Page<LoggedModel>> SearchLoggedModelsAsync(LoggedModelQuery query, CancellationToken cancellationToken) =>
        _reads.SearchLoggedModelsAsync(query, cancellationToken);

    public Task SetLoggedModelTagsAsync(string modelId, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var key = await RequireModelAsync(write, modelId);
            foreach (var tag in tags)
            {
                await UpsertTagAsync(write, key, tag);
            }
        }, cancellationToken);

    public Task DeleteLoggedModelTagAsync(string modelId, string key, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var model = await RequireModelAsync(write, modelId);
            await write.ExecuteAsync("DELETE FROM logged_model_tags WHERE model_key = @model AND key = @key", ("model", model), ("key", key));
        }, cancellationToken);

    public Task LogLoggedModelParamsAsync(string modelId, IReadOnlyList<KeyValue> parameters, CancellationToken cancellationToken) =>
        database.WriteAsync(async write => await InsertParamsAsync(write, await RequireModelAsync(write, modelId), modelId, parameters), cancellationToken);

    public Task LogOutputsAsync(RunId runId, IReadOnlyList<ModelOutput> outputs, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var runs = await write.ListAsync("SELECT run_key, lifecycle_stage FROM runs WHERE run_uuid = @id",
                reader => (Key: reader.GetInt64(0), Active: reader.GetString(1) == "active"), ("id", runId.Value));
            var run = runs.Count == 0 ? throw StoreErrors.RunNotFound(runId) : runs[0];
            if (!run.Active)
            {
                throw StoreErrors.RunNotActive(runId);
            }

            foreach (var output in outputs)
            {
                await write.ExecuteAsync("""
                    INSERT INTO run_outputs (run_key, model_key, step) VALUES (@run, @model, @step)
                    ON CONFLICT (run_key, model_key) DO UPDATE SET step = excluded.step
                    """, ("run", run.Key), ("model", await RequireModelAsync(write, output.ModelId)), ("step", output.Step));
            }
        }, cancellationToken);

    public Task<IReadOnlyList<ModelOutput>> GetOutputsAsync(RunId runId, CancellationToken cancellationToken) =>
        _reads.GetOutputsAsync(runId, cancellationToken);

    private static async Task<long> RequireModelAsync(PostgresWrite write, string modelId) =>
        await write.ScalarAsync("SELECT model_key FROM logged_models WHERE model_id = @id AND lifecycle_stage = 'active'", ("id", modelId)) as long?
        ?? throw StoreErrors.LoggedModelNotFound(modelId);

    /// <summary>Params are write-once per model, as for runs.</summary>
    private static async Task InsertParamsAsync(PostgresWrite write, long modelKey, string modelId, IReadOnlyList<KeyValue> parameters)
    {
        foreach (var param in parameters)
        {
            if (await write.ExecuteAsync("INSERT INTO logged_model_params (model_key, key, value) VALUES (@model, @key, @value) ON CONFLICT DO NOTHING",
                ("model", modelKey), ("key", param.Key), ("value", param.Value)) == 0)
            {
                var existing = (string)(await write.ScalarAsync("SELECT value FROM logged_model_params WHERE model_key = @model AND key = @key",
                    ("model", modelKey), ("key", param.Key)))!;
                if (existing != param.Value)
                {
                    throw CairnException.InvalidParameter($"Param '{param.Key}' of logged model {modelId} is already '{existing}'; params cannot change.");
                }
            }
        }
    }

    private static Task UpsertTagAsync(PostgresWrite write, long modelKey, KeyValue tag) =>
        write.ExecuteAsync("""
            INSERT INTO logged_model_tags (model_key, key, value) VALUES (@model, @key, @value)
            ON CONFLICT (model_key, key) DO UPDATE SET value = excluded.value
            """, ("model", modelKey), ("key", tag.Key), ("value", tag.Value));
}
