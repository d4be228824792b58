-- Adds :runs finished runs to experiment :experiment, shaped as bench/seed.py logs them through the API (5 params
-- p1..p5 with p1 one of a/b/c/d, 5 metrics m1..m5 uniform in [0, 1) as one point each, 3 tags t1..t3, the run name
-- tag), written straight into the tables the PostgreSQL store keeps: 100,000 runs through HTTP take an hour on two
-- cores. Deterministic (setseed), and ANALYZEd at the end as autovacuum would be after such a load.
\set ON_ERROR_STOP on
BEGIN;
SELECT setseed(0.4242);
CREATE TEMP TABLE seeded AS
SELECT g AS n, md5('bench-run-' || g) AS run_uuid, 1700000000000 + g AS start_time,
       (ARRAY['a', 'b', 'c', 'd'])[1 + floor(random() * 4)::int] AS p1,
       random() AS m1, random() AS m2, random() AS m3, random() AS m4, random() AS m5
FROM generate_series(1, :runs) g;

-- The per-row trigger that keeps the experiment's run count would update one row 100,000 times in one transaction;
-- it is off for the load (session_replication_role) and the summary is set once below.
SET LOCAL session_replication_role = replica;
INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, latest_step, latest_metric_time)
SELECT s.run_uuid, e.experiment_id, 'run-' || s.n, 'bench', 'FINISHED', s.start_time, s.start_time + 1000,
       e.artifact_location || '/' || s.run_uuid || '/artifacts', 'active', 0, s.start_time + 500
FROM seeded s CROSS JOIN experiments e WHERE e.experiment_id = :experiment;

CREATE TEMP TABLE seeded_keys ON COMMIT DROP AS SELECT r.run_key, s.* FROM seeded s JOIN runs r ON r.run_uuid = s.run_uuid;

INSERT INTO params (run_key, key, value)
SELECT run_key, 'p1', p1 FROM seeded_keys
UNION ALL SELECT run_key, 'p' || k, 'v' || ((n * k) % 97) FROM seeded_keys, generate_series(2, 5) k;

INSERT INTO tags (run_key, key, value)
SELECT run_key, 'mlflow.runName', 'run-' || n FROM seeded_keys
UNION ALL SELECT run_key, 't' || k, 'tag' || ((n + k) % 13) FROM seeded_keys, generate_series(1, 3) k;

CREATE TEMP TABLE seeded_points ON COMMIT DROP AS
SELECT run_key, 'm' || k AS key, start_time + 500 AS timestamp, (ARRAY[m1, m2, m3, m4, m5])[k] AS value
FROM seeded_keys, generate_series(1, 5) k;
-- Metric points live in packed blocks (migration 0008): one single-point block per (run, key).
INSERT INTO metric_blocks (run_key, key, last_step, last_time, first_step, first_time, point_steps, point_times, point_values)
SELECT run_key, key, 0, timestamp, 0, timestamp, ARRAY[0::bigint], ARRAY[timestamp], ARRAY[value] FROM seeded_points;
INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, min_value, max_value, value_count, experiment_id)
SELECT run_key, key, value, 0, timestamp, 0, value, value, 1, :experiment FROM seeded_points;

INSERT INTO run_keys (experiment_id, kind, key)
SELECT :experiment, kind, key FROM (VALUES ('param', 'p1'), ('param', 'p2'), ('param', 'p3'), ('param', 'p4'), ('param', 'p5'),
    ('metric', 'm1'), ('metric', 'm2'), ('metric', 'm3'), ('metric', 'm4'), ('metric', 'm5'),
    ('tag', 't1'), ('tag', 't2'), ('tag', 't3'), ('tag', 'mlflow.runName')) AS k(kind, key)
ON CONFLICT DO NOTHING;
UPDATE experiments e SET run_count = (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active'),
    last_activity_time = (SELECT MAX(end_time) FROM runs r WHERE r.experiment_id = e.experiment_id)
WHERE e.experiment_id = :experiment;
COMMIT;
ANALYZE;

-- The answer the server must give: the first 100 matches by m2, highest first.
\pset tuples_only on
\pset format unaligned
\o :expected
SELECT s.run_uuid FROM seeded s WHERE s.m1 > 0.5 AND s.p1 = 'a' ORDER BY s.m2 DESC LIMIT 100;
\o
