using System.Data.Common;
using System.Globalization;
using Cairn.Core.Tracking;

/// <summary>
/// Before a bench seeds by SQL, the same few runs are written both ways, through the store port into one experiment and
/// by <see cref="BulkRunSeed"/> into another, and every row the store keeps for them is compared (ids aside): runs,
/// params, tags, metric points, latest values and summaries, metric pyramid cells, the key catalogue and the experiment's
/// counters. A difference stops the bench with both rows printed.
/// </summary>
internal static class SeedCheck
{
    private const int Runs = 25;

    /// <summary>Each query reads one table for experiment @e in a fixed order, without the ids that differ by design.</summary>
    private static readonly (string Table, string Query)[] Tables =
    [
        ("runs", """
            SELECT name, user_id, status, start_time, end_time, lifecycle_stage, deleted_time, latest_step, latest_metric_time, length(run_uuid),
                CASE WHEN artifact_uri = 'mlflow-artifacts:/' || experiment_id || '/' || run_uuid || '/artifacts' THEN 'uri ok' ELSE artifact_uri END
            FROM runs WHERE experiment_id = @e ORDER BY name
            """),
        ("params", "SELECT r.name, p.key, p.value FROM params p JOIN runs r ON r.run_key = p.run_key WHERE r.experiment_id = @e ORDER BY 1, 2"),
        ("tags", "SELECT r.name, t.key, t.value FROM tags t JOIN runs r ON r.run_key = t.run_key WHERE r.experiment_id = @e ORDER BY 1, 2"),
        ("metrics", """
            SELECT r.name, m.key, m.step, m.timestamp, m.value, m.is_nan FROM metrics m JOIN runs r ON r.run_key = m.run_key
            WHERE r.experiment_id = @e ORDER BY 1, 2, 3, 4
            """),
        ("latest_metrics", """
            SELECT r.name, l.key, l.value, l.is_nan, l.timestamp, l.step, l.min_value, l.max_value, l.value_count,
                CASE WHEN l.experiment_id = r.experiment_id THEN 'experiment ok' ELSE 'other experiment' END
            FROM latest_metrics l JOIN runs r ON r.run_key = l.run_key WHERE r.experiment_id = @e ORDER BY 1, 2
            """),
        ("metric_buckets", """
            SELECT r.name, b.key, b.shift, b.bucket, b.point_count, b.value_count, b.min_value, b.min_step, b.min_time, b.max_value, b.max_step, b.max_time,
                b.first_value, b.first_step, b.first_time, b.last_value, b.last_step, b.last_time
            FROM metric_buckets b JOIN runs r ON r.run_key = b.run_key WHERE r.experiment_id = @e ORDER BY 1, 2, 3, 4
            """),
        ("run_keys", "SELECT kind, key FROM run_keys WHERE experiment_id = @e ORDER BY 1, 2"),
        ("experiments", "SELECT run_count, last_activity_time FROM experiments WHERE experiment_id = @e"),
    ];

    public static async Task RunAsync(ITrackingStore store, DbConnection connection, bool postgres)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var throughStore = await store.CreateExperimentAsync($"bench-ui-check-store-{suffix}", null, [], CancellationToken.None);
        var bySql = await store.CreateExperimentAsync($"bench-ui-check-sql-{suffix}", null, [], CancellationToken.None);
        await BenchRuns.LogAsync(store, throughStore, 0, Runs);
        await new BulkRunSeed(connection, postgres).SeedAsync(bySql, 0, Runs);

        var compared = 0;
        foreach (var (table, query) in Tables)
        {
            var expected = await ReadAsync(connection, query, throughStore);
            var actual = await ReadAsync(connection, query, bySql);
            var difference = Enumerable.Range(0, Math.Max(expected.Count, actual.Count))
                .FirstOrDefault(i => i >= expected.Count || i >= actual.Count || expected[i] != actual[i], -1);
            if (difference >= 0 || expected.Count == 0)
            {
                throw new InvalidOperationException($"The SQL seed differs from the store in {table} ({expected.Count} rows through the store, {actual.Count} by SQL); "
                    + $"first difference:\n  store: {expected.ElementAtOrDefault(difference)}\n  SQL:   {actual.ElementAtOrDefault(difference)}");
            }

            compared += expected.Count;
        }

        Console.WriteLine($"seed check: {Runs} runs through the store and by SQL agree in {compared:N0} rows over {Tables.Length} tables");
    }

    private static async Task<List<string>> ReadAsync(DbConnection connection, string query, ExperimentId experiment)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = query;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "e";
        parameter.Value = experiment.Value;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader.GetValue(i)))));
        }

        return rows;
    }

    /// <summary>Numbers by value (SQLite and PostgreSQL hand integers back as different types), doubles to the last bit.</summary>
    private static string Text(object value) => value switch
    {
        DBNull => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        IConvertible c when value is long or int or short or decimal => Convert.ToInt64(c, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
