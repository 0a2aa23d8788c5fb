//! The second factor's SQL: per account, and the company rule per company id.

use sqlx::AnyConnection;

/// An account's authenticator app, confirmed or still being enrolled.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FactorRow {
    pub totp_secret: String,
    pub confirmed_at: Option<String>,
    pub last_step: i64,
}

pub async fn factor_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<FactorRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT totp_secret, confirmed_at, last_step FROM second_factors WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await
}

/// Starts (or starts again) an enrolment with a new secret; a confirmed factor is never replaced
/// here (turning it off comes first).
pub async fn begin_enrolment(
    conn: &mut AnyConnection,
    account_id: i64,
    secret: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM second_factors WHERE account_id = $1 AND confirmed_at IS NULL")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query(
        "INSERT INTO second_factors (account_id, totp_secret, confirmed_at, last_step, created_at)
         SELECT $1, $2, NULL, 0, $3
         WHERE NOT EXISTS (SELECT 1 FROM second_factors WHERE account_id = $1)",
    )
    .bind(account_id)
    .bind(secret)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that a code of `step` was accepted, if no code of that step or later was: false when a
/// parallel request used it first.
pub async fn use_step(
    conn: &mut AnyConnection,
    account_id: i64,
    step: i64,
    confirm_at: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE second_factors SET last_step = $2, confirmed_at = COALESCE(confirmed_at, $3)
         WHERE account_id = $1 AND last_step < $2",
    )
    .bind(account_id)
    .bind(step)
    .bind(confirm_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the account's factor confirmed without a code (operators: see `enrol_with_key`).
pub async fn confirm_factor(
    conn: &mut AnyConnection,
    account_id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE second_factors SET confirmed_at = $2 WHERE account_id = $1")
        .bind(account_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes the account's authenticator app, and its recovery codes with it if `with_codes`.
pub async fn remove_factor(
    conn: &mut AnyConnection,
    account_id: i64,
    with_codes: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM second_factors WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    if with_codes {
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(account_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Replaces every recovery code of the account (used or not) with these.
pub async fn replace_recovery_codes(
    conn: &mut AnyConnection,
    account_id: i64,
    hashes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    for hash in hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (account_id, code_hash, used_at) VALUES ($1, $2, NULL)",
        )
        .bind(account_id)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Uses a recovery code once: false if it is not one of the account's unused codes.
pub async fn use_recovery_code(
    conn: &mut AnyConnection,
    account_id: i64,
    hash: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3
         WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn recovery_codes_left(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await
}

/// The company (id, name) whose rule requires the account's two-step sign-in, if one does.
pub async fn company_requiring(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name FROM company_members m JOIN companies c ON c.id = m.company_id
         WHERE m.account_id = $1 AND c.second_factor_required_at IS NOT NULL",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await
}

/// Since when and by whom the company requires two-step sign-in, if it does.
pub async fn company_rule(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT second_factor_required_at, second_factor_required_by FROM companies WHERE id = $1",
    )
    .bind(company_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(at, by)| Some((at?, by.unwrap_or_default()))))
}

pub async fn set_company_rule(
    conn: &mut AnyConnection,
    company_id: &str,
    required: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE companies SET second_factor_required_at = $2, second_factor_required_by = $3
         WHERE id = $1",
    )
    .bind(company_id)
    .bind(required.map(|(at, _)| at))
    .bind(required.map(|(_, by)| by))
    .execute(conn)
    .await?;
    Ok(())
}

/// The company's members (username, full name) without a confirmed second factor.
pub async fn members_without_factor(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.username, a.full_name FROM company_members m JOIN accounts a ON a.id = m.account_id
         WHERE m.company_id = $1 AND a.disabled_at IS NULL
           AND NOT EXISTS (
             SELECT 1 FROM second_factors f WHERE f.account_id = a.id AND f.confirmed_at IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.account_id = a.id)
         ORDER BY a.username",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await
}

pub async fn insert_challenge(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: i64,
    expires_at: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    // Expired challenges of anyone go with each new one: the table stays small.
    sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO sign_in_challenges (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The account a live challenge belongs to.
pub async fn challenge_account(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT account_id FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn delete_challenge(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}
