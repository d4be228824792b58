using System.Text;
using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
    public Task LogBatchAsync(RunId id, LogBatch batch, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var run = await RequireActiveRunAsync(write, id);

            // Metrics first: their writer takes the run's advisory lock, and taking it before any row lock (a tag that
            // renames the run locks its row) keeps two writers to one run from waiting on each other.
            if (batch.Metrics.Count > 0)
            {
                await PostgresMetricWriter.InsertAsync(write, run.RunKey, run.ExperimentId.Value, batch.Metrics);
            }

            if (batch.Params.Count > 0)
            {
                await InsertParamsAsync(write, run.RunKey, id, batch.Params);
            }

            if (batch.Tags.Count > 0)
            {
                await UpsertTagsAsync(write, run.RunKey, batch.Tags);
            }

            foreach (var modelMetric in batch.ModelMetrics)
            {
                await InsertModelMetricAsync(write, id, modelMetric);
            }

            RecordKeys(write, run.ExperimentId, RunKeys.Of(batch));
        }, cancellationToken);

    /// <summary>Adds keys to the experiment's catalogue (the runs table's column chooser) in one statement, sent with the commit.</summary>
    private static void RecordKeys(PostgresWrite write, ExperimentId experiment, List<(string Kind, string Key)> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        write.Defer("""
            INSERT INTO run_keys (experiment_id, kind, key) SELECT @experiment, k, v FROM unnest(@kinds::text[], @keys::text[]) AS x(k, v)
            ON CONFLICT DO NOTHING
            """, ("experiment", experiment.Value), ("kinds", keys.Select(k => k.Kind).ToArray()), ("keys", keys.Select(k => k.Key).ToArray()));
    }

    public Task DeleteTagAsync(RunId id, string key, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var run = await RequireActiveRunAsync(write, id);
            if (await write.ExecuteAsync("DELETE FROM tags WHERE run_key = @run AND key = @key", ("run", run.RunKey), ("key", key)) == 0)
            {
                throw CairnException.NotFound($"No tag with name: {key} in run with id {id}");
            }
        }, cancellationToken);

    public Task LogInputsAsync(RunId id, IReadOnlyList<DatasetInput> inputs, IReadOnlyList<string> modelIds, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            var run = await RequireActiveRunAsync(write, id);
            foreach (var modelId in modelIds)
            {
                var modelKey = await ActiveLoggedModelKeyAsync(write, modelId);
                await write.ExecuteAsync("INSERT INTO run_model_inputs (run_key, model_key) VALUES (@run, @model) ON CONFLICT DO NOTHING",
                    ("run", run.RunKey), ("model", modelKey));
            }

            foreach (var input in inputs)
            {
                var dataset = input.Dataset;
                var datasetKey = await write.ScalarAsync("""
                    INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES (@experiment, @name, @digest, @type, @source, @schema::text, @profile::text)
                    ON CONFLICT (experiment_id, name, digest) DO NOTHING RETURNING dataset_key
                    """, ("experiment", run.ExperimentId.Value), ("name", dataset.Name), ("digest", dataset.Digest), ("type", dataset.SourceType),
                    ("source", dataset.Source), ("schema", dataset.Schema), ("profile", dataset.Profile))
                    ?? await write.ScalarAsync("SELECT dataset_key FROM datasets WHERE experiment_id = @experiment AND name = @name AND digest = @digest",
                        ("experiment", run.ExperimentId.Value), ("name", dataset.Name), ("digest", dataset.Digest));

                // A run links to a dataset once; the tags of the first link stay.
                var linked = await write.ExecuteAsync("INSERT INTO inputs (run_key, dataset_key) VALUES (@run, @dataset) ON CONFLICT DO NOTHING",
                    ("run", run.RunKey), ("dataset", datasetKey));
                if (linked == 0)
                {
                    continue;
                }

                foreach (var tag in input.Tags)
                {
                    await write.ExecuteAsync("""
                        INSERT INTO input_tags (run_key, dataset_key, key, value) VALUES (@run, @dataset, @key, @value)
                        ON CONFLICT (run_key, dataset_key, key) DO UPDATE SET value = excluded.value
                        """, ("run", run.RunKey), ("dataset", datasetKey), ("key", tag.Key), ("value", tag.Value));
                }
            }
        }, cancellationToken);

    public Task AppendLoggedModelAsync(RunId id, string modelJson, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            // The run row lock serialises concurrent appends, so none is lost.
            var run = await RequireActiveRunAsync(write, id, lockRow: true);
            var current = await write.ScalarAsync("SELECT value FROM tags WHERE run_key = @run AND key = @key",
                ("run", run.RunKey), ("key", WellKnownTags.LoggedModelHistory)) as string;
            var history = new StringBuilder();
            if (current is { Length: > 2 } && current.EndsWith(']'))
            {
                history.Append(current, 0, current.Length - 1).Append(", ").Append(modelJson).Append(']');
            }
            else
            {
                history.Append('[').Append(modelJson).Append(']');
            }

            await UpsertTagsAsync(write, run.RunKey, [new KeyValue(WellKnownTags.LoggedModelHistory, history.ToString())]);
        }, cancellationToken);

    /// <summary>Params are write-once: new keys are inserted, a key already stored must carry the same value.</summary>
    private static async Task InsertParamsAsync(PostgresWrite write, long runKey, RunId id, IReadOnlyList<KeyValue> parameters)
    {
        var keys = parameters.Select(p => p.Key).ToArray();
        await write.ExecuteAsync("""
            INSERT INTO params (run_key, key, value) SELECT @run, k, v FROM unnest(@keys::text[], @values::text[]) AS x(k, v)
            ON CONFLICT DO NOTHING
            """, ("run", runKey), ("keys", keys), ("values", parameters.Select(p => p.Value).ToArray()));
        var stored = (await write.ListAsync("SELECT key, value FROM params WHERE run_key = @run AND key = ANY(@keys)",
            reader => (Key: reader.GetString(0), Value: reader.GetString(1)), ("run", runKey), ("keys", keys))).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var param in parameters)
        {
            var existing = stored[param.Key];
            if (existing != param.Value)
            {
                throw CairnException.InvalidParameter(
                    $"Changing param values is not allowed. Param with key='{param.Key}' was already logged with value='{existing}' "
                    + $"for run ID='{id}'. Attempted logging new value '{param.Value}'.");
            }
        }
    }

    /// <summary>Sets tags (the last value of a key wins); setting <c>mlflow.runName</c> renames the run too.</summary>
    private static async Task UpsertTagsAsync(PostgresWrite write, long runKey, IReadOnlyList<KeyValue> tags)
    {
        var latest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            latest[tag.Key] = tag.Value;
        }

        // Sorted keys keep concurrent writers locking rows in the same order.
        var ordered = latest.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        await write.ExecuteAsync("""
            INSERT INTO tags (run_key, key, value) SELECT @run, k, v FROM unnest(@keys::text[], @values::text[]) AS x(k, v)
            ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value
            """, ("run", runKey), ("keys", ordered.Select(t => t.Key).ToArray()), ("values", ordered.Select(t => t.Value).ToArray()));
        if (latest.TryGetValue(WellKnownTags.RunName, out var name) && name.Length > 0)
        {
            await write.ExecuteAsync("UPDATE runs SET name = @name WHERE run_key = @run", ("name", name), ("run", runKey));
        }
    }

    private static async Task InsertModelMetricAsync(PostgresWrite write, RunId runId, ModelMetric modelMetric)
    {
        var modelKey = await ActiveLoggedModelKeyAsync(write, modelMetric.ModelId);
        var (value, isNan) = StoredMetrics.ToStored(modelMetric.Metric.Value);
        await write.ExecuteAsync("""
            INSERT INTO logged_model_metrics (model_key, key, step, timestamp, value, is_nan, run_id, dataset_name, dataset_digest)
            VALUES (@model, @key, @step, @ts, @value, @nan, @run, @dataset, @digest) ON CONFLICT DO NOTHING
            """, ("model", modelKey), ("key", modelMetric.Metric.Key), ("step", modelMetric.Metric.Step), ("ts", modelMetric.Metric.Timestamp),
            ("value", value), ("nan", isNan), ("run", runId.Value), ("dataset", modelMetric.DatasetName ?? ""), ("digest", modelMetric.DatasetDigest ?? ""));
    }

    private static async Task<long> ActiveLoggedModelKeyAsync(PostgresWrite write, string modelId) =>
        await write.ScalarAsync("SELECT model_key FROM logged_models WHERE model_id = @id AND lifecycle_stage = 'active'", ("id", modelId)) as long?
        ?? throw StoreErrors.LoggedModelNotFound(modelId);
}
