-- Tracking: experiments, runs, params, tags, metric history with per-key summaries, dataset inputs.
CREATE TABLE experiments (
    experiment_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT    NOT NULL UNIQUE,
    artifact_location TEXT    NOT NULL,
    lifecycle_stage   TEXT    NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
    creation_time     INTEGER NOT NULL,
    last_update_time  INTEGER NOT NULL
);

CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    key           TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

-- run_key is internal and keeps child rows and indexes small; run_uuid is the public id.
CREATE TABLE runs (
    run_key         INTEGER PRIMARY KEY,
    run_uuid        TEXT    NOT NULL UNIQUE,
    experiment_id   INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name            TEXT    NOT NULL,
    user_id         TEXT,
    status          TEXT    NOT NULL,
    start_time      INTEGER,
    end_time        INTEGER,
    artifact_uri    TEXT    NOT NULL,
    lifecycle_stage TEXT    NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
    deleted_time    INTEGER
);

CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC, run_uuid);

CREATE TABLE params (
    run_key INTEGER NOT NULL,
    key     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;

CREATE TABLE tags (
    run_key INTEGER NOT NULL,
    key     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;

-- Every distinct point is a row; an exact duplicate is ignored by the primary key.
-- NaN is stored as value 0 with is_nan = 1 (SQL has no NaN).
CREATE TABLE metrics (
    run_key   INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    step      INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    value     REAL    NOT NULL,
    is_nan    INTEGER NOT NULL,
    PRIMARY KEY (run_key, key, step, timestamp, value, is_nan)
) WITHOUT ROWID;

-- Maintained at write time: the latest point by (step, timestamp, value) and summaries over all points.
CREATE TABLE latest_metrics (
    run_key     INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    value       REAL    NOT NULL,
    is_nan      INTEGER NOT NULL,
    timestamp   INTEGER NOT NULL,
    step        INTEGER NOT NULL,
    min_value   REAL,
    max_value   REAL,
    value_count INTEGER NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;

CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);

CREATE TABLE datasets (
    dataset_key   INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name          TEXT    NOT NULL,
    digest        TEXT    NOT NULL,
    source_type   TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    schema        TEXT,
    profile       TEXT,
    UNIQUE (experiment_id, name, digest)
);

CREATE TABLE inputs (
    run_key     INTEGER NOT NULL,
    dataset_key INTEGER NOT NULL REFERENCES datasets (dataset_key),
    PRIMARY KEY (run_key, dataset_key)
) WITHOUT ROWID;

CREATE TABLE input_tags (
    run_key     INTEGER NOT NULL,
    dataset_key INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    PRIMARY KEY (run_key, dataset_key, key)
) WITHOUT ROWID;
