//! Transactions that lose a race run again; failures for lack of room are told apart.

use std::time::Duration;

/// Whether a failure is a transaction losing a race it may win when run again: PostgreSQL's
/// serialization failure (40001) or deadlock (40P01), or SQLite still busy after its timeout.
pub fn is_conflict(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| matches!(code.as_ref(), "40001" | "40P01" | "5" | "517"))
}

/// Whether the database failed for lack of room: SQLite's "database or disk is full" (13) or a
/// write refused by the system (778, e.g. past a file size limit), PostgreSQL's disk_full (53100).
pub fn is_storage_full(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| matches!(code.as_ref(), "13" | "778" | "53100"))
}

/// Runs `attempt` (a whole transaction) again when it loses a race ([`is_conflict`]), up to 4
/// times with a short, growing pause; any other outcome is returned as it is.
pub async fn retry_conflicts<T, F, Fut>(mut attempt: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, sqlx::Error>>,
{
    let mut tries = 1u64;
    loop {
        match attempt().await {
            Err(err) if is_conflict(&err) && tries < 4 => {
                tracing::info!(error = %err, tries, "transaction conflict; running it again");
                tokio::time::sleep(Duration::from_millis(
                    20 * tries + u64::from(rand::random::<u8>() % 20),
                ))
                .await;
                tries += 1;
            }
            outcome => return outcome,
        }
    }
}
