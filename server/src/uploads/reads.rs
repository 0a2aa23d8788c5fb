//! The API's small reads for integrations: one serial number's devices (for a ticketing system),
//! the coverage summary, the company's contracts (those expiring soon), and what a token is.

use app::{
    alerts::CompanyAlerts,
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
use utoipa::IntoParams;

use super::{
    api::{ApiQuery, ApiToken},
    bodies::{ContractList, CoverageSummaryAnswer, Problem, SerialDevices, TokenDescription},
    error_response, problem,
};

/// One serial number's coverage
///
/// The device with this serial number under each product ID it was uploaded with (usually one),
/// for a ticketing system. Matched whole, in any case, spaces ignored.
#[utoipa::path(get, path = "/api/v1/devices/{serial}", operation_id = "devicesBySerial",
    params(("serial" = String, Path, min_length = 1, description = "A serial number.")),
    responses(
        (status = 200, description = "The devices with this serial number.", body = SerialDevices),
        (status = 404, description = "No device with this serial number is in the inventory (`not_found`).", body = Problem),
    ))]
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
            Json(SerialDevices { devices }).into_response()
        }
        Err(err) => error_response(&err),
    }
}

/// The company's coverage at a glance
///
/// Devices by status and by reason, and the contracts whose coverage of the company's devices
/// ends soonest.
#[utoipa::path(get, path = "/api/v1/coverage/summary", operation_id = "coverageSummary",
    responses((status = 200, description = "The coverage summary.", body = CoverageSummaryAnswer)))]
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
        Ok(summary) => Json(CoverageSummaryAnswer::from(summary)).into_response(),
        Err(err) => error_response(&err),
    }
}

/// What affects the company's devices
///
/// Every end-of-life bulletin listing their products (the furthest gone first, with where they
/// stand today and the next milestone), every security advisory affecting their releases (the
/// worst first) and every field notice affecting them (the most recently updated first), each
/// with how many of the company's devices it concerns. `GET /api/v1/devices` with `bulletin`,
/// `advisory` or `field_notice` lists them.
#[utoipa::path(get, path = "/api/v1/alerts", operation_id = "listAlerts",
    responses((status = 200, description = "What affects the company's devices.", body = CompanyAlerts)))]
pub async fn alerts(State(state): State<AppState>, ApiToken(holder): ApiToken) -> Response {
    let read = async {
        let mut conn = state.db.conn().await?;
        let today = app::platform::clock::date_today();
        Ok::<_, UploadError>(
            app::alerts::queries::company_alerts(&mut conn, &holder.company_id, &today).await?,
        )
    };
    match read.await {
        Ok(alerts) => Json(alerts).into_response(),
        Err(err) => error_response(&err),
    }
}

/// Ten years: service contracts run for one to five.
const MAX_EXPIRING_WITHIN_DAYS: u32 = 3650;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContractsQuery {
    /// Only contracts running today that end within this many days.
    #[param(minimum = 0, maximum = 3650)]
    expiring_within_days: Option<u32>,
}

/// The contracts covering the company's devices or added to its Library
///
/// With how each stands today, soonest ending first.
#[utoipa::path(get, path = "/api/v1/contracts", operation_id = "listContracts",
    params(ContractsQuery),
    responses(
        (status = 200, description = "The contracts, soonest ending first.", body = ContractList),
        (status = 400, description = "A query parameter that is not one, or not valid (`invalid_query`).", body = Problem),
    ))]
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
            Json(ContractList { contracts }).into_response()
        }
        Err(err) => error_response(&err),
    }
}

/// What this token is
///
/// The token's company, name and scopes, and today's upload quota.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "whoAmI",
    responses((status = 200, description = "The token and its company's quota.", body = TokenDescription)))]
pub async fn me(State(state): State<AppState>, ApiToken(holder): ApiToken) -> Response {
    match ingest::quota_status(&state, &holder.company_id).await {
        Ok(quota) => Json(TokenDescription {
            company_id: holder.company_id,
            token_name: holder.name,
            scopes: holder.scope.granted(),
            uploads_left_today: quota.left(),
            quota,
        })
        .into_response(),
        Err(err) => error_response(&UploadError::from(err)),
    }
}
