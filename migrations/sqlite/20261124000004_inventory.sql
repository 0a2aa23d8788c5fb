-- Companies' device inventories, how they got there (uploads, collector tokens) and each device's
-- coverage as last computed. Every row here belongs to one company (company_id).

-- Bearer tokens collectors upload with. Only the SHA-256 of the token is kept; `hint` is its
-- first characters, so people can tell tokens apart.
CREATE TABLE collector_tokens (
    id          INTEGER PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    hint        TEXT NOT NULL,
    created_by  INTEGER REFERENCES accounts (id),
    created_at  TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at  TEXT,
    revoked_by  INTEGER REFERENCES accounts (id)
);
CREATE INDEX collector_tokens_by_company ON collector_tokens (company_id);

-- One row per upload that landed (a refused or failed upload leaves none). `summary` is the JSON
-- answer given, replayed for a retry with the same idempotency key.
CREATE TABLE uploads (
    id              INTEGER PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    method          TEXT NOT NULL CHECK (method IN ('csv', 'collector', 'third_party')),
    account_id      INTEGER REFERENCES accounts (id),
    token_id        INTEGER REFERENCES collector_tokens (id),
    file_name       TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    quota_day       TEXT NOT NULL,
    rows_read       INTEGER NOT NULL,
    accepted        INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    no_longer_seen  INTEGER NOT NULL DEFAULT 0,
    summary         TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX uploads_by_company ON uploads (company_id, id);
CREATE UNIQUE INDEX uploads_idempotency ON uploads (company_id, idempotency_key);

-- Uploads landed per company and quota day. The row is locked by every upload transaction, so
-- concurrent uploads of one company take turns and the daily limit is exact.
CREATE TABLE upload_quota (
    company_id TEXT NOT NULL REFERENCES companies (id),
    quota_day  TEXT NOT NULL,
    used       INTEGER NOT NULL,
    PRIMARY KEY (company_id, quota_day)
);

-- identity_key: `S|serial_key|pid_key`, or `M|mac_key|pid_key` for a device known by its MAC
-- address only (IP phones). The text columns keep what was uploaded; *_key are what matching uses.
-- When a device was first and last seen are its first and last uploads' times.
CREATE TABLE devices (
    id                   INTEGER PRIMARY KEY,
    company_id           TEXT NOT NULL REFERENCES companies (id),
    identity_key         TEXT NOT NULL,
    serial_number        TEXT NOT NULL,
    product_id           TEXT NOT NULL,
    hostname             TEXT NOT NULL DEFAULT '',
    ip_address           TEXT NOT NULL DEFAULT '',
    mac_address          TEXT NOT NULL DEFAULT '',
    software_version     TEXT NOT NULL DEFAULT '',
    site                 TEXT NOT NULL DEFAULT '',
    serial_key           TEXT NOT NULL,
    pid_key              TEXT NOT NULL,
    mac_key              TEXT NOT NULL DEFAULT '',
    first_upload_id      INTEGER NOT NULL,
    last_upload_id       INTEGER NOT NULL,
    upload_line          INTEGER NOT NULL,
    seen_by_token_id     INTEGER,
    no_longer_seen_at    TEXT,
    status               TEXT NOT NULL,
    reason               TEXT,
    registry_pid         TEXT,
    contract_number      TEXT,
    service_level        TEXT,
    coverage_start       TEXT,
    coverage_end         TEXT,
    coverage_computed_at TEXT NOT NULL,
    -- When the current coverage (status and deciding contract) began, and what brought it:
    -- `upload`, `registry` (a registry change) or `refresh`.
    coverage_since       TEXT NOT NULL,
    coverage_cause       TEXT NOT NULL
);
CREATE UNIQUE INDEX devices_identity ON devices (company_id, identity_key);
-- The Library lists devices in identity order (by serial number, then PID; phones last), which
-- the identity index serves, also for serial number searches; status and contract filters have
-- their own. Other filters scan the company's devices.
CREATE INDEX devices_library_status ON devices (company_id, status, identity_key);
CREATE INDEX devices_library_contract ON devices (company_id, contract_number);
CREATE INDEX devices_by_serial ON devices (serial_key);
CREATE INDEX devices_by_company ON devices (company_id, id);

-- Earlier coverage of each device: one row per period that ended, written when a device's status or
-- deciding contract changes (the current period is on the device itself).
CREATE TABLE coverage_history (
    id              INTEGER PRIMARY KEY,
    company_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    reason          TEXT,
    registry_pid    TEXT,
    contract_number TEXT,
    service_level   TEXT,
    coverage_end    TEXT,
    valid_from      TEXT NOT NULL,
    valid_until     TEXT NOT NULL,
    -- What ended it (the next period's cause).
    ended_by        TEXT NOT NULL
);
CREATE INDEX coverage_history_by_device ON coverage_history (device_id);
CREATE INDEX coverage_history_by_company ON coverage_history (company_id, valid_until);

CREATE TRIGGER devices_coverage_history AFTER UPDATE OF status, contract_number ON devices
WHEN old.status IS NOT new.status OR old.contract_number IS NOT new.contract_number
BEGIN
    INSERT INTO coverage_history (company_id, device_id, status, reason, registry_pid, contract_number,
        service_level, coverage_end, valid_from, valid_until, ended_by)
    VALUES (old.company_id, old.id, old.status, old.reason, old.registry_pid, old.contract_number,
        old.service_level, old.coverage_end, old.coverage_since, new.coverage_since, new.coverage_cause);
END;

-- Contracts a company added to its Library by number, to see them before any device is uploaded.
CREATE TABLE company_contracts (
    company_id      TEXT NOT NULL REFERENCES companies (id),
    contract_number TEXT NOT NULL REFERENCES contracts (contract_number),
    added_by        INTEGER REFERENCES accounts (id),
    added_at        TEXT NOT NULL,
    PRIMARY KEY (company_id, contract_number)
);

-- When each company's coverage was last decided again as a whole (Refresh coverage now): a device
-- shows this or its own `coverage_computed_at`, whichever is later.
CREATE TABLE coverage_refreshes (
    company_id  TEXT PRIMARY KEY REFERENCES companies (id),
    computed_at TEXT NOT NULL
);
