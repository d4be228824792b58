using Cairn.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

/// <summary>Reads run rows and then their params, tags, latest metrics and inputs in one query each.</summary>
internal static class RunReader
{
    public static (long RunKey, RunInfo Info) ReadInfo(SqliteDataReader reader) => (reader.GetInt64(0), new RunInfo(
        new RunId(reader.GetString(1)),
        new ExperimentId(reader.GetInt64(2)),
        reader.GetString(3),
        reader.GetNullableString(4),
        TrackingEnumNames.TryParseRunStatus(reader.GetString(5), out var status) ? status : RunStatus.Running,
        reader.GetNullableInt64(6),
        reader.GetNullableInt64(7),
        reader.GetString(8),
        reader.GetString(9) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted));

    /// <summary>Runs selected by <paramref name="sql"/> (whose first columns are the run columns), with all their data.</summary>
    public static List<Run> Load(SqliteConnection connection, SqliteTransaction transaction, string sql, SqlParameters parameters, int limit)
    {
        var infos = new List<(long RunKey, RunInfo Info)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            command.Transaction = transaction;
            parameters.ApplyTo(command);
            using var reader = command.ExecuteReader();
            while (infos.Count < limit && reader.Read())
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

        var keys = SqliteReads.JsonIdList(infos.Select(r => r.RunKey));
        var metrics = new List<Metric>?[infos.Count];
        var runParams = new List<KeyValue>?[infos.Count];
        var tags = new List<KeyValue>?[infos.Count];
        var inputs = new List<DatasetInput>?[infos.Count];
        var outputs = new List<ModelOutput>?[infos.Count];
        var modelInputs = new List<string>?[infos.Count];

        ReadRows(connection, transaction, keys,
            "SELECT run_key, key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_key IN (SELECT value FROM json_each($keys))",
            reader => (metrics[index[reader.GetInt64(0)]] ??= []).Add(new Metric(
                reader.GetString(1), reader.GetInt64(3) != 0 ? double.NaN : reader.GetDouble(2), reader.GetInt64(4), reader.GetInt64(5))));
        ReadRows(connection, transaction, keys,
            "SELECT run_key, key, value FROM params WHERE run_key IN (SELECT value FROM json_each($keys))",
            reader => (runParams[index[reader.GetInt64(0)]] ??= []).Add(new KeyValue(reader.GetString(1), reader.GetString(2))));
        ReadRows(connection, transaction, keys,
            "SELECT run_key, key, value FROM tags WHERE run_key IN (SELECT value FROM json_each($keys))",
            reader => (tags[index[reader.GetInt64(0)]] ??= []).Add(new KeyValue(reader.GetString(1), reader.GetString(2))));
        LoadInputs(connection, transaction, keys, index, inputs);
        ReadRows(connection, transaction, keys, """
            SELECT o.run_key, lm.model_id, o.step FROM run_outputs o JOIN logged_models lm ON lm.model_key = o.model_key
            WHERE o.run_key IN (SELECT value FROM json_each($keys)) ORDER BY lm.model_id
            """,
            reader => (outputs[index[reader.GetInt64(0)]] ??= []).Add(new ModelOutput(reader.GetString(1), reader.GetInt64(2))));
        ReadRows(connection, transaction, keys, """
            SELECT i.run_key, lm.model_id FROM run_model_inputs i JOIN logged_models lm ON lm.model_key = i.model_key
            WHERE i.run_key IN (SELECT value FROM json_each($keys)) ORDER BY lm.model_id
            """,
            reader => (modelInputs[index[reader.GetInt64(0)]] ??= []).Add(reader.GetString(1)));

        var runs = new List<Run>(infos.Count);
        for (var i = 0; i < infos.Count; i++)
        {
            runs.Add(new Run(infos[i].Info, new RunData(metrics[i] ?? [], runParams[i] ?? [], tags[i] ?? []), inputs[i] ?? [], outputs[i]) { ModelInputs = modelInputs[i] ?? [] });
        }

        return runs;
    }

    private static void LoadInputs(SqliteConnection connection, SqliteTransaction transaction, string keys,
        Dictionary<long, int> index, List<DatasetInput>?[] inputs)
    {
        var inputTags = new Dictionary<(long, long), List<KeyValue>>();
        ReadRows(connection, transaction, keys,
            "SELECT run_key, dataset_key, key, value FROM input_tags WHERE run_key IN (SELECT value FROM json_each($keys))",
            reader =>
            {
                var link = (reader.GetInt64(0), reader.GetInt64(1));
                if (!inputTags.TryGetValue(link, out var list))
                {
                    inputTags[link] = list = [];
                }

                list.Add(new KeyValue(reader.GetString(2), reader.GetString(3)));
            });
        ReadRows(connection, transaction, keys, """
            SELECT i.run_key, d.dataset_key, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM inputs i JOIN datasets d ON d.dataset_key = i.dataset_key
            WHERE i.run_key IN (SELECT value FROM json_each($keys))
            ORDER BY i.run_key, d.dataset_key
            """,
            reader =>
            {
                var runKey = reader.GetInt64(0);
                var dataset = new Dataset(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetNullableString(6), reader.GetNullableString(7));
                var tags = inputTags.TryGetValue((runKey, reader.GetInt64(1)), out var list) ? list : [];
                (inputs[index[runKey]] ??= []).Add(new DatasetInput(dataset, tags));
            });
    }

    private static void ReadRows(SqliteConnection connection, SqliteTransaction transaction, string keys, string sql, Action<SqliteDataReader> row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$keys", keys);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader);
        }
    }
}
