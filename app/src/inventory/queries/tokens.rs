//! Collector tokens' SQL; every function but [`holder`] takes the company id (the token a request
//! presents is what says which company is asking).

use sqlx::AnyConnection;

use crate::inventory::{tokens::TokenHolder, TokenInfo, TokenScope};

pub async fn company_exists(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// A token to store: only its hash and a hint of its first characters, never the secret.
pub struct NewToken<'a> {
    pub company_id: &'a str,
    pub name: &'a str,
    pub hash: &'a str,
    pub hint: &'a str,
    pub created_by: Option<i64>,
    pub now: &'a str,
    pub expires_at: Option<&'a str>,
    pub scope: TokenScope,
}

pub async fn insert(conn: &mut AnyConnection, token: &NewToken<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO collector_tokens (company_id, name, token_hash, hint, created_by, created_at, expires_at, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(token.company_id)
    .bind(token.name)
    .bind(token.hash)
    .bind(token.hint)
    .bind(token.created_by)
    .bind(token.now)
    .bind(token.expires_at)
    .bind(token.scope.as_str())
    .fetch_one(conn)
    .await
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    hint: String,
    scope: String,
    created_at: String,
    created_by: Option<String>,
    last_used_at: Option<String>,
    last_used_address: Option<String>,
    expires_at: Option<String>,
    revoked_at: Option<String>,
}

const SELECT: &str = "SELECT t.id, t.name, t.hint, t.scope, t.created_at, a.full_name AS created_by, t.last_used_at,
            t.last_used_address, t.expires_at, t.revoked_at
     FROM collector_tokens t LEFT JOIN accounts a ON a.id = t.created_by WHERE t.company_id = $1";

fn info(row: TokenRow) -> TokenInfo {
    TokenInfo {
        id: row.id,
        name: row.name,
        hint: row.hint,
        scope: scope(&row.scope),
        created_at: row.created_at,
        created_by: row.created_by.unwrap_or_else(|| "an operator".to_owned()),
        last_used_at: row.last_used_at,
        last_used_address: row.last_used_address,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    }
}

/// A stored scope; one this code does not know grants only reading.
fn scope(stored: &str) -> TokenScope {
    TokenScope::parse(stored).unwrap_or(TokenScope::Read)
}

pub async fn find(
    conn: &mut AnyConnection,
    company_id: &str,
    id: i64,
) -> Result<Option<TokenInfo>, sqlx::Error> {
    let row: Option<TokenRow> = sqlx::query_as(&format!("{SELECT} AND t.id = $2"))
        .bind(company_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(info))
}

pub async fn list(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<TokenInfo>, sqlx::Error> {
    let rows: Vec<TokenRow> = sqlx::query_as(&format!("{SELECT} ORDER BY t.id DESC"))
        .bind(company_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(info).collect())
}

/// Which of a company's live tokens a revocation ends.
pub enum Revoked {
    /// One token, by id.
    Token(i64),
    /// Every token this account created (it lost the right to manage collectors).
    MadeBy(i64),
}

/// Revokes the company's live tokens `which` names; how many.
pub async fn revoke(
    conn: &mut AnyConnection,
    company_id: &str,
    which: Revoked,
    revoked_by: i64,
    now: &str,
) -> Result<u64, sqlx::Error> {
    let (column, id) = match which {
        Revoked::Token(id) => ("id", id),
        Revoked::MadeBy(account_id) => ("created_by", account_id),
    };
    let revoked = sqlx::query(&format!(
        "UPDATE collector_tokens SET revoked_at = $1, revoked_by = $2
         WHERE company_id = $3 AND {column} = $4 AND revoked_at IS NULL"
    ))
    .bind(now)
    .bind(revoked_by)
    .bind(company_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(revoked.rows_affected())
}

/// Notes an upload with the token: when, and from which address.
pub async fn touch(
    conn: &mut AnyConnection,
    company_id: &str,
    id: i64,
    now: &str,
    address: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE collector_tokens SET last_used_at = $1, last_used_address = COALESCE($4, last_used_address)
         WHERE company_id = $2 AND id = $3",
    )
    .bind(now)
    .bind(company_id)
    .bind(id)
    .bind(address)
    .execute(conn)
    .await?;
    Ok(())
}

/// Notes the token's first use (when it has none yet); whether this was it. One statement, so
/// of two first requests at once exactly one is the first.
pub async fn note_first_use(
    conn: &mut AnyConnection,
    id: i64,
    now: &str,
    address: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE collector_tokens SET last_used_at = $1, last_used_address = $2
         WHERE id = $3 AND last_used_at IS NULL",
    )
    .bind(now)
    .bind(address)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The live token with this hash, and whether it was never used before. The one lookup not scoped by company: the token is what
/// says which company is asking.
pub async fn holder(
    conn: &mut AnyConnection,
    hash: &str,
    now: &str,
) -> Result<Option<(TokenHolder, bool)>, sqlx::Error> {
    let row: Option<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, company_id, name, scope, last_used_at FROM collector_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(token_id, company_id, name, stored, last_used_at)| {
        let holder = TokenHolder {
            token_id,
            company_id,
            name,
            scope: scope(&stored),
        };
        (holder, last_used_at.is_none())
    }))
}
