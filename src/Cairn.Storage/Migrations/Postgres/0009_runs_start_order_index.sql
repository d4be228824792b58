-- The runs table's default order is start time descending with runs that never started last (DESC NULLS LAST, as on
-- SQLite). PostgreSQL's DESC index puts NULLs first, so it could not read runs_by_experiment in that order and sorted
-- every run of the experiment for each first page (about 100 ms at 100,000 runs). The index now has the query's order.
DROP INDEX runs_by_experiment;

CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC NULLS LAST, run_uuid);
