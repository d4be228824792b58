-- An experiment's last activity from metric points, kept per shard of its runs (run_key % 64) instead of on the
-- experiment's row: every log-batch raised that one row, so concurrent writers to different runs of an experiment
-- queued on its row lock from their update until their commit's WAL flush. A shard row is shared only by runs with
-- the same remainder. Rows only ever rise; the experiment's last activity is the highest of its row's value (run
-- start and end, moves) and its shards'.
CREATE TABLE experiment_activity (
    experiment_id BIGINT NOT NULL,
    shard         BIGINT NOT NULL,
    time          BIGINT NOT NULL,
    PRIMARY KEY (experiment_id, shard)
);
