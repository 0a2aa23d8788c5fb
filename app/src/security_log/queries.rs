//! The security log's SQL. Events are inserted and read, never updated (the table refuses it);
//! only the retention purge deletes, and only events older than the retention.

use sqlx::AnyConnection;

use super::{EventKind, SecurityEvent, SecurityLogFilter};

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    at: String,
    kind: String,
    actor: String,
    detail: String,
    client_address: String,
}

impl EventRow {
    /// `None` for a kind this version does not know (written by a newer one): skipped, not an
    /// error.
    fn into_event(self) -> Option<SecurityEvent> {
        Some(SecurityEvent {
            id: self.id,
            at: self.at,
            kind: EventKind::parse(&self.kind)?,
            actor: self.actor,
            detail: self.detail,
            client_address: self.client_address,
        })
    }
}

/// An event as written.
pub struct EventRecord<'a> {
    pub at: &'a str,
    pub company_id: Option<&'a str>,
    pub account_id: Option<i64>,
    pub actor: &'a str,
    pub kind: EventKind,
    pub detail: &'a str,
    pub client_address: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, event: &EventRecord<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO security_events (at, company_id, account_id, actor, kind, detail, client_address)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.at)
    .bind(event.company_id)
    .bind(event.account_id)
    .bind(event.actor)
    .bind(event.kind.as_str())
    .bind(event.detail)
    .bind(event.client_address)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The company `account_id` is a member of, if any.
pub async fn company_of_account(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT company_id FROM company_members WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await
}

/// `%text%` for LIKE, with LIKE's own characters taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of `company_id`'s events matching `filter`, newest first, older than event `before`;
/// and whether older ones match too.
pub async fn company_page(
    conn: &mut AnyConnection,
    company_id: &str,
    filter: &SecurityLogFilter,
    before: Option<i64>,
    limit: u32,
) -> Result<(Vec<SecurityEvent>, bool), sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT id, at, kind, actor, detail, client_address FROM security_events
         WHERE company_id = $1
           AND ($2 = '' OR kind = $2)
           AND ($3 = '' OR LOWER(actor) LIKE $4 ESCAPE '\\' OR LOWER(detail) LIKE $4 ESCAPE '\\')
           AND ($5 = '' OR at >= $5)
           AND id < $6
         ORDER BY id DESC LIMIT $7",
    )
    .bind(company_id)
    .bind(&filter.kind)
    .bind(&filter.search)
    .bind(contains_pattern(&filter.search))
    .bind(&filter.since)
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() > limit as usize;
    let events = rows
        .into_iter()
        .take(limit as usize)
        .filter_map(EventRow::into_event)
        .collect();
    Ok((events, more))
}

/// An event as operators read it: with its company and account.
#[derive(Debug, sqlx::FromRow)]
pub struct OperatorEvent {
    pub id: i64,
    pub at: String,
    pub company_id: Option<String>,
    pub account_id: Option<i64>,
    pub actor: String,
    pub kind: String,
    pub detail: String,
    pub client_address: String,
}

/// Every event at or after `since` (all of them when empty), of one company when given, oldest
/// first, after event `after` (for reading in batches).
pub async fn all_events(
    conn: &mut AnyConnection,
    company_id: Option<&str>,
    since: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<OperatorEvent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, company_id, account_id, actor, kind, detail, client_address
         FROM security_events
         WHERE ($1 = '' OR company_id = $1) AND ($2 = '' OR at >= $2) AND id > $3
         ORDER BY id LIMIT $4",
    )
    .bind(company_id.unwrap_or(""))
    .bind(since)
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await
}

/// Deletes events older than `cutoff` (a timestamp); how many went.
pub async fn purge_before(conn: &mut AnyConnection, cutoff: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM security_events WHERE at < $1")
        .bind(cutoff)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
