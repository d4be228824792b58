-- A write-time pyramid of every metric history, so a chart of any range reads O(pixels) rows however long the
-- history is. Level `shift` cuts the steps into buckets of 2^shift (shift 6, 10, 14 … 30); each cell keeps the count
-- of points, and of the non-NaN points the lowest, highest, first and last (value, step, time), so min and max per
-- bucket are exact. The metric writers fold each batch's new points into the cells in the batch's transaction.
CREATE TABLE metric_buckets (
    run_key     INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    shift       INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    point_count INTEGER NOT NULL,
    value_count INTEGER NOT NULL,
    min_value   REAL,
    min_step    INTEGER,
    min_time    INTEGER,
    max_value   REAL,
    max_step    INTEGER,
    max_time    INTEGER,
    first_value REAL,
    first_step  INTEGER,
    first_time  INTEGER,
    last_value  REAL,
    last_step   INTEGER,
    last_time   INTEGER,
    PRIMARY KEY (run_key, key, shift, bucket)
) WITHOUT ROWID;

-- Histories logged before this version: counts per cell, then each extreme by one indexed range read per cell.
INSERT INTO metric_buckets (run_key, key, shift, bucket, point_count, value_count)
SELECT m.run_key, m.key, l.shift, m.step >> l.shift, COUNT(*), SUM(1 - m.is_nan)
FROM metrics m CROSS JOIN (SELECT 6 AS shift UNION ALL SELECT 10 UNION ALL SELECT 14 UNION ALL SELECT 18
    UNION ALL SELECT 22 UNION ALL SELECT 26 UNION ALL SELECT 30) AS l
GROUP BY m.run_key, m.key, l.shift, m.step >> l.shift;

UPDATE metric_buckets SET (min_value, min_step, min_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = metric_buckets.run_key AND m.key = metric_buckets.key AND m.is_nan = 0
    AND m.step BETWEEN metric_buckets.bucket << metric_buckets.shift AND ((metric_buckets.bucket + 1) << metric_buckets.shift) - 1
    ORDER BY m.value, m.step, m.timestamp LIMIT 1)
WHERE value_count > 0;

UPDATE metric_buckets SET (max_value, max_step, max_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = metric_buckets.run_key AND m.key = metric_buckets.key AND m.is_nan = 0
    AND m.step BETWEEN metric_buckets.bucket << metric_buckets.shift AND ((metric_buckets.bucket + 1) << metric_buckets.shift) - 1
    ORDER BY m.value DESC, m.step DESC, m.timestamp DESC LIMIT 1)
WHERE value_count > 0;

UPDATE metric_buckets SET (first_value, first_step, first_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = metric_buckets.run_key AND m.key = metric_buckets.key AND m.is_nan = 0
    AND m.step BETWEEN metric_buckets.bucket << metric_buckets.shift AND ((metric_buckets.bucket + 1) << metric_buckets.shift) - 1
    ORDER BY m.step, m.timestamp, m.value LIMIT 1)
WHERE value_count > 0;

UPDATE metric_buckets SET (last_value, last_step, last_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = metric_buckets.run_key AND m.key = metric_buckets.key AND m.is_nan = 0
    AND m.step BETWEEN metric_buckets.bucket << metric_buckets.shift AND ((metric_buckets.bucket + 1) << metric_buckets.shift) - 1
    ORDER BY m.step DESC, m.timestamp DESC, m.value DESC LIMIT 1)
WHERE value_count > 0;
