//! The accounts' SQL. Accounts are people, not company data, so these take account ids.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::CurrentUser;
use crate::platform::db::DbBool;

#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub email_verified_at: Option<String>,
    pub password_hash: String,
    pub is_agent: DbBool,
    pub disabled_at: Option<String>,
}

impl AccountRow {
    pub fn to_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            email_verified: self.email_verified_at.is_some(),
            is_agent: self.is_agent.0,
            membership: None,
            second_factor_setup: false,
        }
    }
}

const ACCOUNT_COLUMNS: &str =
    "id, username, full_name, email, email_verified_at, password_hash, is_agent, disabled_at";

/// By username (any case) or email.
pub async fn find_by_login(
    conn: &mut AnyConnection,
    username_key: &str,
    email: &str,
) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username_key = $1 OR email = $2"
    ))
    .bind(username_key)
    .bind(email)
    .fetch_optional(conn)
    .await
}

pub async fn find_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn find_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(conn)
    .await
}

/// Which of a username and an email are already taken.
pub async fn taken(
    conn: &mut AnyConnection,
    username_key: &str,
    email: &str,
) -> Result<(bool, bool), sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT username_key, email FROM accounts WHERE username_key = $1 OR email = $2",
    )
    .bind(username_key)
    .bind(email)
    .fetch_all(conn)
    .await?;
    Ok((
        rows.iter().any(|(u, _)| u == username_key),
        rows.iter().any(|(_, e)| e == email),
    ))
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub username_key: &'a str,
    pub full_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub is_agent: bool,
    pub email_verified_at: Option<&'a str>,
}

pub async fn insert_account(
    conn: &mut AnyConnection,
    account: &NewAccount<'_>,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO accounts (username, username_key, full_name, email, email_verified_at, password_hash, is_agent, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(account.username)
    .bind(account.username_key)
    .bind(account.full_name)
    .bind(account.email)
    .bind(account.email_verified_at)
    .bind(account.password_hash)
    .bind(account.is_agent)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn set_full_name(
    conn: &mut AnyConnection,
    id: i64,
    full_name: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET full_name = $1, updated_at = $2 WHERE id = $3")
        .bind(full_name)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_email_verified(
    conn: &mut AnyConnection,
    id: i64,
    email: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE accounts SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(email)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    password_hash: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_last_login(
    conn: &mut AnyConnection,
    id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: i64,
    now: &str,
    idle_expires_at: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, idle_expires_at, expires_at, authenticated_at) VALUES ($1, $2, $3, $3, $4, $5, $3)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(idle_expires_at)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Disables an account (`at`: when) or enables it again (`None`).
pub async fn set_disabled(
    conn: &mut AnyConnection,
    account_id: i64,
    at: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2")
        .bind(at)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every live collector token the account created, in any company (an operator disabled
/// it); how many.
pub async fn revoke_tokens_created_by(
    conn: &mut AnyConnection,
    account_id: i64,
    now: &str,
) -> Result<u64, sqlx::Error> {
    let revoked = sqlx::query(
        "UPDATE collector_tokens SET revoked_at = $1 WHERE created_by = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(revoked.rows_affected())
}

/// Ends every session of the account but `keep` (the one asking).
pub async fn delete_other_sessions(
    conn: &mut AnyConnection,
    account_id: i64,
    keep: &str,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(account_id)
            .bind(keep)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

pub async fn delete_sessions_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// The account of a session that is not expired (idle or absolute) and whose account is not
/// disabled, or of one someone else ended (`ended_reason`) before its absolute expiry, so its
/// holder can be told why.
pub async fn live_session(
    pool: &AnyPool,
    token_hash: &str,
    now: &str,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.account_id, s.last_seen_at, s.ended_reason, s.authenticated_at FROM sessions s
         JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1 AND s.expires_at > $2
           AND (s.ended_reason IS NOT NULL OR (s.idle_expires_at > $2 AND a.disabled_at IS NULL))",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub account_id: i64,
    pub last_seen_at: String,
    pub ended_reason: Option<String>,
    pub authenticated_at: Option<String>,
}

/// The session's person proved who they are again, now.
pub async fn mark_authenticated(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET authenticated_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every live session of an account for `reason`: its browsers are refused from their next
/// request on and told why (rather than deleted, which would only say "sign in").
pub async fn end_sessions_of(
    conn: &mut AnyConnection,
    account_id: i64,
    reason: crate::error::SessionEnd,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE sessions SET ended_reason = $2, support_company_id = NULL
         WHERE account_id = $1 AND ended_reason IS NULL",
    )
    .bind(account_id)
    .bind(reason.as_str())
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn touch_session(
    pool: &AnyPool,
    token_hash: &str,
    now: &str,
    idle_expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $1, idle_expires_at = $2 WHERE token_hash = $3",
    )
    .bind(now)
    .bind(idle_expires_at)
    .bind(token_hash)
    .execute(pool)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct TokenRow {
    pub account_id: i64,
    pub purpose: String,
    pub email: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: i64,
    purpose: &str,
    email: &str,
    expires_at: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, account_id, purpose, email, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(purpose)
    .bind(email)
    .bind(expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as("SELECT account_id, purpose, email, expires_at, used_at FROM email_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(conn)
        .await
}

/// Marks a token used; false if it already was (a concurrent click).
pub async fn use_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let affected = sqlx::query(
        "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(affected == 1)
}

/// Earlier unused tokens of a purpose stop working when a new one is sent.
pub async fn retire_tokens(
    conn: &mut AnyConnection,
    account_id: i64,
    purpose: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE email_tokens SET expires_at = $1 WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(account_id)
        .bind(purpose)
        .execute(conn)
        .await?;
    Ok(())
}

/// The company an account belongs to and its role there, once its registration is complete (a DA
/// approved but not yet verified has a membership row but no access).
pub async fn membership_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<super::Membership>, sqlx::Error> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT m.company_id, c.name, m.role FROM company_members m JOIN companies c ON c.id = m.company_id
         LEFT JOIN onboarding o ON o.account_id = m.account_id
         WHERE m.account_id = $1 AND (o.stage_name IS NULL OR o.stage_name = 'Complete')",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(
        row.map(|(company_id, company_name, role)| super::Membership {
            company_id,
            company_name,
            // The schema allows only the roles a company gives.
            role: super::Role::parse(&role).unwrap_or(super::Role::User),
            support_until: None,
        }),
    )
}

/// The company whose data this session reads: the person's own, or for an agent the company
/// their session is open on while its grant of support access lives (role `support`: read only).
pub async fn company_of_session(
    conn: &mut sqlx::AnyConnection,
    session: &super::session::SessionInfo,
) -> Result<Option<super::Membership>, sqlx::Error> {
    if let Some(membership) = membership_of(conn, session.account_id).await? {
        return Ok(Some(membership));
    }
    let supported = support_company_of_session(
        conn,
        &session.token_hash,
        &crate::platform::clock::timestamp_now(),
    )
    .await?;
    Ok(
        supported.map(|(company_id, company_name, until)| super::Membership {
            company_id,
            company_name,
            role: super::Role::Support,
            support_until: Some(until),
        }),
    )
}

/// The company an agent's session is open on under a live grant of support access: (id, name,
/// when the grant ends).
pub async fn support_company_of_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, g.expires_at FROM sessions s
         JOIN accounts a ON a.id = s.account_id AND a.is_agent = TRUE
         JOIN companies c ON c.id = s.support_company_id
         JOIN support_grants g ON g.company_id = s.support_company_id
         WHERE s.token_hash = $1 AND g.ended_at IS NULL AND g.expires_at > $2
         ORDER BY g.expires_at DESC LIMIT 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Records a change of access. `actor` is who made it (`None`: the onboarding itself).
pub async fn record_role_event(
    conn: &mut AnyConnection,
    company_id: &str,
    person: Option<(i64, &str)>,
    actor: Option<(i64, &str)>,
    change: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO role_events (company_id, account_id, person, actor_id, actor, change, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(company_id)
    .bind(person.map(|(id, _)| id))
    .bind(person.map_or("", |(_, name)| name))
    .bind(actor.map(|(id, _)| id))
    .bind(actor.map_or("Onboarding", |(_, name)| name))
    .bind(change)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
