-- MLflow 3 logged models: a model entity with its own artifact folder, params and tags, linked to runs as outputs.
CREATE TABLE logged_models (
    model_key                 INTEGER PRIMARY KEY,
    model_id                  TEXT    NOT NULL UNIQUE,
    experiment_id             INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name                      TEXT    NOT NULL,
    model_type                TEXT,
    source_run_id             TEXT,
    status                    INTEGER NOT NULL,
    status_message            TEXT,
    creation_timestamp_ms     INTEGER NOT NULL,
    last_updated_timestamp_ms INTEGER NOT NULL,
    artifact_uri              TEXT    NOT NULL,
    lifecycle_stage           TEXT    NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted'))
);

CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp_ms DESC);

CREATE TABLE logged_model_params (
    model_key INTEGER NOT NULL REFERENCES logged_models (model_key),
    key       TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

CREATE TABLE logged_model_tags (
    model_key INTEGER NOT NULL REFERENCES logged_models (model_key),
    key       TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

CREATE TABLE run_outputs (
    run_key   INTEGER NOT NULL,
    model_key INTEGER NOT NULL REFERENCES logged_models (model_key),
    step      INTEGER NOT NULL,
    PRIMARY KEY (run_key, model_key)
) WITHOUT ROWID;

-- Metrics logged with a model_id (MLflow 3): kept per model as well as in the run's history.
CREATE TABLE logged_model_metrics (
    model_key      INTEGER NOT NULL REFERENCES logged_models (model_key),
    key            TEXT    NOT NULL,
    step           INTEGER NOT NULL,
    timestamp      INTEGER NOT NULL,
    value          REAL    NOT NULL,
    is_nan         INTEGER NOT NULL,
    run_id         TEXT    NOT NULL,
    dataset_name   TEXT    NOT NULL DEFAULT '',
    dataset_digest TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (model_key, key, step, timestamp, value, is_nan, dataset_name, dataset_digest)
) WITHOUT ROWID;

-- Logged models a run used as inputs (MLflow 3 log-inputs `models`).
CREATE TABLE run_model_inputs (
    run_key   INTEGER NOT NULL,
    model_key INTEGER NOT NULL REFERENCES logged_models (model_key),
    PRIMARY KEY (run_key, model_key)
) WITHOUT ROWID;
