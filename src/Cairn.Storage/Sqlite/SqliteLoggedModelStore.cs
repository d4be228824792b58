using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>MLflow 3 logged models and run outputs on SQLite, through the database's single writer.</summary>
public sealed class SqliteLoggedModelStore(SqliteDatabase database, TimeProvider time) : ILoggedModelStore
{
    private const string Columns = """
        lm.model_key, lm.model_id, lm.experiment_id, lm.name, lm.model_type, lm.source_run_id, lm.status, lm.status_message,
        lm.creation_timestamp_ms, lm.last_updated_timestamp_ms, lm.artifact_uri, lm.lifecycle_stage
        """;

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<LoggedModel> CreateLoggedModelAsync(NewLoggedModel model, CancellationToken cancellationToken)
    {
        var id = "m-" + Guid.NewGuid().ToString("N");
        await database.Writer.ExecuteAsync(context =>
        {
            var stage = context.Command("SELECT lifecycle_stage FROM experiments WHERE experiment_id = $id").Bind("$id", model.ExperimentId.Value).ExecuteScalar() as string
                ?? throw CairnException.NotFound($"No Experiment with id={model.ExperimentId} exists");
            if (stage != "active")
            {
                throw CairnException.InvalidParameter($"The experiment {model.ExperimentId} must be in the 'active' state. Current state is deleted.");
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
        Task.FromResult(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            var parameters = new SqlParameters();
            var sql = $"SELECT {Columns} FROM logged_models lm WHERE lm.model_id = {parameters.Add(modelId)}"
                + (allowDeleted ? "" : " AND lm.lifecycle_stage = 'active'");
            return Load(connection, transaction, sql, parameters).FirstOrDefault();
        }));

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

    public Task<Page<LoggedModel>> SearchLoggedModelsAsync(LoggedModelQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var where = new List<string>
        {
            "lm.lifecycle_stage = 'active'",
            $"lm.experiment_id IN (SELECT value FROM json_each({parameters.Add(SqliteReads.JsonIdList(query.ExperimentIds.Select(e => e.Value)))}))",
        };
        foreach (var term in query.Filter)
        {
            where.Add(Condition(term, parameters));
        }

        var sql = $"SELECT {Columns} FROM logged_models lm WHERE {string.Join(" AND ", where)} ORDER BY lm.creation_timestamp_ms DESC, lm.model_id LIMIT {query.MaxResults + 1} OFFSET {query.Offset}";
        var models = SqliteReads.ReadSnapshot(database, (connection, transaction) => Load(connection, transaction, sql, parameters));
        string? token = null;
        if (models.Count > query.MaxResults)
        {
            models.RemoveAt(models.Count - 1);
            token = PageToken.Encode(query.Offset + query.MaxResults);
        }

        return Task.FromResult(new Page<LoggedModel>(models, token));
    }

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
                    throw CairnException.NotFound($"Run with id={runId} not found");
                }

                if (reader.GetString(1) != "active")
                {
                    throw CairnException.InvalidParameter($"The run {runId} must be in the 'active' state. Current state is deleted.");
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
        Task.FromResult<IReadOnlyList<ModelOutput>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            using var command = SqliteReads.CreateCommand(connection, transaction, """
                SELECT lm.model_id, o.step FROM run_outputs o JOIN runs r ON r.run_key = o.run_key JOIN logged_models lm ON lm.model_key = o.model_key
                WHERE r.run_uuid = $id ORDER BY lm.model_id
                """);
            command.Parameters.AddWithValue("$id", runId.Value);
            using var reader = command.ExecuteReader();
            var outputs = new List<ModelOutput>();
            while (reader.Read())
            {
                outputs.Add(new ModelOutput(reader.GetString(0), reader.GetInt64(1)));
            }

            return outputs;
        }));

    private static long RequireModel(WriteContext context, string modelId) =>
        context.Command("SELECT model_key FROM logged_models WHERE model_id = $id AND lifecycle_stage = 'active'").Bind("$id", modelId).ExecuteScalar() as long?
        ?? throw CairnException.NotFound($"Logged model with ID '{modelId}' not found.");

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

    private static string Condition(Comparison term, SqlParameters parameters)
    {
        if (term.Entity is FilterEntity.Param or FilterEntity.Tag)
        {
            var table = term.Entity == FilterEntity.Param ? "logged_model_params" : "logged_model_tags";
            return $"EXISTS (SELECT 1 FROM {table} x WHERE x.model_key = lm.model_key AND x.key = {parameters.Add(term.Key)} AND {SqlPatterns.Compare("x.value", term.Op, ((StringValue)term.Value).Value, parameters)})";
        }

        var column = term.Key == "status" ? "(CASE lm.status WHEN 1 THEN 'LOGGED_MODEL_PENDING' WHEN 2 THEN 'LOGGED_MODEL_READY' WHEN 3 THEN 'LOGGED_MODEL_UPLOAD_FAILED' ELSE 'LOGGED_MODEL_STATUS_UNSPECIFIED' END)" : "lm." + term.Key;
        return term.Value switch
        {
            NumberValue number => SqlPatterns.NumberCompare(column, term.Op, number.Value, parameters),
            ListValue list => SqlPatterns.InList(column, term.Op, list.Values, parameters),
            StringValue text => SqlPatterns.Compare(column, term.Op, text.Value, parameters),
            _ => throw new InvalidOperationException("Unknown filter value."),
        };
    }

    private static List<LoggedModel> Load(SqliteConnection connection, SqliteTransaction transaction, string sql, SqlParameters parameters)
    {
        var rows = new List<(long Key, LoggedModel Model)>();
        using (var command = SqliteReads.CreateCommand(connection, transaction, sql))
        {
            parameters.ApplyTo(command);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), new LoggedModel(reader.GetString(1), new ExperimentId(reader.GetInt64(2)), reader.GetString(3),
                    reader.GetNullableString(4), reader.GetNullableString(5), (LoggedModelStatus)reader.GetInt64(6), reader.GetNullableString(7),
                    reader.GetInt64(8), reader.GetInt64(9), reader.GetString(10), reader.GetString(11) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted, [], [])));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var keys = SqliteReads.JsonIdList(rows.Select(r => r.Key));
        var modelParams = ReadPairs(connection, transaction, "logged_model_params", keys);
        var tags = ReadPairs(connection, transaction, "logged_model_tags", keys);
        var metrics = new Dictionary<long, List<ModelMetric>>();
        using (var command = SqliteReads.CreateCommand(connection, transaction, """
            SELECT lm.model_key, lm.model_id, m.key, m.value, m.is_nan, m.timestamp, m.step, m.dataset_name, m.dataset_digest
            FROM logged_model_metrics m JOIN logged_models lm ON lm.model_key = m.model_key
            WHERE m.model_key IN (SELECT value FROM json_each($keys)) ORDER BY m.key, m.step, m.timestamp
            """))
        {
            command.Parameters.AddWithValue("$keys", keys);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = reader.GetInt64(0);
                if (!metrics.TryGetValue(key, out var list))
                {
                    metrics[key] = list = [];
                }

                var metric = new Metric(reader.GetString(2), reader.GetInt64(4) != 0 ? double.NaN : reader.GetDouble(3), reader.GetInt64(5), reader.GetInt64(6));
                list.Add(new ModelMetric(reader.GetString(1), metric, NullIfEmpty(reader.GetString(7)), NullIfEmpty(reader.GetString(8))));
            }
        }

        return rows.Select(r => r.Model with
        {
            Params = modelParams.TryGetValue(r.Key, out var p) ? p : [],
            Tags = tags.TryGetValue(r.Key, out var t) ? t : [],
            Metrics = metrics.TryGetValue(r.Key, out var m) ? m : [],
        }).ToList();
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static Dictionary<long, List<KeyValue>> ReadPairs(SqliteConnection connection, SqliteTransaction transaction, string table, string keys)
    {
        var result = new Dictionary<long, List<KeyValue>>();
        using var command = SqliteReads.CreateCommand(connection, transaction, $"SELECT model_key, key, value FROM {table} WHERE model_key IN (SELECT value FROM json_each($keys)) ORDER BY key");
        command.Parameters.AddWithValue("$keys", keys);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = reader.GetInt64(0);
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.Add(new KeyValue(reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }
}
