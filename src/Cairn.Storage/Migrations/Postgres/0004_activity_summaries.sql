-- Summaries the web UI lists without counting per request, kept at write time:
-- per experiment the number of active runs and the time of the latest run activity (a run started or ended, a
-- metric point logged); per run the highest step and latest timestamp of its metric points.
-- Run counts follow every change of runs (create, delete, restore, an experiment's delete cascading, gc) through
-- triggers; the metric writers fold their batch into the run and experiment rows themselves.
ALTER TABLE experiments ADD COLUMN run_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE experiments ADD COLUMN last_activity_time BIGINT;
ALTER TABLE runs ADD COLUMN latest_step BIGINT;
ALTER TABLE runs ADD COLUMN latest_metric_time BIGINT;

UPDATE runs r SET latest_step = m.max_step, latest_metric_time = m.max_time
FROM (SELECT run_key, MAX(step) AS max_step, MAX(timestamp) AS max_time FROM metrics GROUP BY run_key) m
WHERE m.run_key = r.run_key;

UPDATE experiments e SET
    run_count = (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active'),
    last_activity_time = (
        SELECT MAX(GREATEST(COALESCE(r.start_time, 0), COALESCE(r.end_time, 0), COALESCE(r.latest_metric_time, 0)))
        FROM runs r WHERE r.experiment_id = e.experiment_id);

CREATE FUNCTION cairn_runs_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE experiments SET
            run_count = run_count + CASE WHEN NEW.lifecycle_stage = 'active' THEN 1 ELSE 0 END,
            last_activity_time = GREATEST(COALESCE(last_activity_time, 0), COALESCE(NEW.start_time, 0))
        WHERE experiment_id = NEW.experiment_id;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.lifecycle_stage = 'active' THEN
            UPDATE experiments SET run_count = run_count - 1 WHERE experiment_id = OLD.experiment_id;
        END IF;
    ELSE
        IF OLD.lifecycle_stage <> NEW.lifecycle_stage THEN
            UPDATE experiments SET run_count = run_count + CASE WHEN NEW.lifecycle_stage = 'active' THEN 1 ELSE -1 END
            WHERE experiment_id = NEW.experiment_id;
        END IF;
        IF NEW.end_time IS NOT NULL AND NEW.end_time IS DISTINCT FROM OLD.end_time THEN
            UPDATE experiments SET last_activity_time = GREATEST(COALESCE(last_activity_time, 0), NEW.end_time)
            WHERE experiment_id = NEW.experiment_id;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER runs_counted AFTER INSERT OR DELETE OR UPDATE OF lifecycle_stage, end_time ON runs
FOR EACH ROW EXECUTE FUNCTION cairn_runs_counted();

-- The keys the experiment's runs have used, per kind ('param', 'metric', 'tag'), for the runs table's column chooser:
-- written with each batch, so listing thousands of keys never scans the runs' rows.
CREATE TABLE run_keys (
    experiment_id BIGINT NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL,
    key           TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (experiment_id, kind, key)
);

INSERT INTO run_keys (experiment_id, kind, key)
SELECT DISTINCT r.experiment_id, 'metric', l.key FROM latest_metrics l JOIN runs r ON r.run_key = l.run_key
UNION SELECT DISTINCT r.experiment_id, 'param', p.key FROM params p JOIN runs r ON r.run_key = p.run_key
UNION SELECT DISTINCT r.experiment_id, 'tag', t.key FROM tags t JOIN runs r ON r.run_key = t.run_key;
