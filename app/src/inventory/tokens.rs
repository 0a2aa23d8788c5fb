//! Collector tokens: bearer tokens a company's DA or Admin creates for its collectors. The token
//! is shown once; only its SHA-256 is stored (it is 256 random bits, so a fast hash is enough).

use super::{TokenInfo, TokenScope, UploadError};
use crate::{
    accounts::session::{random_token, token_hash},
    security_log::{self, EventKind, NewEvent},
    platform::{
        clock::{timestamp_now, timestamp_text},
        AppState,
    },
};

/// Every collector token starts with this, so a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "nct_";
pub const MAX_NAME_CHARS: usize = 100;
/// The longest life a token can be given (two years); without one it lives until revoked.
pub const MAX_EXPIRY_DAYS: u32 = 730;

/// The company and token an `Authorization: Bearer …` header proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub token_id: i64,
    pub company_id: String,
    pub name: String,
    pub scope: TokenScope,
}

/// A new token for `company_id`: its description and the secret, which is never shown again.
pub async fn create(
    state: &AppState,
    company_id: &str,
    created_by: Option<i64>,
    name: &str,
    expires_in_days: Option<u32>,
    scope: TokenScope,
) -> Result<(TokenInfo, String), UploadError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(UploadError::InvalidTokenName);
    }
    if expires_in_days.is_some_and(|days| !(1..=MAX_EXPIRY_DAYS).contains(&days)) {
        return Err(UploadError::InvalidTokenExpiry);
    }
    let expires_at = expires_in_days.map(|days| {
        timestamp_text(time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(days)))
    });
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let hint = format!("{}…", &secret[..TOKEN_PREFIX.len() + 6]);
    let now = timestamp_now();
    let mut conn = state.db.conn().await?;
    let hash = token_hash(&secret);
    let new = super::queries::tokens::NewToken {
        company_id,
        name,
        hash: &hash,
        hint: &hint,
        created_by,
        now: &now,
        expires_at: expires_at.as_deref(),
        scope,
    };
    let id = super::queries::tokens::insert(&mut conn, &new).await?;
    let info = super::queries::tokens::find(&mut conn, company_id, id)
        .await?
        .ok_or(UploadError::TokenNotFound)?;
    Ok((info, secret))
}

pub async fn list(state: &AppState, company_id: &str) -> Result<Vec<TokenInfo>, UploadError> {
    let mut conn = state.db.conn().await?;
    Ok(super::queries::tokens::list(&mut conn, company_id).await?)
}

/// Revokes one of the company's tokens; uploads with it are refused from now on.
pub async fn revoke(
    state: &AppState,
    company_id: &str,
    revoked_by: i64,
    token_id: i64,
) -> Result<TokenInfo, UploadError> {
    let mut conn = state.db.conn().await?;
    let which = super::queries::tokens::Revoked::Token(token_id);
    let now = timestamp_now();
    super::queries::tokens::revoke(&mut conn, company_id, which, revoked_by, &now).await?;
    super::queries::tokens::find(&mut conn, company_id, token_id)
        .await?
        .ok_or(UploadError::TokenNotFound)
}

/// The holder of a presented token, if it is a live one. A token's first use is noted on it and
/// in the security log (a token used by someone it was not made for shows up there).
pub async fn authenticate(
    state: &AppState,
    presented: &str,
    client: &str,
) -> Result<Option<TokenHolder>, UploadError> {
    if !presented.starts_with(TOKEN_PREFIX) || presented.len() > 200 {
        return Ok(None);
    }
    let mut conn = state.db.conn().await?;
    let hash = token_hash(presented);
    let now = timestamp_now();
    let Some((holder, never_used)) =
        super::queries::tokens::holder(&mut conn, &hash, &now).await?
    else {
        return Ok(None);
    };
    // Only a token never used before is written to: every other request only reads.
    if never_used {
        let first =
            super::queries::tokens::note_first_use(&mut conn, holder.token_id, &now, client)
                .await?;
        drop(conn);
        if first {
            let event = NewEvent::new(EventKind::TokenFirstUsed, holder.name.as_str())
                .company(&holder.company_id)
                .detail(format!("token #{}", holder.token_id))
                .from(client);
            security_log::record(state, event).await;
        }
    }
    Ok(Some(holder))
}
