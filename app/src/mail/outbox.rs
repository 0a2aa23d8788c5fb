//! The outbox's SQL: queue, claim, mark delivered or failed, list for the developer mailbox.

use sqlx::{AnyConnection, AnyPool, FromRow};
use time::OffsetDateTime;

use super::Email;
use crate::platform::{
    clock::{timestamp_now, timestamp_text},
    Backend,
};

pub async fn enqueue(conn: &mut AnyConnection, email: &Email) -> Result<i64, sqlx::Error> {
    let now = timestamp_now();
    sqlx::query_scalar(
        "INSERT INTO outbox (to_address, subject, text_body, html_body, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(now)
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i64,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
}

/// Claims up to `limit` due messages for `lease`: no other sender (in this or another process)
/// takes them meanwhile; a sender that dies lets its lease expire and the messages are retried.
pub async fn claim_due(
    pool: &AnyPool,
    backend: Backend,
    limit: i64,
    lease: std::time::Duration,
) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    let now = OffsetDateTime::now_utc();
    let skip_locked = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        // SQLite has one writer at a time: the UPDATE below is the lock.
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET locked_until = $1
         WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2
                      AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3 {skip_locked})
         RETURNING id, to_address, subject, text_body, html_body, attempts, sent_at, last_error, created_at"
    );
    sqlx::query_as(&sql)
        .bind(timestamp_text(now + lease))
        .bind(timestamp_text(now))
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// Marks a message sent and forgets its body: a sent reset or verification link must not stay
/// readable in the database (who, when and the subject stay, for support).
pub async fn mark_sent(pool: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, locked_until = NULL, attempts = attempts + 1, last_error = NULL,
           text_body = '', html_body = ''
         WHERE id = $2",
    )
        .bind(timestamp_now())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Records a failed attempt; the next one waits longer each time (2^attempts seconds, at most 10
/// minutes), and the message is never dropped.
pub async fn mark_failed(
    pool: &AnyPool,
    id: i64,
    attempts_before: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    let wait = std::time::Duration::from_secs(1u64 << attempts_before.clamp(0, 9) as u32)
        .min(std::time::Duration::from_secs(600));
    let next = timestamp_text(OffsetDateTime::now_utc() + wait);
    sqlx::query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3")
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The newest messages first, for the developer mailbox.
pub async fn recent(pool: &AnyPool, limit: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, to_address, subject, text_body, html_body, attempts, sent_at, last_error, created_at
         FROM outbox ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}
