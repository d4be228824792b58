using Cairn.Core.Tracking;
using Cairn.Storage.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Stores a batch of metric points, then upserts the per-key latest value and summaries in one statement.
/// Points are first sent by binary COPY, the fastest way into PostgreSQL; COPY cannot skip rows that exist, so when
/// any point is already stored (a retried batch, or another replica writing the same point) the COPY is rolled back
/// to its savepoint and the batch goes through a multi-row insert that skips and reports duplicates instead.
/// </summary>
internal static class PostgresMetricWriter
{
    /// <summary>How many rows an experiment's metric activity is spread over (see migration 0007).</summary>
    private const long ActivityShards = 64;

    private const string Copy = "COPY metrics (run_key, key, step, timestamp, value, is_nan) FROM STDIN (FORMAT BINARY)";

    public static async Task InsertAsync(PostgresWrite write, long runKey, long experimentId, IReadOnlyList<Metric> metrics)
    {
        // Points repeated inside the batch are one row, as the primary key would make them. In primary-key order, the
        // COPY's index inserts land next to each other instead of jumping between the keys of every step.
        var points = new List<StoredPoint>(metrics.Count);
        var seen = new HashSet<StoredPoint>(metrics.Count);
        foreach (var metric in metrics)
        {
            var (value, isNan) = StoredMetrics.ToStored(metric.Value);
            var point = new StoredPoint(metric.Key, metric.Step, metric.Timestamp, value, isNan);
            if (seen.Add(point))
            {
                points.Add(point);
            }
        }

        points.Sort(StoredPoint.KeyOrder);

        var inserted = await write.TryInSavepointAsync(PostgresErrorCodes.UniqueViolation, () => CopyAsync(write, runKey, points))
            ? points
            : await InsertNewAsync(write, runKey, points);
        if (inserted.Count > 0)
        {
            // Nothing in the write reads these back: they go to the server together, just before the commit.
            DeferPyramid(write, runKey, inserted);
            DeferSummaries(write, runKey, experimentId, inserted);
        }
    }

    private static async Task CopyAsync(PostgresWrite write, long runKey, List<StoredPoint> points)
    {
        var cancel = write.CancellationToken;
        await write.FlushAsync();
        await using var importer = await write.Connection.BeginBinaryImportAsync(Copy, cancel);
        foreach (var point in points)
        {
            await importer.StartRowAsync(cancel);
            await importer.WriteAsync(runKey, NpgsqlDbType.Bigint, cancel);
            await importer.WriteAsync(point.Key, NpgsqlDbType.Text, cancel);
            await importer.WriteAsync(point.Step, NpgsqlDbType.Bigint, cancel);
            await importer.WriteAsync(point.Timestamp, NpgsqlDbType.Bigint, cancel);
            await importer.WriteAsync(point.Value, NpgsqlDbType.Double, cancel);
            await importer.WriteAsync(point.IsNan, NpgsqlDbType.Bigint, cancel);
        }

        await importer.CompleteAsync(cancel);
    }

    /// <summary>Inserts the points not stored yet (arrays unnested by the server) and returns those.</summary>
    private static async Task<List<StoredPoint>> InsertNewAsync(PostgresWrite write, long runKey, List<StoredPoint> points) =>
        await write.ListAsync("""
            INSERT INTO metrics (run_key, key, step, timestamp, value, is_nan)
            SELECT @run, k, s, t, v, n FROM unnest(@keys::text[], @steps::bigint[], @timestamps::bigint[], @values::float8[], @nans::bigint[]) AS x(k, s, t, v, n)
            ON CONFLICT DO NOTHING
            RETURNING key, step, timestamp, value, is_nan
            """, reader => new StoredPoint(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4)),
            ("run", runKey), ("keys", points.Select(p => p.Key).ToArray()), ("steps", points.Select(p => p.Step).ToArray()),
            ("timestamps", points.Select(p => p.Timestamp).ToArray()), ("values", points.Select(p => p.Value).ToArray()),
            ("nans", points.Select(p => p.IsNan).ToArray()));

    private static void DeferSummaries(PostgresWrite write, long runKey, long experimentId, List<StoredPoint> inserted)
    {
        // Sorted keys keep concurrent writers to one run locking summary rows in the same order (no deadlocks).
        var summaries = StoredMetrics.Summarise(inserted.Select(p => (p.Key, p.Step, p.Timestamp, p.Value, p.IsNan)))
            .OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        write.Defer("""
            INSERT INTO latest_metrics AS l (run_key, key, value, is_nan, timestamp, step, min_value, max_value, value_count, experiment_id)
            SELECT @run, k, v, n, t, s, mn, mx, c, @experiment
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
            ("experiment", experimentId),
            ("keys", summaries.Select(s => s.Key).ToArray()),
            ("values", summaries.Select(s => s.Value.Value).ToArray()),
            ("nans", summaries.Select(s => s.Value.IsNan).ToArray()),
            ("timestamps", summaries.Select(s => s.Value.Timestamp).ToArray()),
            ("steps", summaries.Select(s => s.Value.Step).ToArray()),
            ("mins", summaries.Select(s => s.Value.Min).ToArray()),
            ("maxes", summaries.Select(s => s.Value.Max).ToArray()),
            ("counts", summaries.Select(s => s.Value.Count).ToArray()));

        // The run's and the experiment's activity, for lists that must not scan metrics. The experiment's goes to one
        // of its activity shards (run_key % 64), not to its row: that row would be locked by every batch into the
        // experiment until its commit, queueing concurrent writers to other runs behind each commit's WAL flush.
        var maxTimestamp = summaries.Max(s => s.Value.MaxTimestamp);
        write.Defer("UPDATE runs SET latest_step = GREATEST(latest_step, @step), latest_metric_time = GREATEST(latest_metric_time, @ts) WHERE run_key = @run",
            ("step", summaries.Max(s => s.Value.Step)), ("ts", maxTimestamp), ("run", runKey));
        write.Defer("""
            INSERT INTO experiment_activity AS a (experiment_id, shard, time) VALUES (@experiment, @shard, @ts)
            ON CONFLICT (experiment_id, shard) DO UPDATE SET time = excluded.time WHERE a.time < excluded.time
            """, ("experiment", experimentId), ("shard", runKey % ActivityShards), ("ts", maxTimestamp));
    }

    /// <summary>
    /// Folds the inserted points into the metric's write-time pyramid in one statement. Cells come sorted by key, level
    /// and bucket, so concurrent writers to one run lock them in the same order.
    /// </summary>
    private static void DeferPyramid(PostgresWrite write, long runKey, List<StoredPoint> inserted)
    {
        var cells = MetricPyramid.Fold(inserted.Select(p => (p.Key, p.Step, p.Timestamp, p.Value, p.IsNan != 0)));
        write.Defer($"""
            INSERT INTO metric_buckets AS b ({MetricBucketSql.Columns})
            SELECT @run, k, sh, bu, pc, vc, mn, mns, mnt, mx, mxs, mxt, fv, fs, ft, lv, ls, lt
            FROM unnest(@keys::text[], @shifts::int[], @buckets::bigint[], @points::bigint[], @values::bigint[],
                @mins::float8[], @minSteps::bigint[], @minTimes::bigint[], @maxes::float8[], @maxSteps::bigint[], @maxTimes::bigint[],
                @firsts::float8[], @firstSteps::bigint[], @firstTimes::bigint[], @lasts::float8[], @lastSteps::bigint[], @lastTimes::bigint[])
                AS x(k, sh, bu, pc, vc, mn, mns, mnt, mx, mxs, mxt, fv, fs, ft, lv, ls, lt)
            {MetricBucketSql.OnConflict("b.")}
            """,
            ("run", runKey),
            ("keys", cells.Select(c => c.Key).ToArray()),
            ("shifts", cells.Select(c => c.Shift).ToArray()),
            ("buckets", cells.Select(c => c.Bucket).ToArray()),
            ("points", cells.Select(c => c.PointCount).ToArray()),
            ("values", cells.Select(c => c.ValueCount).ToArray()),
            ("mins", cells.Select(c => c.Min?.Value).ToArray()),
            ("minSteps", cells.Select(c => c.Min?.Step).ToArray()),
            ("minTimes", cells.Select(c => c.Min?.Timestamp).ToArray()),
            ("maxes", cells.Select(c => c.Max?.Value).ToArray()),
            ("maxSteps", cells.Select(c => c.Max?.Step).ToArray()),
            ("maxTimes", cells.Select(c => c.Max?.Timestamp).ToArray()),
            ("firsts", cells.Select(c => c.First?.Value).ToArray()),
            ("firstSteps", cells.Select(c => c.First?.Step).ToArray()),
            ("firstTimes", cells.Select(c => c.First?.Timestamp).ToArray()),
            ("lasts", cells.Select(c => c.Last?.Value).ToArray()),
            ("lastSteps", cells.Select(c => c.Last?.Step).ToArray()),
            ("lastTimes", cells.Select(c => c.Last?.Timestamp).ToArray()));
    }

    /// <summary>A point as the metrics table holds it (NaN as value 0 with <c>is_nan = 1</c>).</summary>
    private readonly record struct StoredPoint(string Key, long Step, long Timestamp, double Value, long IsNan)
    {
        /// <summary>The primary key's order after the run (keys bytewise as the "C" collation, close enough for locality).</summary>
        public static readonly Comparison<StoredPoint> KeyOrder = (a, b) =>
        {
            var order = string.CompareOrdinal(a.Key, b.Key);
            return order != 0 ? order : a.Step != b.Step ? a.Step.CompareTo(b.Step) : a.Timestamp.CompareTo(b.Timestamp);
        };
    }
}
