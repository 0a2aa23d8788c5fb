-- Each person's dashboard: the order of their dashlets and the ones they hid (JSON of
-- app::dashboard::Layout). A person's own choice, not company data.
CREATE TABLE dashboard_layouts (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    layout     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
