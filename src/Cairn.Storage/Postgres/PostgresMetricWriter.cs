using Cairn.Core.Tracking;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Stores a batch of metric points as packed blocks (migration 0008), one row per key of at most
/// <see cref="MaxBlockPoints"/> points, then upserts the per-key latest value, summaries and pyramid in one round trip.
/// A point already stored (a retried batch, or another replica writing the same point) is skipped and not counted
/// again: writers to one run hold a transaction advisory lock on it, read the stored blocks whose (step, timestamp)
/// range overlaps the batch's (usually none, one index probe per key) and drop the points those hold.
/// </summary>
internal static class PostgresMetricWriter
{
    /// <summary>How many rows an experiment's metric activity is spread over (see migration 0007).</summary>
    private const long ActivityShards = 64;

    /// <summary>About 6 KB of arrays, under the table's toast_tuple_target: a block stays in its row, uncompressed.</summary>
    public const int MaxBlockPoints = 256;

    /// <summary>The class id of metric writers' advisory locks (two-key form), apart from any other advisory lock.</summary>
    private const int RunLockClass = 0x436D_6574;

    public static async Task InsertAsync(PostgresWrite write, long runKey, long experimentId, IReadOnlyList<Metric> metrics)
    {
        var byKey = PointsByKey(metrics);
        var stored = await LockAndReadOverlapsAsync(write, runKey, byKey);
        var inserted = new List<StoredPoint>(metrics.Count);
        foreach (var points in byKey.Values)
        {
            inserted.AddRange(stored.Count == 0 ? points : points.Where(p => !stored.Contains(p)));
        }

        if (inserted.Count > 0)
        {
            // Nothing in the write reads these back: they go to the server together, just before the commit.
            DeferBlocks(write, runKey, inserted);
            DeferPyramid(write, runKey, inserted);
            DeferSummaries(write, runKey, experimentId, inserted);
        }
    }

    /// <summary>
    /// The batch's distinct points per key, keys in ordinal order and points in (step, timestamp, value) order, as
    /// blocks hold them. Points repeated inside the batch are one point, as the old primary key made them.
    /// </summary>
    private static SortedDictionary<string, List<StoredPoint>> PointsByKey(IReadOnlyList<Metric> metrics)
    {
        var byKey = new SortedDictionary<string, List<StoredPoint>>(StringComparer.Ordinal);
        var seen = new HashSet<StoredPoint>(metrics.Count);
        foreach (var metric in metrics)
        {
            var (value, isNan) = StoredMetrics.ToStored(metric.Value);
            var point = new StoredPoint(metric.Key, metric.Step, metric.Timestamp, value, isNan);
            if (!seen.Add(point))
            {
                continue;
            }

            if (!byKey.TryGetValue(metric.Key, out var points))
            {
                byKey.Add(metric.Key, points = []);
            }

            points.Add(point);
        }

        foreach (var points in byKey.Values)
        {
            points.Sort(StoredPoint.BlockOrder);
        }

        return byKey;
    }

    /// <summary>
    /// Takes the run's write lock, then reads the stored points of every block whose (step, timestamp) range overlaps
    /// the batch's range for its key. Only those can hold a duplicate; an appending writer finds none.
    /// </summary>
    private static async Task<HashSet<StoredPoint>> LockAndReadOverlapsAsync(PostgresWrite write, long runKey,
        SortedDictionary<string, List<StoredPoint>> byKey)
    {
        var ranges = byKey.Select(k => (k.Key, First: k.Value[0], Last: k.Value[^1])).ToList();
        var blocks = await write.ListAfterAsync(
            ("SELECT pg_advisory_xact_lock(@class, @run)", [("class", RunLockClass), ("run", unchecked((int)runKey))]),
            """
            SELECT b.key, b.point_steps, b.point_times, b.point_values
            FROM unnest(@keys::text[], @firstSteps::bigint[], @firstTimes::bigint[], @lastSteps::bigint[], @lastTimes::bigint[]) AS x(k, fs, ft, ls, lt)
            JOIN metric_blocks b ON b.run_key = @run AND b.key = x.k
                AND (b.last_step, b.last_time) >= (x.fs, x.ft) AND (b.first_step, b.first_time) <= (x.ls, x.lt)
            """,
            reader => (Key: reader.GetString(0), Steps: reader.GetFieldValue<long[]>(1), Times: reader.GetFieldValue<long[]>(2),
                Values: reader.GetFieldValue<double[]>(3)),
            ("run", runKey), ("keys", ranges.Select(r => r.Key).ToArray()),
            ("firstSteps", ranges.Select(r => r.First.Step).ToArray()), ("firstTimes", ranges.Select(r => r.First.Timestamp).ToArray()),
            ("lastSteps", ranges.Select(r => r.Last.Step).ToArray()), ("lastTimes", ranges.Select(r => r.Last.Timestamp).ToArray()));
        var stored = new HashSet<StoredPoint>();
        foreach (var block in blocks)
        {
            for (var i = 0; i < block.Steps.Length; i++)
            {
                var (value, isNan) = StoredMetrics.ToStored(block.Values[i]);
                stored.Add(new StoredPoint(block.Key, block.Steps[i], block.Times[i], value, isNan));
            }
        }

        return stored;
    }

    /// <summary>
    /// Inserts the new points as blocks in one statement: the points travel as three flat arrays and each block is a
    /// slice of them (offset and count), cut where the key changes or the block is full.
    /// </summary>
    private static void DeferBlocks(PostgresWrite write, long runKey, List<StoredPoint> inserted)
    {
        var keys = new List<string>();
        var offsets = new List<int>();
        var counts = new List<int>();
        for (var start = 0; start < inserted.Count;)
        {
            var end = start + 1;
            while (end < inserted.Count && end - start < MaxBlockPoints && inserted[end].Key == inserted[start].Key)
            {
                end++;
            }

            keys.Add(inserted[start].Key);
            offsets.Add(start);
            counts.Add(end - start);
            start = end;
        }

        write.Defer("""
            INSERT INTO metric_blocks (run_key, key, last_step, last_time, first_step, first_time, point_steps, point_times, point_values)
            SELECT @run, k, s[o + n], t[o + n], s[o + 1], t[o + 1], s[o + 1 : o + n], t[o + 1 : o + n], v[o + 1 : o + n]
            FROM unnest(@keys::text[], @offsets::int[], @counts::int[]) AS x(k, o, n),
                (SELECT @steps::bigint[] AS s, @times::bigint[] AS t, @values::float8[] AS v) AS points
            """,
            ("run", runKey),
            ("keys", keys.ToArray()),
            ("offsets", offsets.ToArray()),
            ("counts", counts.ToArray()),
            ("steps", inserted.Select(p => p.Step).ToArray()),
            ("times", inserted.Select(p => p.Timestamp).ToArray()),
            ("values", inserted.Select(p => StoredMetrics.FromStored(p.Value, p.IsNan)).ToArray()));
    }

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

    /// <summary>A point as the metrics view shows it (NaN as value 0 with <c>is_nan = 1</c>).</summary>
    private readonly record struct StoredPoint(string Key, long Step, long Timestamp, double Value, long IsNan)
    {
        /// <summary>The order of points inside a block (one key): by step, timestamp and value.</summary>
        public static readonly Comparison<StoredPoint> BlockOrder = (a, b) =>
            a.Step != b.Step ? a.Step.CompareTo(b.Step)
            : a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp)
            : a.Value != b.Value ? a.Value.CompareTo(b.Value)
            : a.IsNan.CompareTo(b.IsNan);
    }
}
