//! The collector API, `/api/v1/…`: authenticated by a company's collector token (`Authorization:
//! Bearer nct_…`), which alone decides the company. Described by `/api/v1/openapi.json`.

use app::{
    inventory::{
        ingest::{self, Ingested, UploadFormat, UploadRequest},
        queries,
        tokens::{self, TokenHolder},
        UploadError, UploadMethod, UploadMode,
    },
    platform::AppState,
};
use axum::{
    extract::{rejection::QueryRejection, Query, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::json;

use super::{
    browser::display_file_name, devices_export, error_response, problem, receive_body,
    summary_response,
};

/// The OpenAPI description of this API.
pub const OPENAPI: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/uploads", post(create_upload).get(list_uploads))
        .route("/api/v1/devices", get(devices_export::devices))
        .route("/api/v1/openapi.json", get(openapi))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The live token the request presents, or the 401 to answer.
pub async fn token_holder(state: &AppState, headers: &HeaderMap) -> Result<TokenHolder, Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let holder = match presented {
        Some(token) => tokens::authenticate(state, &token)
            .await
            .map_err(|err| error_response(&err))?,
        None => None,
    };
    holder.ok_or_else(|| {
        let mut response = problem(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "A valid collector token is required (Authorization: Bearer nct_…); this one is missing, mistyped or revoked.",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"netcare\""),
        );
        response
    })
}

/// The query of `POST /api/v1/uploads`; any other parameter is refused by name, so a misspelt
/// option (`dryrun=true`) never turns into a real upload.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    source: Option<String>,
    file_name: Option<String>,
    /// `merge` or `replace`; by default a collector's JSON replaces its devices and anything else
    /// (CSV, third-party sources) merges.
    mode: Option<UploadMode>,
    #[serde(default)]
    force: bool,
    #[serde(default)]
    dry_run: bool,
}

/// A JSON 400 naming what is wrong with a query string (axum's own answer is plain text).
pub fn query_problem(rejection: QueryRejection) -> Response {
    let detail = rejection.body_text();
    let detail = detail
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&detail);
    problem(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        &format!("The query string cannot be used: {detail}."),
    )
}

fn upload_format(headers: &HeaderMap) -> Option<UploadFormat> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())?
        .split(';')
        .next()?
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "text/csv" | "application/csv" | "text/plain" => Some(UploadFormat::Csv),
        "application/json" => Some(UploadFormat::Json),
        _ => None,
    }
}

/// `Idempotency-Key`: absent, or 1 to 200 visible ASCII characters.
/// `Err` when the header is there but unusable.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().map(str::trim).unwrap_or("");
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(());
    }
    Ok(Some(key.to_owned()))
}

async fn create_upload(
    State(state): State<AppState>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let holder = match token_holder(&state, &parts.headers).await {
        Ok(holder) => holder,
        Err(response) => return response,
    };
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return query_problem(rejection),
    };
    let method = match query.source.as_deref().unwrap_or("collector") {
        "collector" => UploadMethod::Collector,
        "third_party" => UploadMethod::ThirdParty,
        _ => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid_source",
                "source must be `collector` or `third_party`.",
            )
        }
    };
    let Some(format) = upload_format(&parts.headers) else {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the inventory as text/csv (the template's columns) or application/json ({\"devices\":[…]}).",
        );
    };
    let Ok(key) = idempotency_key(&parts.headers) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "The Idempotency-Key header must be 1 to 200 visible ASCII characters.",
        );
    };
    let mode = query.mode.unwrap_or(match (method, format) {
        (UploadMethod::Collector, UploadFormat::Json) => UploadMode::Replace,
        _ => UploadMode::Merge,
    });
    // A dry run lands nothing, so it neither replays nor records an answer for a key.
    let key = key.filter(|_| !query.dry_run);
    // A retry of an upload that landed is answered at once, without reading the body again.
    if let Some(key) = &key {
        match ingest::earlier_answer(&state, &holder.company_id, key).await {
            Ok(Some(summary)) => return summary_response(&summary, true),
            Ok(None) => {}
            Err(err) => return error_response(&err),
        }
    }
    let file = match receive_body(&state, &holder.company_id, &parts.headers, body).await {
        Ok(file) => file,
        Err(response) => return response,
    };
    let default_name = match format {
        UploadFormat::Csv => "collector.csv",
        UploadFormat::Json => "collector.json",
    };
    let request = UploadRequest {
        company_id: holder.company_id.clone(),
        method,
        account_id: None,
        token_id: Some(holder.token_id),
        file_name: display_file_name(query.file_name.as_deref().unwrap_or(default_name)),
        idempotency_key: key,
        format,
        // Collectors get the guess from the headers: an API answers the same for the same file.
        columns: None,
        mode,
        force: query.force,
        dry_run: query.dry_run,
    };
    match ingest::ingest(&state, request, Box::new(file), None).await {
        Ok(Ingested::Landed(summary)) if summary.dry_run => {
            (StatusCode::OK, Json(summary)).into_response()
        }
        Ok(Ingested::Landed(summary)) => summary_response(&summary, false),
        Ok(Ingested::Replayed(summary)) => summary_response(&summary, true),
        Err(err) => error_response(&err),
    }
}

async fn list_uploads(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let holder = match token_holder(&state, &headers).await {
        Ok(holder) => holder,
        Err(response) => return response,
    };
    let quota = match ingest::quota_status(&state, &holder.company_id).await {
        Ok(quota) => quota,
        Err(err) => return error_response(&err),
    };
    let recent = async {
        let mut conn = state.db.pool().acquire().await?;
        queries::recent_uploads(&mut conn, &holder.company_id, 50).await
    }
    .await;
    match recent {
        Ok(uploads) => Json(json!({"uploads": uploads, "quota": quota})).into_response(),
        Err(err) => error_response(&UploadError::database(err)),
    }
}
