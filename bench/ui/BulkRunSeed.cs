using System.Data.Common;
using System.Diagnostics;
using Cairn.Core.Tracking;

/// <summary>
/// Writes <see cref="BenchRuns"/> with set-based SQL straight into the tables the SQLite and PostgreSQL stores keep: the
/// runs, params, tags and metric points, and everything the writers derive from them at write time: the latest value
/// and summaries per metric (<c>latest_metrics</c>, with the experiment for the sorted index), the metric pyramid (seven
/// cells per one-point history), the key catalogue (<c>run_keys</c>), the run's latest step and metric time, and the
/// experiment's run count and last activity. 100,000 runs through the store take well over ten minutes on two cores;
/// this takes a few minutes. <see cref="SeedCheck"/> compares its rows with the store's for the same runs before every
/// bench, so the two cannot drift apart.
/// </summary>
internal sealed class BulkRunSeed(DbConnection connection, bool postgres)
{
    private const int ChunkRuns = 10_000;

    public async Task SeedAsync(ExperimentId experiment, int first, int count, bool progress = false)
    {
        var clock = Stopwatch.StartNew();
        await ExecuteAsync(null, postgres ? Postgres.Setup : Sqlite.Setup);
        for (var start = first; start < first + count; start += ChunkRuns)
        {
            var end = Math.Min(first + count, start + ChunkRuns);
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var statement in postgres ? Postgres.Chunk : Sqlite.Chunk)
            {
                await ExecuteAsync(transaction, statement, ("e", experiment.Value), ("first", (long)start), ("end", (long)end), ("t0", BenchRuns.StartTime));
            }

            await transaction.CommitAsync();
            if (progress)
            {
                Console.WriteLine($"  {end - first:N0} of {count:N0} runs written by SQL ({clock.Elapsed.TotalSeconds:0} s)");
            }
        }

        await ExecuteAsync(null, postgres ? Postgres.Finish : Sqlite.Finish, ("e", experiment.Value));
    }

    /// <summary>What autovacuum does to PostgreSQL tables soon after a load this size: visibility map and statistics.</summary>
    public async Task SettleAsync()
    {
        if (postgres)
        {
            await ExecuteAsync(null, "VACUUM (ANALYZE) runs, params, tags, metrics, latest_metrics, metric_buckets, run_keys, experiments");
        }
    }

    private async Task ExecuteAsync(DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        foreach (var (name, value) in parameters.Where(p => sql.Contains("@" + p.Name, StringComparison.Ordinal)))
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Run ids are 32 hex digits derived from the experiment and i (the store makes random ones; nothing depends on their
    /// value), so a seeded database is the same each time.
    /// </summary>
    private static class Sqlite
    {
        public const string Setup = """
            CREATE TEMP TABLE IF NOT EXISTS seed_j (j INTEGER PRIMARY KEY);
            CREATE TEMP TABLE IF NOT EXISTS seed_shift (shift INTEGER PRIMARY KEY);
            CREATE TEMP TABLE IF NOT EXISTS seed_chunk (run_key INTEGER PRIMARY KEY, i INTEGER NOT NULL);
            CREATE TEMP TABLE IF NOT EXISTS seed_points (run_key INTEGER NOT NULL, key TEXT NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL);
            WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < 19) INSERT OR IGNORE INTO seed_j (j) SELECT j FROM n;
            INSERT OR IGNORE INTO seed_shift (shift) VALUES (6), (10), (14), (18), (22), (26), (30);
            PRAGMA synchronous = OFF;
            """;

        public static readonly string[] Chunk =
        [
            """
            WITH RECURSIVE n(i) AS (SELECT @first UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @end),
            ids AS (SELECT i, printf('%08x%08x%08x%08x', @e, i, (i * 2654435761) % 4294967296, ((i + 7) * 2246822519) % 4294967296) AS u FROM n)
            INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, latest_step, latest_metric_time)
            SELECT u, @e, printf('run-%06d', i), 'bench', 'RUNNING', @t0 + i, NULL, 'mlflow-artifacts:/' || @e || '/' || u || '/artifacts', 'active', 0, @t0 + i
            FROM ids
            """,
            """
            DELETE FROM seed_chunk;
            DELETE FROM seed_points;
            INSERT INTO seed_chunk (run_key, i)
            SELECT run_key, start_time - @t0 FROM runs
            WHERE experiment_id = @e AND lifecycle_stage = 'active' AND start_time BETWEEN @t0 + @first AND @t0 + @end - 1 AND name LIKE 'run-%';
            INSERT INTO seed_points (run_key, key, value, ts)
            SELECT c.run_key, printf('metric_%04d', (c.i * 7 + j.j * 101) % 2000), ((c.i * 31 + j.j) % 997) / 997.0, @t0 + c.i FROM seed_chunk c, seed_j j;
            """,
            "INSERT INTO metrics (run_key, key, step, timestamp, value, is_nan) SELECT run_key, key, 0, ts, value, 0 FROM seed_points ORDER BY run_key, key",
            """
            INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, min_value, max_value, value_count, experiment_id)
            SELECT run_key, key, value, 0, ts, 0, value, value, 1, @e FROM seed_points ORDER BY run_key, key
            """,
            """
            INSERT INTO metric_buckets (run_key, key, shift, bucket, point_count, value_count, min_value, min_step, min_time, max_value, max_step, max_time,
                first_value, first_step, first_time, last_value, last_step, last_time)
            SELECT p.run_key, p.key, s.shift, 0, 1, 1, p.value, 0, p.ts, p.value, 0, p.ts, p.value, 0, p.ts, p.value, 0, p.ts
            FROM seed_points p, seed_shift s ORDER BY p.run_key, p.key, s.shift
            """,
            "INSERT INTO params (run_key, key, value) SELECT c.run_key, printf('param_%02d', j.j), CAST((c.i + j.j) % 13 AS TEXT) FROM seed_chunk c, seed_j j",
            """
            INSERT INTO tags (run_key, key, value)
            SELECT c.run_key, 'tag_' || j.j, 'v' || ((c.i + j.j) % 5) FROM seed_chunk c, seed_j j WHERE j.j < 10
            UNION ALL SELECT c.run_key, 'mlflow.runName', printf('run-%06d', c.i) FROM seed_chunk c
            """,
            """
            INSERT OR IGNORE INTO run_keys (experiment_id, kind, key)
            SELECT DISTINCT @e, 'metric', key FROM seed_points
            UNION ALL SELECT @e, 'param', printf('param_%02d', j) FROM seed_j
            UNION ALL SELECT @e, 'tag', 'tag_' || j FROM seed_j WHERE j < 10
            UNION ALL SELECT @e, 'tag', 'mlflow.runName'
            """,
        ];

        // The insert trigger has counted the runs and moved last activity to the latest start; the writers move it to the
        // latest metric time.
        public const string Finish = """
            UPDATE experiments SET last_activity_time = MAX(COALESCE(last_activity_time, 0),
                (SELECT MAX(MAX(COALESCE(start_time, 0), COALESCE(latest_metric_time, 0))) FROM runs WHERE experiment_id = @e))
            WHERE experiment_id = @e
            """;
    }

    private static class Postgres
    {
        public const string Setup = """
            CREATE TEMP TABLE IF NOT EXISTS seed_chunk (run_key BIGINT PRIMARY KEY, i BIGINT NOT NULL);
            CREATE TEMP TABLE IF NOT EXISTS seed_points (run_key BIGINT NOT NULL, key TEXT COLLATE "C" NOT NULL, value DOUBLE PRECISION NOT NULL, ts BIGINT NOT NULL);
            """;

        public static readonly string[] Chunk =
        [
            // The per-row trigger that counts runs would update the experiment's row once per run in one transaction; it
            // is off for the load (session_replication_role, the cluster's superuser) and Finish counts once.
            "SET LOCAL session_replication_role = replica",
            """
            INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, latest_step, latest_metric_time)
            SELECT u, @e, 'run-' || lpad(i::text, 6, '0'), 'bench', 'RUNNING', @t0 + i, NULL, 'mlflow-artifacts:/' || @e || '/' || u || '/artifacts', 'active', 0, @t0 + i
            FROM (SELECT i, lpad(to_hex(@e), 8, '0') || lpad(to_hex(i), 8, '0') || lpad(to_hex((i * 2654435761) % 4294967296), 8, '0')
                    || lpad(to_hex(((i + 7) * 2246822519) % 4294967296), 8, '0') AS u
                  FROM generate_series(@first, @end - 1) AS i) AS ids
            """,
            """
            TRUNCATE seed_chunk, seed_points;
            INSERT INTO seed_chunk (run_key, i)
            SELECT run_key, start_time - @t0 FROM runs
            WHERE experiment_id = @e AND lifecycle_stage = 'active' AND start_time BETWEEN @t0 + @first AND @t0 + @end - 1 AND name LIKE 'run-%';
            INSERT INTO seed_points (run_key, key, value, ts)
            SELECT c.run_key, 'metric_' || lpad(((c.i * 7 + j * 101) % 2000)::text, 4, '0'), ((c.i * 31 + j) % 997)::float8 / 997, @t0 + c.i
            FROM seed_chunk c, generate_series(0, 19) AS j;
            """,
            // PostgreSQL keeps metric points in packed blocks (migration 0008): one single-point block per (run, key).
            """
            INSERT INTO metric_blocks (run_key, key, last_step, last_time, first_step, first_time, point_steps, point_times, point_values)
            SELECT run_key, key, 0, ts, 0, ts, ARRAY[0::bigint], ARRAY[ts], ARRAY[value] FROM seed_points
            """,
            """
            INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, min_value, max_value, value_count, experiment_id)
            SELECT run_key, key, value, 0, ts, 0, value, value, 1, @e FROM seed_points
            """,
            """
            INSERT INTO metric_buckets (run_key, key, shift, bucket, point_count, value_count, min_value, min_step, min_time, max_value, max_step, max_time,
                first_value, first_step, first_time, last_value, last_step, last_time)
            SELECT p.run_key, p.key, s.shift, 0, 1, 1, p.value, 0, p.ts, p.value, 0, p.ts, p.value, 0, p.ts, p.value, 0, p.ts
            FROM seed_points p, (VALUES (6), (10), (14), (18), (22), (26), (30)) AS s(shift)
            """,
            "INSERT INTO params (run_key, key, value) SELECT c.run_key, 'param_' || lpad(j::text, 2, '0'), ((c.i + j) % 13)::text FROM seed_chunk c, generate_series(0, 19) AS j",
            """
            INSERT INTO tags (run_key, key, value)
            SELECT c.run_key, 'tag_' || j, 'v' || ((c.i + j) % 5) FROM seed_chunk c, generate_series(0, 9) AS j
            UNION ALL SELECT c.run_key, 'mlflow.runName', 'run-' || lpad(c.i::text, 6, '0') FROM seed_chunk c
            """,
            """
            INSERT INTO run_keys (experiment_id, kind, key)
            SELECT DISTINCT @e, 'metric', key FROM seed_points
            UNION ALL SELECT @e, 'param', 'param_' || lpad(j::text, 2, '0') FROM generate_series(0, 19) AS j
            UNION ALL SELECT @e, 'tag', 'tag_' || j FROM generate_series(0, 9) AS j
            UNION ALL SELECT @e, 'tag', 'mlflow.runName'
            ON CONFLICT DO NOTHING
            """,
        ];

        public const string Finish = """
            UPDATE experiments e SET
                run_count = (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active'),
                last_activity_time = GREATEST(COALESCE(e.last_activity_time, 0),
                    (SELECT MAX(GREATEST(COALESCE(r.start_time, 0), COALESCE(r.latest_metric_time, 0))) FROM runs r WHERE r.experiment_id = e.experiment_id))
            WHERE e.experiment_id = @e
            """;
    }
}
