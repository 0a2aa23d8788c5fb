-- An agent's approval of a request into a company the request did not prove: it waits here
-- until a second agent approves the same entry (four eyes on an association nobody proved).
CREATE TABLE agent_proposals (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    entry_id    TEXT NOT NULL,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    agent_id    INTEGER NOT NULL REFERENCES accounts (id),
    created_at  TEXT NOT NULL
);
