-- An experiment's last activity from metric points, kept per shard of its runs on PostgreSQL (see the PostgreSQL
-- migration of the same number). SQLite has one writer at a time, so its metric writer still raises the experiment's
-- row and this table stays empty; it exists so the reads and the purge are the same SQL on both databases.
CREATE TABLE experiment_activity (
    experiment_id INTEGER NOT NULL,
    shard         INTEGER NOT NULL,
    time          INTEGER NOT NULL,
    PRIMARY KEY (experiment_id, shard)
) WITHOUT ROWID;
