//! Coverage recomputation after a registry change, as a work queue in the database. A change's
//! row says whether it is done (`recomputed_at`) and who holds it now (`recompute_locked_until`,
//! a lease). Whoever made the change recomputes it at once; if that process dies first, any
//! server's worker takes it when the lease ends. Several processes on one database recompute each
//! change once (on PostgreSQL the claim skips rows another process has locked; on SQLite the
//! claim is a single write).

use std::time::Duration;

use time::OffsetDateTime;

use super::{recompute::recompute_change, Recomputed};
use crate::platform::{
    retry::retry_conflicts, clock::{timestamp_now, timestamp_text},
    Backend, Database,
};

/// How long a claim holds a change. The process working on it renews it every third of that, so
/// a change whose process died is taken up by another within a minute.
pub const LEASE: Duration = Duration::from_secs(60);

/// Takes the oldest pending change nobody holds (or change `only`), for [`LEASE`].
async fn claim(db: &Database, only: Option<i64>) -> Result<Option<i64>, sqlx::Error> {
    retry_conflicts(|| claim_once(db, only)).await
}

async fn claim_once(db: &Database, only: Option<i64>) -> Result<Option<i64>, sqlx::Error> {
    let now = OffsetDateTime::now_utc();
    let skip_locked = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let only_clause = if only.is_some() { "AND id = $3" } else { "" };
    let sql = format!(
        "UPDATE registry_changes SET recompute_locked_until = $1, recompute_runs = recompute_runs + 1
         WHERE id = (SELECT id FROM registry_changes WHERE recomputed_at IS NULL
                     AND (recompute_locked_until IS NULL OR recompute_locked_until < $2) {only_clause}
                     ORDER BY id LIMIT 1 {skip_locked})
         RETURNING id"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql)
        .bind(timestamp_text(now + LEASE))
        .bind(timestamp_text(now));
    if let Some(id) = only {
        query = query.bind(id);
    }
    let mut tx = db.begin_write().await?;
    let claimed = query.fetch_optional(&mut *tx).await?;
    tx.commit().await?;
    Ok(claimed)
}

async fn run(db: &Database, change_id: i64, window_days: u32) -> Result<Recomputed, sqlx::Error> {
    let renewing = tokio::spawn(renew_lease(db.clone(), change_id));
    let done = recompute_change(db, change_id, window_days).await;
    renewing.abort();
    let done = done?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE registry_changes SET recomputed_at = $1, recompute_locked_until = NULL WHERE id = $2",
    )
    .bind(timestamp_now())
    .bind(change_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done)
}

/// Recomputes change `change_id` now, unless another process already holds it (`None`).
pub async fn recompute_now(
    db: &Database,
    change_id: i64,
    window_days: u32,
) -> Result<Option<Recomputed>, sqlx::Error> {
    match claim(db, Some(change_id)).await? {
        Some(id) => run(db, id, window_days).await.map(Some),
        None => Ok(None),
    }
}

/// Recomputes every pending change nobody holds, oldest first; returns them with what was done.
pub async fn run_pending(
    db: &Database,
    window_days: u32,
) -> Result<Vec<(i64, Recomputed)>, sqlx::Error> {
    let mut done = Vec::new();
    // Every server asks every 2 s: a read first, so an idle queue takes no write lock.
    let pending: crate::platform::db::DbBool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM registry_changes WHERE recomputed_at IS NULL)",
    )
    .fetch_one(db.pool())
    .await?;
    if !pending.0 {
        return Ok(done);
    }
    while let Some(id) = claim(db, None).await? {
        done.push((id, run(db, id, window_days).await?));
    }
    Ok(done)
}

/// Keeps the claim on `change_id` alive while this process works on it.
async fn renew_lease(db: Database, change_id: i64) {
    loop {
        tokio::time::sleep(LEASE / 3).await;
        let until = timestamp_text(OffsetDateTime::now_utc() + LEASE);
        let renewed = sqlx::query(
            "UPDATE registry_changes SET recompute_locked_until = $1
             WHERE id = $2 AND recomputed_at IS NULL",
        )
        .bind(until)
        .bind(change_id)
        .execute(db.pool())
        .await;
        if let Err(err) = renewed {
            tracing::warn!(change_id, error = %err, "could not renew the recompute lease");
        }
    }
}
