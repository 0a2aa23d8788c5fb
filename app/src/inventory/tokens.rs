//! Collector tokens: bearer tokens a company's DA or Admin creates for its collectors. The token
//! is shown once; only its SHA-256 is stored (it is 256 random bits, so a fast hash is enough).

use super::{TokenInfo, UploadError};
use crate::{
    accounts::session::{random_token, token_hash},
    platform::{db::timestamp_now, AppState},
};

/// Every collector token starts with this, so a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "nct_";
pub const MAX_NAME_CHARS: usize = 100;

/// The company and token an `Authorization: Bearer …` header proves.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenHolder {
    pub token_id: i64,
    pub company_id: String,
    pub name: String,
}

/// A new token for `company_id`: its description and the secret, which is never shown again.
pub async fn create(
    state: &AppState,
    company_id: &str,
    created_by: Option<i64>,
    name: &str,
) -> Result<(TokenInfo, String), UploadError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(UploadError::InvalidTokenName);
    }
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let hint = format!("{}…", &secret[..TOKEN_PREFIX.len() + 6]);
    let now = timestamp_now();
    let mut conn = state.db.conn().await?;
    let id = queries::insert(
        &mut conn,
        company_id,
        name,
        &token_hash(&secret),
        &hint,
        created_by,
        &now,
    )
    .await?;
    let info = queries::find(&mut conn, company_id, id)
        .await?
        .ok_or(UploadError::TokenNotFound)?;
    Ok((info, secret))
}

pub async fn list(state: &AppState, company_id: &str) -> Result<Vec<TokenInfo>, UploadError> {
    let mut conn = state.db.conn().await?;
    Ok(queries::list(&mut conn, company_id).await?)
}

/// Revokes one of the company's tokens; uploads with it are refused from now on.
pub async fn revoke(
    state: &AppState,
    company_id: &str,
    revoked_by: i64,
    token_id: i64,
) -> Result<TokenInfo, UploadError> {
    let mut conn = state.db.conn().await?;
    queries::revoke(
        &mut conn,
        company_id,
        token_id,
        revoked_by,
        &timestamp_now(),
    )
    .await?;
    queries::find(&mut conn, company_id, token_id)
        .await?
        .ok_or(UploadError::TokenNotFound)
}

/// The holder of a presented token, if it is a live one.
pub async fn authenticate(
    state: &AppState,
    presented: &str,
) -> Result<Option<TokenHolder>, UploadError> {
    if !presented.starts_with(TOKEN_PREFIX) || presented.len() > 200 {
        return Ok(None);
    }
    let mut conn = state.db.conn().await?;
    Ok(queries::holder(&mut conn, &token_hash(presented)).await?)
}

pub mod queries {
    //! Collector tokens' SQL; every function but [`holder`] takes the company id.

    use sqlx::AnyConnection;

    use super::TokenHolder;
    use crate::inventory::TokenInfo;

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

    pub async fn insert(
        conn: &mut AnyConnection,
        company_id: &str,
        name: &str,
        hash: &str,
        hint: &str,
        created_by: Option<i64>,
        now: &str,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO collector_tokens (company_id, name, token_hash, hint, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(company_id)
        .bind(name)
        .bind(hash)
        .bind(hint)
        .bind(created_by)
        .bind(now)
        .fetch_one(conn)
        .await
    }

    #[derive(sqlx::FromRow)]
    struct TokenRow {
        id: i64,
        name: String,
        hint: String,
        created_at: String,
        created_by: Option<String>,
        last_used_at: Option<String>,
        revoked_at: Option<String>,
    }

    const SELECT: &str = "SELECT t.id, t.name, t.hint, t.created_at, a.full_name AS created_by, t.last_used_at, t.revoked_at
         FROM collector_tokens t LEFT JOIN accounts a ON a.id = t.created_by WHERE t.company_id = $1";

    fn info(row: TokenRow) -> TokenInfo {
        TokenInfo {
            id: row.id,
            name: row.name,
            hint: row.hint,
            created_at: row.created_at,
            created_by: row.created_by.unwrap_or_else(|| "an operator".to_owned()),
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
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

    pub async fn revoke(
        conn: &mut AnyConnection,
        company_id: &str,
        id: i64,
        revoked_by: i64,
        now: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE collector_tokens SET revoked_at = $1, revoked_by = $2
             WHERE company_id = $3 AND id = $4 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(revoked_by)
        .bind(company_id)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn touch(
        conn: &mut AnyConnection,
        company_id: &str,
        id: i64,
        now: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE collector_tokens SET last_used_at = $1 WHERE company_id = $2 AND id = $3",
        )
        .bind(now)
        .bind(company_id)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The live token with this hash. The one lookup not scoped by company: the token is what
    /// says which company is asking.
    pub async fn holder(
        conn: &mut AnyConnection,
        hash: &str,
    ) -> Result<Option<TokenHolder>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id AS token_id, company_id, name FROM collector_tokens
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash)
        .fetch_optional(conn)
        .await
    }
}
