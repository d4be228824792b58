-- Summaries the web UI lists without counting per request, kept at write time:
-- per experiment the number of active runs and the time of the latest run activity (a run started or ended, a
-- metric point logged); per run the highest step and latest timestamp of its metric points.
-- Run counts follow every change of runs (create, delete, restore, an experiment's delete cascading, gc) through
-- triggers; the metric writers fold their batch into the run and experiment rows themselves.
ALTER TABLE experiments ADD COLUMN run_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE experiments ADD COLUMN last_activity_time INTEGER;
ALTER TABLE runs ADD COLUMN latest_step INTEGER;
ALTER TABLE runs ADD COLUMN latest_metric_time INTEGER;

UPDATE runs SET (latest_step, latest_metric_time) = (SELECT MAX(step), MAX(timestamp) FROM metrics m WHERE m.run_key = runs.run_key);

UPDATE experiments SET
    run_count = (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = experiments.experiment_id AND r.lifecycle_stage = 'active'),
    last_activity_time = (
        SELECT MAX(MAX(COALESCE(r.start_time, 0), COALESCE(r.end_time, 0), COALESCE(r.latest_metric_time, 0)))
        FROM runs r WHERE r.experiment_id = experiments.experiment_id);

CREATE TRIGGER runs_counted_on_insert AFTER INSERT ON runs
BEGIN
    UPDATE experiments SET
        run_count = run_count + (NEW.lifecycle_stage = 'active'),
        last_activity_time = MAX(COALESCE(last_activity_time, 0), COALESCE(NEW.start_time, 0))
    WHERE experiment_id = NEW.experiment_id;
END;

CREATE TRIGGER runs_counted_on_stage AFTER UPDATE OF lifecycle_stage ON runs WHEN OLD.lifecycle_stage <> NEW.lifecycle_stage
BEGIN
    UPDATE experiments SET run_count = run_count + CASE WHEN NEW.lifecycle_stage = 'active' THEN 1 ELSE -1 END
    WHERE experiment_id = NEW.experiment_id;
END;

CREATE TRIGGER runs_counted_on_delete AFTER DELETE ON runs WHEN OLD.lifecycle_stage = 'active'
BEGIN
    UPDATE experiments SET run_count = run_count - 1 WHERE experiment_id = OLD.experiment_id;
END;

CREATE TRIGGER runs_activity_on_end AFTER UPDATE OF end_time ON runs WHEN NEW.end_time IS NOT NULL
BEGIN
    UPDATE experiments SET last_activity_time = MAX(COALESCE(last_activity_time, 0), NEW.end_time)
    WHERE experiment_id = NEW.experiment_id;
END;

-- The keys the experiment's runs have used, per kind ('param', 'metric', 'tag'), for the runs table's column chooser:
-- written with each batch, so listing thousands of keys never scans the runs' rows.
CREATE TABLE run_keys (
    experiment_id INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    PRIMARY KEY (experiment_id, kind, key)
) WITHOUT ROWID;

INSERT OR IGNORE INTO run_keys (experiment_id, kind, key)
SELECT DISTINCT r.experiment_id, 'metric', l.key FROM latest_metrics l JOIN runs r ON r.run_key = l.run_key;
INSERT OR IGNORE INTO run_keys (experiment_id, kind, key)
SELECT DISTINCT r.experiment_id, 'param', p.key FROM params p JOIN runs r ON r.run_key = p.run_key;
INSERT OR IGNORE INTO run_keys (experiment_id, kind, key)
SELECT DISTINCT r.experiment_id, 'tag', t.key FROM tags t JOIN runs r ON r.run_key = t.run_key;
