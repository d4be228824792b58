-- Model registry: registered models (hard delete), versions (hidden on delete, numbers never reused), tags, aliases.
CREATE TABLE registered_models (
    model_key              INTEGER PRIMARY KEY,
    name                   TEXT    NOT NULL UNIQUE,
    creation_timestamp     INTEGER NOT NULL,
    last_updated_timestamp INTEGER NOT NULL,
    description            TEXT    NOT NULL,
    user_id                TEXT,
    max_version            INTEGER NOT NULL
);

CREATE TABLE registered_model_tags (
    model_key INTEGER NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
    key       TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

CREATE TABLE model_versions (
    model_key              INTEGER NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
    version                INTEGER NOT NULL,
    creation_timestamp     INTEGER NOT NULL,
    last_updated_timestamp INTEGER NOT NULL,
    description            TEXT    NOT NULL,
    user_id                TEXT,
    current_stage          TEXT    NOT NULL,
    source                 TEXT    NOT NULL,
    storage_location       TEXT    NOT NULL,
    run_id                 TEXT,
    run_link               TEXT    NOT NULL,
    deleted                INTEGER NOT NULL,
    PRIMARY KEY (model_key, version)
) WITHOUT ROWID;

CREATE TABLE model_version_tags (
    model_key INTEGER NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (model_key, version, key)
) WITHOUT ROWID;

CREATE TABLE registered_model_aliases (
    model_key INTEGER NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
    alias     TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (model_key, alias)
) WITHOUT ROWID;

-- Approval of a model version before it may serve in production (SageMaker-style).
ALTER TABLE model_versions ADD COLUMN approval_status  TEXT NOT NULL DEFAULT 'PendingApproval';
ALTER TABLE model_versions ADD COLUMN approval_actor   TEXT;
ALTER TABLE model_versions ADD COLUMN approval_time    INTEGER;
ALTER TABLE model_versions ADD COLUMN approval_comment TEXT;

-- Every registry change, with who, when and what it was before and after.
CREATE TABLE registry_audit (
    event_id   INTEGER PRIMARY KEY,
    timestamp  INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    model_key  INTEGER,
    model_name TEXT    NOT NULL,
    version    INTEGER,
    subject    TEXT,
    before     TEXT,
    after      TEXT
);

CREATE INDEX registry_audit_by_model ON registry_audit (model_key, event_id);
CREATE INDEX registry_audit_by_name ON registry_audit (model_name, event_id);

-- Webhooks for registry events. Deliveries are written in the same transaction as the change (an outbox),
-- then sent by a background dispatcher with retries, so a slow receiver never blocks the API.
CREATE TABLE webhooks (
    webhook_id    INTEGER PRIMARY KEY,
    url           TEXT    NOT NULL,
    events        TEXT    NOT NULL,
    secret        TEXT    NOT NULL,
    created_time  INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    delivery_id       INTEGER PRIMARY KEY,
    webhook_id        INTEGER NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
    event             TEXT    NOT NULL,
    payload           TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts          INTEGER NOT NULL,
    next_attempt_time INTEGER NOT NULL,
    last_status_code  INTEGER,
    last_error        TEXT,
    created_time      INTEGER NOT NULL,
    delivered_time    INTEGER
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_time);
