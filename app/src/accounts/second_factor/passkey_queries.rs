//! Passkeys' SQL: an account's passkeys, its user handle, and ceremonies between their two calls.

use sqlx::AnyConnection;

/// A stored passkey: the credential as webauthn-rs serialises it, with what the profile shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    pub id: i64,
    pub account_id: i64,
    pub credential: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

const PASSKEY_COLUMNS: &str = "id, account_id, credential, name, created_at, last_used_at";

pub async fn passkeys_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<PasskeyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE account_id = $1 ORDER BY created_at, id"
    ))
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// How many passkeys the account has.
pub async fn passkey_count(conn: &mut AnyConnection, account_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(conn)
        .await
}

/// The passkey with this credential id, if it belongs to the account.
pub async fn passkey_by_credential(
    conn: &mut AnyConnection,
    account_id: i64,
    credential_id: &str,
) -> Result<Option<PasskeyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE account_id = $1 AND credential_id = $2"
    ))
    .bind(account_id)
    .bind(credential_id)
    .fetch_optional(conn)
    .await
}

/// Stores a new passkey; false when its credential id is already stored (for anyone).
pub async fn insert_passkey(
    conn: &mut AnyConnection,
    account_id: i64,
    credential_id: &str,
    credential: &str,
    name: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO passkeys (account_id, credential_id, credential, name, created_at)
         SELECT $1, $2, $3, $4, $5
         WHERE NOT EXISTS (SELECT 1 FROM passkeys WHERE credential_id = $2)",
    )
    .bind(account_id)
    .bind(credential_id)
    .bind(credential)
    .bind(name)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a sign-in with the passkey: when, and its credential with the new signature counter.
pub async fn mark_passkey_used(
    conn: &mut AnyConnection,
    id: i64,
    credential: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE id = $1")
        .bind(id)
        .bind(credential)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes one of the account's passkeys: false if it has no passkey of that id.
pub async fn delete_passkey(
    conn: &mut AnyConnection,
    account_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM passkeys WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn user_handle_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_handle FROM passkey_users WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

pub async fn insert_user_handle(
    conn: &mut AnyConnection,
    account_id: i64,
    handle: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO passkey_users (account_id, user_handle) VALUES ($1, $2)")
        .bind(account_id)
        .bind(handle)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn account_of_handle(
    conn: &mut AnyConnection,
    handle: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT account_id FROM passkey_users WHERE user_handle = $1")
        .bind(handle)
        .fetch_optional(conn)
        .await
}

/// A ceremony under way, as `take_ceremony` returns it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CeremonyRow {
    pub account_id: Option<i64>,
    pub purpose: String,
    pub state: String,
    pub detail: String,
}

pub struct NewCeremony<'a> {
    pub token_hash: &'a str,
    pub account_id: Option<i64>,
    pub purpose: &'a str,
    pub state: &'a str,
    pub detail: &'a str,
    pub expires_at: &'a str,
}

pub async fn insert_ceremony(
    conn: &mut AnyConnection,
    ceremony: &NewCeremony<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    // Expired ceremonies of anyone go with each new one: the table stays small.
    sqlx::query("DELETE FROM passkey_ceremonies WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO passkey_ceremonies (token_hash, account_id, purpose, state, detail, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ceremony.token_hash)
    .bind(ceremony.account_id)
    .bind(ceremony.purpose)
    .bind(ceremony.state)
    .bind(ceremony.detail)
    .bind(ceremony.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a live ceremony of this purpose (each is answered once): `None` when it expired, was
/// already answered or never was.
pub async fn take_ceremony(
    conn: &mut AnyConnection,
    token_hash: &str,
    purpose: &str,
    now: &str,
) -> Result<Option<CeremonyRow>, sqlx::Error> {
    let row: Option<CeremonyRow> = sqlx::query_as(
        "SELECT account_id, purpose, state, detail FROM passkey_ceremonies
         WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let taken = sqlx::query("DELETE FROM passkey_ceremonies WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    // A parallel answer took it first: only one of them goes on.
    Ok(row.filter(|_| taken.rows_affected() == 1))
}

/// Whether the account has any passkey or a confirmed authenticator app.
pub async fn has_second_factor(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM passkeys WHERE account_id = $1)
              + (SELECT COUNT(*) FROM second_factors WHERE account_id = $1 AND confirmed_at IS NOT NULL)",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

/// How many second factors the account has (passkeys and a confirmed authenticator app), and how
/// many of its companies require one: what every server call checks, in one query.
pub async fn factors_and_rules(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM passkeys WHERE account_id = $1)
              + (SELECT COUNT(*) FROM second_factors WHERE account_id = $1 AND confirmed_at IS NOT NULL),
                (SELECT COUNT(*) FROM company_members m JOIN companies c ON c.id = m.company_id
                  WHERE m.account_id = $1 AND c.second_factor_required_at IS NOT NULL)",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await
}

/// Live ceremonies of a purpose, of anyone.
pub async fn live_ceremonies(
    conn: &mut AnyConnection,
    purpose: &str,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM passkey_ceremonies WHERE purpose = $1 AND expires_at > $2",
    )
    .bind(purpose)
    .bind(now)
    .fetch_one(conn)
    .await
}
