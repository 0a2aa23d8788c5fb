-- Two-step sign-in (TOTP, RFC 6238). An account has at most one authenticator app: its secret
-- (base32) is kept unconfirmed while the person enrols and counts once they typed a first code.
-- last_step is the newest 30-second step a code was accepted for: a code is never accepted twice.
CREATE TABLE second_factors (
    account_id   BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    totp_secret  TEXT NOT NULL,
    confirmed_at TEXT,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);

-- Ten single-use codes for when the phone is lost; only their SHA-256 (they are 80 random bits).
CREATE TABLE recovery_codes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (account_id, code_hash)
);

-- A sign-in whose password was right and whose second step is awaited: the browser holds the
-- token (only its hash here) for a few minutes.
CREATE TABLE sign_in_challenges (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
CREATE INDEX sign_in_challenges_by_account ON sign_in_challenges (account_id);

-- A company whose Delegated Administrator requires two-step sign-in of every member: since when,
-- and who decided.
ALTER TABLE companies ADD COLUMN second_factor_required_at TEXT;
ALTER TABLE companies ADD COLUMN second_factor_required_by TEXT;
