-- The security log: what happened to accounts, access, tokens and data, by whom, from where.
-- Append-only: rows are never changed (a trigger refuses it); the retention purge deletes the
-- oldest. `company_id` is the company whose Delegated Administrators read the event (NULL: only
-- operators, e.g. a failed sign-in to an unknown account).
CREATE TABLE security_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    company_id      TEXT,
    account_id      INTEGER,
    actor           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_by_company ON security_events (company_id, id);
CREATE INDEX security_events_by_time ON security_events (at);
CREATE TRIGGER security_events_append_only BEFORE UPDATE ON security_events
BEGIN
    SELECT RAISE(ABORT, 'the security log is append-only');
END;
