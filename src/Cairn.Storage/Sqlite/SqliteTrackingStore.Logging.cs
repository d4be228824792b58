using System.Text;
using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    public Task LogBatchAsync(RunId id, LogBatch batch, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var run = RequireActiveRun(context, id);
            foreach (var param in batch.Params)
            {
                InsertParam(context, run.RunKey, id, param);
            }

            foreach (var tag in batch.Tags)
            {
                UpsertTag(context, run.RunKey, tag);
            }

            if (batch.Metrics.Count > 0)
            {
                InsertMetrics(context, run.RunKey, run.ExperimentId, batch.Metrics);
            }

            foreach (var modelMetric in batch.ModelMetrics)
            {
                InsertModelMetric(context, id, modelMetric);
            }

            RecordKeys(context, run.ExperimentId, RunKeys.Of(batch));
        }, cancellationToken);

    /// <summary>Adds keys to the experiment's catalogue (the runs table's column chooser).</summary>
    private static void RecordKeys(WriteContext context, ExperimentId experiment, List<(string Kind, string Key)> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var insert = context.Command("INSERT OR IGNORE INTO run_keys (experiment_id, kind, key) VALUES ($experiment, $kind, $key)")
            .Bind("$experiment", experiment.Value);
        foreach (var (kind, key) in keys)
        {
            insert.Bind("$kind", kind).Bind("$key", key).ExecuteNonQuery();
        }
    }

    public Task DeleteTagAsync(RunId id, string key, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var run = RequireActiveRun(context, id);
            var deleted = context.Command("DELETE FROM tags WHERE run_key = $run AND key = $key")
                .Bind("$run", run.RunKey).Bind("$key", key).ExecuteNonQuery();
            if (deleted == 0)
            {
                throw CairnException.NotFound($"No tag with name: {key} in run with id {id}");
            }
        }, cancellationToken);

    public Task LogInputsAsync(RunId id, IReadOnlyList<DatasetInput> inputs, IReadOnlyList<string> modelIds, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var run = RequireActiveRun(context, id);
            foreach (var modelId in modelIds)
            {
                var modelKey = context.Command("SELECT model_key FROM logged_models WHERE model_id = $id AND lifecycle_stage = 'active'")
                    .Bind("$id", modelId).ExecuteScalar() as long?
                    ?? throw StoreErrors.LoggedModelNotFound(modelId);
                context.Command("INSERT OR IGNORE INTO run_model_inputs (run_key, model_key) VALUES ($run, $model)")
                    .Bind("$run", run.RunKey).Bind("$model", modelKey).ExecuteNonQuery();
            }

            foreach (var input in inputs)
            {
                var dataset = input.Dataset;
                var datasetKey = context.Command("SELECT dataset_key FROM datasets WHERE experiment_id = $experiment AND name = $name AND digest = $digest")
                    .Bind("$experiment", run.ExperimentId.Value).Bind("$name", dataset.Name).Bind("$digest", dataset.Digest).ExecuteScalar() as long?;
                datasetKey ??= (long)context.Command("""
                    INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES ($experiment, $name, $digest, $type, $source, $schema, $profile) RETURNING dataset_key
                    """).Bind("$experiment", run.ExperimentId.Value).Bind("$name", dataset.Name).Bind("$digest", dataset.Digest)
                    .Bind("$type", dataset.SourceType).Bind("$source", dataset.Source).Bind("$schema", dataset.Schema)
                    .Bind("$profile", dataset.Profile).ExecuteScalar()!;

                // A run links to a dataset once; the tags of the first link stay.
                var linked = context.Command("INSERT OR IGNORE INTO inputs (run_key, dataset_key) VALUES ($run, $dataset)")
                    .Bind("$run", run.RunKey).Bind("$dataset", datasetKey).ExecuteNonQuery();
                if (linked == 0)
                {
                    continue;
                }

                foreach (var tag in input.Tags)
                {
                    context.Command("""
                        INSERT INTO input_tags (run_key, dataset_key, key, value) VALUES ($run, $dataset, $key, $value)
                        ON CONFLICT (run_key, dataset_key, key) DO UPDATE SET value = excluded.value
                        """).Bind("$run", run.RunKey).Bind("$dataset", datasetKey).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();
                }
            }
        }, cancellationToken);

    public Task AppendLoggedModelAsync(RunId id, string modelJson, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var run = RequireActiveRun(context, id);
            var current = context.Command("SELECT value FROM tags WHERE run_key = $run AND key = $key")
                .Bind("$run", run.RunKey).Bind("$key", WellKnownTags.LoggedModelHistory).ExecuteScalar() as string;
            var history = new StringBuilder();
            if (current is { Length: > 2 } && current.EndsWith(']'))
            {
                history.Append(current, 0, current.Length - 1).Append(", ").Append(modelJson).Append(']');
            }
            else
            {
                history.Append('[').Append(modelJson).Append(']');
            }

            UpsertTag(context, run.RunKey, new KeyValue(WellKnownTags.LoggedModelHistory, history.ToString()));
        }, cancellationToken);

    private static void InsertParam(WriteContext context, long runKey, RunId id, KeyValue param)
    {
        var inserted = context.Command("INSERT OR IGNORE INTO params (run_key, key, value) VALUES ($run, $key, $value)")
            .Bind("$run", runKey).Bind("$key", param.Key).Bind("$value", param.Value).ExecuteNonQuery();
        if (inserted > 0)
        {
            return;
        }

        var existing = (string)context.Command("SELECT value FROM params WHERE run_key = $run AND key = $key")
            .Bind("$run", runKey).Bind("$key", param.Key).ExecuteScalar()!;
        if (existing != param.Value)
        {
            throw CairnException.InvalidParameter(
                $"Changing param values is not allowed. Param with key='{param.Key}' was already logged with value='{existing}' "
                + $"for run ID='{id}'. Attempted logging new value '{param.Value}'.");
        }
    }

    private static void InsertModelMetric(WriteContext context, RunId runId, ModelMetric modelMetric)
    {
        var modelKey = context.Command("SELECT model_key FROM logged_models WHERE model_id = $id AND lifecycle_stage = 'active'")
            .Bind("$id", modelMetric.ModelId).ExecuteScalar() as long?
            ?? throw StoreErrors.LoggedModelNotFound(modelMetric.ModelId);
        var (value, isNan) = StoredMetrics.ToStored(modelMetric.Metric.Value);
        context.Command("""
            INSERT OR IGNORE INTO logged_model_metrics (model_key, key, step, timestamp, value, is_nan, run_id, dataset_name, dataset_digest)
            VALUES ($model, $key, $step, $ts, $value, $nan, $run, $dataset, $digest)
            """).Bind("$model", modelKey).Bind("$key", modelMetric.Metric.Key).Bind("$step", modelMetric.Metric.Step)
            .Bind("$ts", modelMetric.Metric.Timestamp).Bind("$value", value).Bind("$nan", isNan).Bind("$run", runId.Value)
            .Bind("$dataset", modelMetric.DatasetName ?? "").Bind("$digest", modelMetric.DatasetDigest ?? "").ExecuteNonQuery();
    }

    private static void UpsertTag(WriteContext context, long runKey, KeyValue tag)
    {
        context.Command("""
            INSERT INTO tags (run_key, key, value) VALUES ($run, $key, $value)
            ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value
            """).Bind("$run", runKey).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();

        // The run name lives in the run row and in this tag; setting the tag renames the run.
        if (tag.Key == WellKnownTags.RunName && tag.Value.Length > 0)
        {
            context.Command("UPDATE runs SET name = $name WHERE run_key = $run").Bind("$name", tag.Value).Bind("$run", runKey).ExecuteNonQuery();
        }
    }

    /// <summary>Inserts new points and folds them into the per-key latest value and summaries with one upsert per key.</summary>
    private static void InsertMetrics(WriteContext context, long runKey, ExperimentId experimentId, IReadOnlyList<Metric> metrics)
    {
        var insert = context.Command("INSERT OR IGNORE INTO metrics (run_key, key, step, timestamp, value, is_nan) VALUES ($run, $key, $step, $ts, $value, $nan)");
        insert.Bind("$run", runKey);
        var summaries = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
        var inserted = new List<(string, long, long, double, bool)>(metrics.Count);
        foreach (var metric in metrics)
        {
            var (value, isNan) = StoredMetrics.ToStored(metric.Value);
            insert.Bind("$key", metric.Key).Bind("$step", metric.Step).Bind("$ts", metric.Timestamp).Bind("$value", value).Bind("$nan", isNan);
            if (insert.ExecuteNonQuery() == 0)
            {
                continue;
            }

            inserted.Add((metric.Key, metric.Step, metric.Timestamp, value, isNan != 0));

            if (summaries.TryGetValue(metric.Key, out var summary))
            {
                summary.Add(metric.Step, metric.Timestamp, value, isNan);
            }
            else
            {
                summaries[metric.Key] = new MetricSummary(metric.Step, metric.Timestamp, value, isNan);
            }
        }

        var upsert = context.Command("""
            INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, min_value, max_value, value_count, experiment_id)
            VALUES ($run, $key, $value, $nan, $ts, $step, $min, $max, $count, $experiment)
            ON CONFLICT (run_key, key) DO UPDATE SET
                value = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.value ELSE value END,
                is_nan = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.is_nan ELSE is_nan END,
                timestamp = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.timestamp ELSE timestamp END,
                step = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value) THEN excluded.step ELSE step END,
                min_value = COALESCE(min(min_value, excluded.min_value), min_value, excluded.min_value),
                max_value = COALESCE(max(max_value, excluded.max_value), max_value, excluded.max_value),
                value_count = value_count + excluded.value_count
            """);
        upsert.Bind("$run", runKey).Bind("$experiment", experimentId.Value);
        foreach (var (key, s) in summaries)
        {
            upsert.Bind("$key", key).Bind("$value", s.Value).Bind("$nan", s.IsNan).Bind("$ts", s.Timestamp).Bind("$step", s.Step)
                .Bind("$min", s.Min).Bind("$max", s.Max).Bind("$count", s.Count).ExecuteNonQuery();
        }

        if (summaries.Count == 0)
        {
            return;
        }

        UpsertPyramid(context, runKey, MetricPyramid.Fold(inserted));

        // The run's and the experiment's activity, for lists that must not scan metrics.
        var latestStep = summaries.Values.Max(s => s.Step);
        var latestTime = summaries.Values.Max(s => s.MaxTimestamp);
        context.Command("""
            UPDATE runs SET latest_step = MAX(COALESCE(latest_step, $step), $step), latest_metric_time = MAX(COALESCE(latest_metric_time, $ts), $ts)
            WHERE run_key = $run
            """).Bind("$step", latestStep).Bind("$ts", latestTime).Bind("$run", runKey).ExecuteNonQuery();
        context.Command("""
            UPDATE experiments SET last_activity_time = $ts
            WHERE experiment_id = $experiment AND (last_activity_time IS NULL OR last_activity_time < $ts)
            """).Bind("$ts", latestTime).Bind("$experiment", experimentId.Value).ExecuteNonQuery();
    }

    /// <summary>Folds the inserted points into the metric's write-time pyramid (the downsampled charts read it).</summary>
    private static void UpsertPyramid(WriteContext context, long runKey, List<MetricStepBucket> cells)
    {
        var upsert = context.Command($"""
            INSERT INTO metric_buckets ({MetricBucketSql.Columns})
            VALUES ($run, $key, $shift, $bucket, $points, $values, $min, $minStep, $minTime, $max, $maxStep, $maxTime,
                $first, $firstStep, $firstTime, $last, $lastStep, $lastTime)
            {MetricBucketSql.OnConflict("")}
            """).Bind("$run", runKey);
        foreach (var cell in cells)
        {
            upsert.Bind("$key", cell.Key).Bind("$shift", cell.Shift).Bind("$bucket", cell.Bucket)
                .Bind("$points", cell.PointCount).Bind("$values", cell.ValueCount)
                .Bind("$min", cell.Min?.Value).Bind("$minStep", cell.Min?.Step).Bind("$minTime", cell.Min?.Timestamp)
                .Bind("$max", cell.Max?.Value).Bind("$maxStep", cell.Max?.Step).Bind("$maxTime", cell.Max?.Timestamp)
                .Bind("$first", cell.First?.Value).Bind("$firstStep", cell.First?.Step).Bind("$firstTime", cell.First?.Timestamp)
                .Bind("$last", cell.Last?.Value).Bind("$lastStep", cell.Last?.Step).Bind("$lastTime", cell.Last?.Timestamp)
                .ExecuteNonQuery();
        }
    }
}
