-- Access administration: the record of who changed whose access, and vendor support access.

-- Every grant, change and revocation of a role in a company, and every reordering of its DAs.
-- Names are copied as they were, so the record reads the same after an account is gone.
CREATE TABLE role_events (
    id          INTEGER PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    account_id  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    person      TEXT NOT NULL,
    actor_id    BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    actor       TEXT NOT NULL,
    change      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX role_events_by_company ON role_events (company_id, id);

-- A company lets the vendor's agents read its data until expires_at (or until it ends the grant).
CREATE TABLE support_grants (
    id          INTEGER PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    granted_by  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    granted_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    ended_at    TEXT,
    ended_by    BIGINT REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX support_grants_by_company ON support_grants (company_id, expires_at);

-- An agent's session opened on a company under support access: the company it reads.
ALTER TABLE sessions ADD COLUMN support_company_id TEXT REFERENCES companies (id);
