//! `GET /healthz`: for load balancers and start-up scripts; checks the database answers.

use app::platform::{AppState, Backend};
use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    pub version: &'static str,
}

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = match state.db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let reachable = sqlx::query("SELECT 1").execute(state.db.pool()).await;
    let (code, status) = match reachable {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    };
    let version = env!("CARGO_PKG_VERSION");
    (
        code,
        Json(Health {
            status,
            database,
            version,
        }),
    )
}
