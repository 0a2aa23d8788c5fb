-- The security log: what happened to accounts, access, tokens and data, by whom, from where.
-- Append-only: rows are never changed (a trigger refuses it); the retention purge deletes the
-- oldest. `company_id` is the company whose Delegated Administrators read the event (NULL: only
-- operators, e.g. a failed sign-in to an unknown account).
CREATE TABLE security_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              TEXT NOT NULL,
    company_id      TEXT,
    account_id      BIGINT,
    actor           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_by_company ON security_events (company_id, id);
CREATE INDEX security_events_by_time ON security_events (at);
CREATE FUNCTION security_events_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the security log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER security_events_append_only BEFORE UPDATE ON security_events
    FOR EACH ROW EXECUTE FUNCTION security_events_refuse_update();
