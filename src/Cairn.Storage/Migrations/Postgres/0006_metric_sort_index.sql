-- The runs table sorts by a metric's latest value over 100,000 runs and pages by key. For that the summary row knows
-- its run's experiment (written with each batch), and one index holds per experiment and key the values in order:
-- is_nan is the sort key that puts real values first, then NaN; runs without the metric come after, read from runs.
ALTER TABLE latest_metrics ADD COLUMN experiment_id BIGINT NOT NULL DEFAULT 0;

UPDATE latest_metrics l SET experiment_id = r.experiment_id FROM runs r WHERE r.run_key = l.run_key;

CREATE INDEX latest_metrics_sorted ON latest_metrics (experiment_id, key, is_nan, value, run_key);
