using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Stores a batch of metric points in two statements: one multi-row insert (arrays bound as parameters, unnested by the
/// server) that returns only the points that were new, then one upsert of the per-key latest value and summaries.
/// </summary>
internal static class PostgresMetricWriter
{
    public static async Task InsertAsync(PostgresWrite write, long runKey, IReadOnlyList<Metric> metrics)
    {
        var keys = new string[metrics.Count];
        var steps = new long[metrics.Count];
        var timestamps = new long[metrics.Count];
        var values = new double[metrics.Count];
        var nans = new long[metrics.Count];
        for (var i = 0; i < metrics.Count; i++)
        {
            (values[i], nans[i]) = StoredMetrics.ToStored(metrics[i].Value);
            (keys[i], steps[i], timestamps[i]) = (metrics[i].Key, metrics[i].Step, metrics[i].Timestamp);
        }

        var inserted = await write.ListAsync("""
            INSERT INTO metrics (run_key, key, step, timestamp, value, is_nan)
            SELECT @run, k, s, t, v, n FROM unnest(@keys::text[], @steps::bigint[], @timestamps::bigint[], @values::float8[], @nans::bigint[]) AS x(k, s, t, v, n)
            ON CONFLICT DO NOTHING
            RETURNING key, step, timestamp, value, is_nan
            """, reader => (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4)),
            ("run", runKey), ("keys", keys), ("steps", steps), ("timestamps", timestamps), ("values", values), ("nans", nans));
        if (inserted.Count == 0)
        {
            return;
        }

        // Sorted keys keep concurrent writers to one run locking summary rows in the same order (no deadlocks).
        var summaries = StoredMetrics.Summarise(inserted).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        await write.ExecuteAsync("""
            INSERT INTO latest_metrics AS l (run_key, key, value, is_nan, timestamp, step, min_value, max_value, value_count)
            SELECT @run, k, v, n, t, s, mn, mx, c
            FROM unnest(@keys::text[], @values::float8[], @nans::bigint[], @timestamps::bigint[], @steps::bigint[], @mins::float8[], @maxes::float8[], @counts::bigint[])
                AS x(k, v, n, t, s, mn, mx, c)
            ON CONFLICT (run_key, key) DO UPDATE SET
                value = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (l.step, l.timestamp, l.value) THEN excluded.value ELSE l.value END,
                is_nan = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (l.step, l.timestamp, l.value) THEN excluded.is_nan ELSE l.is_nan END,
                timestamp = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (l.step, l.timestamp, l.value) THEN excluded.timestamp ELSE l.timestamp END,
                step = CASE WHEN (excluded.step, excluded.timestamp, excluded.value) > (l.step, l.timestamp, l.value) THEN excluded.step ELSE l.step END,
                min_value = LEAST(l.min_value, excluded.min_value),
                max_value = GREATEST(l.max_value, excluded.max_value),
                value_count = l.value_count + excluded.value_count
            """,
            ("run", runKey),
            ("keys", summaries.Select(s => s.Key).ToArray()),
            ("values", summaries.Select(s => s.Value.Value).ToArray()),
            ("nans", summaries.Select(s => s.Value.IsNan).ToArray()),
            ("timestamps", summaries.Select(s => s.Value.Timestamp).ToArray()),
            ("steps", summaries.Select(s => s.Value.Step).ToArray()),
            ("mins", summaries.Select(s => s.Value.Min).ToArray()),
            ("maxes", summaries.Select(s => s.Value.Max).ToArray()),
            ("counts", summaries.Select(s => s.Value.Count).ToArray()));
    }
}
