//! The database settings every process runs with: a statement timeout on PostgreSQL, and
//! transactions that lose a race (serialization failure, deadlock) run again.

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use app::platform::{
    db::PoolSettings,
    retry::{is_conflict, retry_conflicts},
    Database,
};

use crate::support::{both_databases, postgres_only, Backend, TestDb};

both_databases!(conflicts_run_again_and_other_errors_do_not);
postgres_only!(slow_statements_are_cancelled);

async fn conflicts_run_again_and_other_errors_do_not(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let tries = AtomicU32::new(0);
    // Any other failure is returned at once.
    let failed = retry_conflicts(|| async {
        tries.fetch_add(1, Ordering::SeqCst);
        sqlx::query("SELECT * FROM no_such_table")
            .execute(t.db.pool())
            .await
    })
    .await;
    assert!(failed.is_err() && !is_conflict(failed.as_ref().unwrap_err()));
    assert_eq!(tries.load(Ordering::SeqCst), 1);
    if !matches!(backend, Backend::Postgres) {
        return;
    }
    // A serialization failure (raised as PostgreSQL raises it) twice, then success.
    tries.store(0, Ordering::SeqCst);
    let outcome = retry_conflicts(|| async {
        let attempt = tries.fetch_add(1, Ordering::SeqCst);
        let code = if attempt < 2 { "40001" } else { "00000" };
        if attempt < 2 {
            sqlx::query(&format!(
                "DO $$ BEGIN RAISE EXCEPTION 'lost the race' USING ERRCODE = '{code}'; END $$"
            ))
            .execute(t.db.pool())
            .await?;
        }
        Ok(attempt)
    })
    .await;
    assert_eq!(outcome.unwrap(), 2);
    // A deadlock every time: given up after four tries, with the conflict returned.
    tries.store(0, Ordering::SeqCst);
    let outcome = retry_conflicts(|| async {
        tries.fetch_add(1, Ordering::SeqCst);
        sqlx::query("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$")
            .execute(t.db.pool())
            .await
    })
    .await;
    assert!(is_conflict(&outcome.unwrap_err()));
    assert_eq!(tries.load(Ordering::SeqCst), 4);
}

/// SQLite has no statement timeout; its writers wait on busy_timeout instead.
async fn slow_statements_are_cancelled(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let settings = PoolSettings {
        statement_timeout: Duration::from_millis(300),
        ..PoolSettings::default()
    };
    let db = Database::connect(&t.url, &settings).await.unwrap();
    let err = sqlx::query("SELECT pg_sleep(2)")
        .execute(db.pool())
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("57014"),
        "{err}"
    );
    sqlx::query("SELECT pg_sleep(0.01)")
        .execute(db.pool())
        .await
        .unwrap();
    // Dedicated connections (an upload's side reads) have it too.
    let mut conn = db.dedicated_connection().await.unwrap();
    assert!(sqlx::query("SELECT pg_sleep(2)")
        .execute(&mut conn)
        .await
        .is_err());
}
