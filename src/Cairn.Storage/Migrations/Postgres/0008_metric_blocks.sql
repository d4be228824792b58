-- Metric points packed into blocks: one row per (run, key) per logged batch (at most 256 points) instead of one row
-- and one six-column index entry per point, which cost about 80 % of PostgreSQL's time per log-batch. A block holds
-- its points in (step, timestamp, value) order as three parallel arrays; NaN is stored as NaN (PostgreSQL's float8
-- has it). first_* and last_* are the block's lowest and highest (step, timestamp), so a writer finds the blocks that
-- could hold one of its points with one index range read, and a read of a step range skips the other blocks.
-- Writers to one run take a transaction advisory lock on it and drop points already stored (an exact duplicate
-- in key, step, timestamp and value), so the old primary key's rule holds without an index entry per point.
-- toast_tuple_target keeps a whole block (about 6 KB) in the row: no compression or out-of-line storage on write.
CREATE TABLE metric_blocks (
    run_key      BIGINT NOT NULL,
    key          TEXT COLLATE "C" NOT NULL,
    last_step    BIGINT NOT NULL,
    last_time    BIGINT NOT NULL,
    block_id     BIGINT GENERATED ALWAYS AS IDENTITY,
    first_step   BIGINT NOT NULL,
    first_time   BIGINT NOT NULL,
    point_steps  BIGINT[] NOT NULL,
    point_times  BIGINT[] NOT NULL,
    point_values DOUBLE PRECISION[] NOT NULL,
    PRIMARY KEY (run_key, key, last_step, last_time, block_id)
) WITH (toast_tuple_target = 8160);

-- Points logged before this version, 256 to a block in order.
INSERT INTO metric_blocks (run_key, key, last_step, last_time, first_step, first_time, point_steps, point_times, point_values)
SELECT run_key, key, steps[cardinality(steps)], times[cardinality(times)], steps[1], times[1], steps, times, vals
FROM (
    SELECT run_key, key,
        array_agg(step ORDER BY step, timestamp, value, is_nan) AS steps,
        array_agg(timestamp ORDER BY step, timestamp, value, is_nan) AS times,
        array_agg(CASE WHEN is_nan <> 0 THEN 'NaN'::float8 ELSE value END ORDER BY step, timestamp, value, is_nan) AS vals
    FROM (
        SELECT m.*, (row_number() OVER (PARTITION BY run_key, key ORDER BY step, timestamp, value, is_nan) - 1) / 256 AS block
        FROM metrics m
    ) numbered
    GROUP BY run_key, key, block
) blocks;

DROP TABLE metrics;

-- The points as rows, in the old table's shape (NaN as value 0 with is_nan = 1), for ad-hoc SQL and tools. The
-- store's own reads go to the blocks directly so that a step range skips blocks outside it.
CREATE VIEW metrics AS
SELECT b.run_key, b.key, p.step, p.timestamp,
    CASE WHEN p.value = 'NaN'::float8 THEN 0 ELSE p.value END AS value,
    CASE WHEN p.value = 'NaN'::float8 THEN 1 ELSE 0 END::bigint AS is_nan
FROM metric_blocks b CROSS JOIN LATERAL unnest(b.point_steps, b.point_times, b.point_values) AS p(step, timestamp, value);
