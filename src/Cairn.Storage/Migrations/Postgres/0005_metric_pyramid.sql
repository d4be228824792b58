-- A write-time pyramid of every metric history, so a chart of any range reads O(pixels) rows however long the
-- history is. Level `shift` cuts the steps into buckets of 2^shift (shift 6, 10, 14 … 30); each cell keeps the count
-- of points, and of the non-NaN points the lowest, highest, first and last (value, step, time), so min and max per
-- bucket are exact. The metric writers fold each batch's new points into the cells in the batch's transaction.
CREATE TABLE metric_buckets (
    run_key     BIGINT NOT NULL,
    key         TEXT COLLATE "C" NOT NULL,
    shift       BIGINT NOT NULL,
    bucket      BIGINT NOT NULL,
    point_count BIGINT NOT NULL,
    value_count BIGINT NOT NULL,
    min_value   DOUBLE PRECISION,
    min_step    BIGINT,
    min_time    BIGINT,
    max_value   DOUBLE PRECISION,
    max_step    BIGINT,
    max_time    BIGINT,
    first_value DOUBLE PRECISION,
    first_step  BIGINT,
    first_time  BIGINT,
    last_value  DOUBLE PRECISION,
    last_step   BIGINT,
    last_time   BIGINT,
    PRIMARY KEY (run_key, key, shift, bucket)
);

-- Histories logged before this version: counts per cell, then each extreme by one indexed range read per cell.
INSERT INTO metric_buckets (run_key, key, shift, bucket, point_count, value_count)
SELECT m.run_key, m.key, l.shift, m.step >> l.shift, COUNT(*), SUM(1 - m.is_nan)
FROM metrics m CROSS JOIN (VALUES (6), (10), (14), (18), (22), (26), (30)) AS l(shift)
GROUP BY m.run_key, m.key, l.shift, m.step >> l.shift;

UPDATE metric_buckets b SET (min_value, min_step, min_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = b.run_key AND m.key = b.key AND m.is_nan = 0
    AND m.step BETWEEN b.bucket << b.shift::int AND ((b.bucket + 1) << b.shift::int) - 1
    ORDER BY m.value, m.step, m.timestamp LIMIT 1)
WHERE b.value_count > 0;

UPDATE metric_buckets b SET (max_value, max_step, max_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = b.run_key AND m.key = b.key AND m.is_nan = 0
    AND m.step BETWEEN b.bucket << b.shift::int AND ((b.bucket + 1) << b.shift::int) - 1
    ORDER BY m.value DESC, m.step DESC, m.timestamp DESC LIMIT 1)
WHERE b.value_count > 0;

UPDATE metric_buckets b SET (first_value, first_step, first_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = b.run_key AND m.key = b.key AND m.is_nan = 0
    AND m.step BETWEEN b.bucket << b.shift::int AND ((b.bucket + 1) << b.shift::int) - 1
    ORDER BY m.step, m.timestamp, m.value LIMIT 1)
WHERE b.value_count > 0;

UPDATE metric_buckets b SET (last_value, last_step, last_time) = (
    SELECT m.value, m.step, m.timestamp FROM metrics m
    WHERE m.run_key = b.run_key AND m.key = b.key AND m.is_nan = 0
    AND m.step BETWEEN b.bucket << b.shift::int AND ((b.bucket + 1) << b.shift::int) - 1
    ORDER BY m.step DESC, m.timestamp DESC, m.value DESC LIMIT 1)
WHERE b.value_count > 0;
