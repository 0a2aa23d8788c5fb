-- Saved views of the Library: a person's named filter (the Library's query string) and columns
-- (the column chooser's keys), in the company they were saved in; `shared` shows them to everyone
-- of that company. Names are unique per person and company; saving under a name replaces it.
CREATE TABLE saved_views (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    columns    TEXT NOT NULL,
    shared     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (company_id, account_id, name)
);
CREATE INDEX saved_views_shared ON saved_views (company_id, shared);
