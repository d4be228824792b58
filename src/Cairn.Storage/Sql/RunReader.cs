using System.Data.Common;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>Reads run rows and then their params, tags, latest metrics and inputs in one query each.</summary>
internal static class RunReader
{
    public const string RunColumns =
        "r.run_key, r.run_uuid, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage, r.latest_step, r.latest_metric_time";

    public static (long RunKey, RunInfo Info) ReadInfo(DbDataReader reader) => (reader.GetInt64(0), new RunInfo(
        new RunId(reader.GetString(1)),
        new ExperimentId(reader.GetInt64(2)),
        reader.GetString(3),
        reader.GetNullableString(4),
        TrackingEnumNames.TryParseRunStatus(reader.GetString(5), out var status) ? status : RunStatus.Running,
        reader.GetNullableInt64(6),
        reader.GetNullableInt64(7),
        reader.GetString(8),
        reader.GetString(9) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted)
    {
        LatestStep = reader.GetNullableInt64(10),
        LatestMetricTime = reader.GetNullableInt64(11),
    });

    /// <summary>Runs selected by <paramref name="sql"/> (whose first columns are the run columns), with the data <paramref name="parts"/> names.</summary>
    public static async Task<List<Run>> LoadAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string sql,
        SqlParameters parameters, int limit, CancellationToken cancellationToken, RunParts parts = RunParts.All)
    {
        var infos = new List<(long RunKey, RunInfo Info)>();
        await using (var command = SqlReads.Command(connection, transaction, sql, parameters))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (infos.Count < limit && await reader.ReadAsync(cancellationToken))
            {
                infos.Add(ReadInfo(reader));
            }
        }

        if (infos.Count == 0)
        {
            return [];
        }

        var index = new Dictionary<long, int>(infos.Count);
        for (var i = 0; i < infos.Count; i++)
        {
            index[infos[i].RunKey] = i;
        }

        var keys = infos.Select(r => r.RunKey).ToList();
        var metrics = new List<Metric>?[infos.Count];
        var runParams = new List<KeyValue>?[infos.Count];
        var tags = new List<KeyValue>?[infos.Count];
        var inputs = new List<DatasetInput>?[infos.Count];
        var outputs = new List<ModelOutput>?[infos.Count];
        var modelInputs = new List<string>?[infos.Count];
        Task ReadRows(string select, string keyColumn, string orderBy, Action<DbDataReader> row) =>
            ForEachRowAsync(connection, transaction, dialect, select, keyColumn, keys, orderBy, row, cancellationToken);

        if (parts.HasFlag(RunParts.Metrics))
        {
            await ReadRows("SELECT run_key, key, value, is_nan, timestamp, step FROM latest_metrics", "run_key", "run_key, key",
                reader => (metrics[index[reader.GetInt64(0)]] ??= []).Add(new Metric(
                    reader.GetString(1), StoredMetrics.FromStored(reader.GetDouble(2), reader.GetInt64(3)), reader.GetInt64(4), reader.GetInt64(5))));
        }

        if (parts.HasFlag(RunParts.Params))
        {
            await ReadRows("SELECT run_key, key, value FROM params", "run_key", "run_key, key",
                reader => (runParams[index[reader.GetInt64(0)]] ??= []).Add(new KeyValue(reader.GetString(1), reader.GetString(2))));
        }

        if (parts.HasFlag(RunParts.Tags))
        {
            await ReadRows("SELECT run_key, key, value FROM tags", "run_key", "run_key, key",
                reader => (tags[index[reader.GetInt64(0)]] ??= []).Add(new KeyValue(reader.GetString(1), reader.GetString(2))));
        }

        if (parts.HasFlag(RunParts.Inputs))
        {
            await LoadInputsAsync(connection, transaction, dialect, keys, index, inputs, cancellationToken);
        }

        if (parts.HasFlag(RunParts.Models))
        {
            await ReadRows("SELECT o.run_key, lm.model_id, o.step FROM run_outputs o JOIN logged_models lm ON lm.model_key = o.model_key", "o.run_key", "lm.model_id",
                reader => (outputs[index[reader.GetInt64(0)]] ??= []).Add(new ModelOutput(reader.GetString(1), reader.GetInt64(2))));
            await ReadRows("SELECT i.run_key, lm.model_id FROM run_model_inputs i JOIN logged_models lm ON lm.model_key = i.model_key", "i.run_key", "lm.model_id",
                reader => (modelInputs[index[reader.GetInt64(0)]] ??= []).Add(reader.GetString(1)));
        }

        var runs = new List<Run>(infos.Count);
        for (var i = 0; i < infos.Count; i++)
        {
            runs.Add(new Run(infos[i].Info, new RunData(metrics[i] ?? [], runParams[i] ?? [], tags[i] ?? []), inputs[i] ?? [], outputs[i]) { ModelInputs = modelInputs[i] ?? [] });
        }

        return runs;
    }

    private static async Task LoadInputsAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, List<long> keys,
        Dictionary<long, int> index, List<DatasetInput>?[] inputs, CancellationToken cancellationToken)
    {
        var inputTags = new Dictionary<(long, long), List<KeyValue>>();
        await ForEachRowAsync(connection, transaction, dialect, "SELECT run_key, dataset_key, key, value FROM input_tags", "run_key", keys, "run_key, dataset_key, key",
            reader => inputTags.AddTo((reader.GetInt64(0), reader.GetInt64(1)), new KeyValue(reader.GetString(2), reader.GetString(3))),
            cancellationToken);
        await ForEachRowAsync(connection, transaction, dialect, """
            SELECT i.run_key, d.dataset_key, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM inputs i JOIN datasets d ON d.dataset_key = i.dataset_key
            """, "i.run_key", keys, "i.run_key, d.dataset_key",
            reader =>
            {
                var runKey = reader.GetInt64(0);
                var dataset = new Dataset(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetNullableString(6), reader.GetNullableString(7));
                var tags = inputTags.TryGetValue((runKey, reader.GetInt64(1)), out var list) ? list : [];
                (inputs[index[runKey]] ??= []).Add(new DatasetInput(dataset, tags));
            }, cancellationToken);
    }

    /// <summary>Rows of <paramref name="select"/> whose <paramref name="keyColumn"/> is one of <paramref name="keys"/>.</summary>
    public static async Task ForEachRowAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string select, string keyColumn,
        IEnumerable<long> keys, string orderBy, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var sql = $"{select} WHERE {dialect.InIds(keyColumn, keys, parameters)}" + (orderBy.Length > 0 ? $" ORDER BY {orderBy}" : "");
        await using var command = SqlReads.Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }
}
