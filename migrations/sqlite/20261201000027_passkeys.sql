-- Passkeys (WebAuthn): a second factor after the password, and a sign-in of their own (the
-- device's PIN or biometrics verify the person). The credential as webauthn-rs keeps it (public
-- key, counter, flags), found by its id (base64url, unique across accounts).
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    credential    TEXT NOT NULL,
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT
);
CREATE INDEX passkeys_by_account ON passkeys (account_id);

-- The user handle an account's passkeys carry (a random UUID, not the account id): a
-- password-less sign-in finds the account by it.
CREATE TABLE passkey_users (
    account_id  BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    user_handle TEXT NOT NULL UNIQUE
);

-- A WebAuthn ceremony between its two calls: what webauthn-rs checks the browser's answer
-- against. purpose: register (detail: the passkey's name), second_step (detail: the sign-in
-- challenge's hash) or sign_in (no account yet). The browser holds the token; only its hash here.
CREATE TABLE passkey_ceremonies (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    state      TEXT NOT NULL,
    detail     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX passkey_ceremonies_by_purpose ON passkey_ceremonies (purpose, expires_at);
