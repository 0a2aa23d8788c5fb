use app::registry::{LoadRegistryStats, RegistryStats};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use crate::support::{body_text, both_databases, seed_small_registry, Backend, TestApp};

both_databases!(
    empty_registry_counts_zero,
    counts_follow_the_registry,
    database_failure_does_not_leak
);

async fn stats(app: &TestApp) -> RegistryStats {
    let response = app.call_server_fn(LoadRegistryStats::PATH, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_str(&body_text(response).await).expect("stats JSON")
}

async fn empty_registry_counts_zero(backend: Backend) {
    let app = TestApp::new(backend).await;
    assert_eq!(LoadRegistryStats::PATH, "/api/registry/stats");
    let counts = stats(&app).await;
    assert!(counts.is_empty(), "{counts:?}");
}

async fn counts_follow_the_registry(backend: Backend) {
    let app = TestApp::new(backend).await;
    seed_small_registry(app.db()).await;
    let counts = stats(&app).await;
    assert_eq!(
        counts,
        RegistryStats {
            companies: 2,
            sites: 2,
            contracts: 2,
            contract_lines: 3,
            associated_accounts: 1
        }
    );
}

async fn database_failure_does_not_leak(backend: Backend) {
    let app = TestApp::new(backend).await;
    sqlx::query("DROP TABLE account_contracts")
        .execute(app.db().pool())
        .await
        .unwrap();
    let response = app.call_server_fn(LoadRegistryStats::PATH, "").await;
    assert!(response.status().is_server_error(), "{}", response.status());
    let request_id = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body = body_text(response).await;
    assert!(
        !body.contains("account_contracts"),
        "internal text leaked: {body}"
    );
    assert!(
        !body.to_lowercase().contains("sql"),
        "internal text leaked: {body}"
    );
    let error: app::AppError = serde_json::from_str(&body).expect("typed error");
    assert_eq!(
        error,
        app::AppError::Internal {
            reference: request_id
        }
    );
}
