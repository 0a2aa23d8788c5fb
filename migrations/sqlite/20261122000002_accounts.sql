-- People's accounts, their sessions, single-use email tokens, the mail outbox and throttles.

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    username          TEXT NOT NULL,
    username_key      TEXT NOT NULL UNIQUE,
    full_name         TEXT NOT NULL,
    email             TEXT NOT NULL UNIQUE,
    email_verified_at TEXT,
    password_hash     TEXT NOT NULL,
    is_agent          INTEGER NOT NULL DEFAULT 0 CHECK (is_agent IN (0, 1)),
    disabled_at       TEXT,
    last_login_at     TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

-- Only a hash of the cookie's token is stored: a copy of this table opens no session.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    idle_expires_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- purpose: verify_email | reset_password | change_email (new_email holds the address to verify).
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    email      TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX email_tokens_by_account ON email_tokens (account_id, purpose);

-- Every email is written here in the transaction of the change that causes it; a sender task
-- delivers it (or, without SMTP, it stays for the developer mailbox).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    last_error      TEXT,
    sent_at         TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- Failed attempts per key (an account, a client address): past a threshold, the next attempt
-- must wait, longer each time, instead of locking anyone out for good.
CREATE TABLE throttles (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    window_start_at TEXT NOT NULL,
    blocked_until   TEXT,
    updated_at      TEXT NOT NULL
);
