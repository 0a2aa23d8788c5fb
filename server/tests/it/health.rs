use axum::http::StatusCode;

use crate::support::{body_text, both_databases, Backend, TestApp, TestDb};

both_databases!(healthz_reports_the_database, migrations_are_idempotent);

async fn healthz_reports_the_database(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(body["status"], "ok");
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body["database"], expected);
}

async fn migrations_are_idempotent(backend: Backend) {
    let test_db = TestDb::fresh(backend).await;
    // A second start-up over an up-to-date schema changes nothing and does not fail.
    test_db.db.migrate().await.expect("second migrate");
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(test_db.db.pool())
        .await
        .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/sqlite"))
        .unwrap()
        .count() as i64;
    assert_eq!(applied, files);
}
