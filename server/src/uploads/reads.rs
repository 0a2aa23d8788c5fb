//! The API's small reads for integrations: one serial number's devices (for a ticketing system),
//! the coverage summary, the company's contracts (those expiring soon), and what a token is.

use app::{
    coverage::lines::clock_now,
    inventory::{ingest, UploadError},
    library::{
        queries::{self as library_queries, IdentityPage},
        DeviceFilter,
    },
    platform::AppState,
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{
    api::{ApiQuery, ApiToken},
    error_response, problem,
};

/// `GET /api/v1/devices/{serial}`: the device with this serial number under each product ID it
/// was uploaded with (usually one), or a 404.
pub async fn device_by_serial(
    State(state): State<AppState>,
    ApiToken(holder): ApiToken,
    Path(serial): Path<String>,
) -> Response {
    let serial_key = app::coverage::normalise::serial_key(&serial);
    let narrowing = IdentityPage {
        serial_key: Some(serial_key.clone()),
        limit: 100,
        ..IdentityPage::default()
    };
    let read = async {
        let mut conn = state.db.conn().await?;
        let backend = state.db.backend();
        let filter = DeviceFilter::default();
        let company_id = holder.company_id.as_str();
        Ok::<_, UploadError>(
            library_queries::devices_in_identity_order(
                &mut conn, backend, company_id, &filter, &narrowing,
            )
            .await?,
        )
    };
    match read.await {
        Ok(devices) if serial_key.is_empty() || devices.is_empty() => problem(
            StatusCode::NOT_FOUND,
            "not_found",
            "No device with this serial number is in your inventory.",
        ),
        Ok(devices) => {
            let devices: Vec<_> = devices.into_iter().map(|(_, device)| device).collect();
            Json(json!({ "devices": devices })).into_response()
        }
        Err(err) => error_response(&err),
    }
}

/// `GET /api/v1/coverage/summary`: devices by status and by reason, and the contracts whose
/// coverage of the company's devices ends soonest.
pub async fn coverage_summary(
    State(state): State<AppState>,
    ApiToken(holder): ApiToken,
) -> Response {
    let read = async {
        let mut conn = state.db.conn().await?;
        let window = state.settings.expiring_window_days;
        Ok::<_, UploadError>(
            library_queries::coverage_summary(&mut conn, &holder.company_id, window).await?,
        )
    };
    match read.await {
        Ok(summary) => {
            let counts = |pairs: Vec<(String, u64)>| -> Value {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, n)| (k, json!(n)))
                        .collect::<Map<_, _>>(),
                )
            };
            let by_status = summary
                .by_status
                .iter()
                .map(|(status, n)| (status.as_str().to_owned(), *n))
                .collect();
            let by_reason = summary
                .by_reason
                .iter()
                .map(|(reason, n)| (reason.as_str().to_owned(), *n))
                .collect();
            Json(json!({
                "devices": summary.total(),
                "by_status": counts(by_status),
                "not_covered_by_reason": counts(by_reason),
                "expiring_contracts": summary.expiring,
                "expiring_window_days": summary.expiring_window_days,
            }))
            .into_response()
        }
        Err(err) => error_response(&err),
    }
}

/// Ten years: service contracts run for one to five.
const MAX_EXPIRING_WITHIN_DAYS: u32 = 3650;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractsQuery {
    /// Only contracts running today that end within this many days.
    expiring_within_days: Option<u32>,
}

/// `GET /api/v1/contracts`: the contracts covering the company's devices or added to its
/// Library, with how each stands today.
pub async fn contracts(
    State(state): State<AppState>,
    ApiToken(holder): ApiToken,
    ApiQuery(query): ApiQuery<ContractsQuery>,
) -> Response {
    if query
        .expiring_within_days
        .is_some_and(|days| days > MAX_EXPIRING_WITHIN_DAYS)
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            &format!(
                "The query string cannot be used: expiring_within_days must be 0 to {MAX_EXPIRING_WITHIN_DAYS}."
            ),
        );
    }
    let read = async {
        let mut conn = state.db.conn().await?;
        let clock = clock_now(state.settings.expiring_window_days);
        Ok::<_, UploadError>(
            library_queries::company_contracts(&mut conn, &holder.company_id, &clock).await?,
        )
    };
    match read.await {
        Ok(mut contracts) => {
            if let Some(days) = query.expiring_within_days {
                contracts.retain(|c| c.days_left.is_some_and(|left| left <= i64::from(days)));
            }
            Json(json!({ "contracts": contracts })).into_response()
        }
        Err(err) => error_response(&err),
    }
}

/// `GET /api/v1/me`: the token's company, name and scopes, and today's upload quota.
pub async fn me(State(state): State<AppState>, ApiToken(holder): ApiToken) -> Response {
    match ingest::quota_status(&state, &holder.company_id).await {
        Ok(quota) => Json(json!({
            "company_id": holder.company_id,
            "token_name": holder.name,
            "scopes": holder.scope.granted(),
            "uploads_left_today": quota.limit.saturating_sub(quota.used),
            "quota": quota,
        }))
        .into_response(),
        Err(err) => error_response(&err),
    }
}
