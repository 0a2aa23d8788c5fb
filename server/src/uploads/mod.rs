//! The HTTP side of uploads: the browser's CSV import (session cookie, progress as NDJSON) and
//! the collector API under `/api/v1` (bearer token). Both spool the body to an anonymous temporary
//! file first, so a slow client never holds the database, then run the one pipeline in
//! `app::inventory::ingest`.

pub mod api;
pub mod bodies;
pub mod browser;
pub mod devices_export;
pub mod history;
pub mod openapi;
pub mod reads;
pub mod reference;
mod spool;

use app::{
    inventory::{ingest, UploadError, UploadSummary},
    platform::AppState,
};
use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use bodies::{Problem, UploadAnswer};

/// `{"error": code, "message": text}` with `status`.
pub fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(Problem::new(code, message))).into_response()
}

/// 503 with `Retry-After`: every upload (or export) slot of this process stayed taken while the
/// request waited for one (`platform::work_slots`).
pub fn busy(work: &str) -> Response {
    let mut response = problem(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        &format!(
            "NetCare is running as many {work} as it can at once; try again in a few seconds."
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
    response
}

/// What both ways in do before the pipeline: refuse at once when today's quota is used (the
/// upload's transaction checks again), refuse a declared length over the limit before reading,
/// then spool the body to a temporary file.
pub async fn receive_body(
    state: &AppState,
    company_id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<std::fs::File, Response> {
    match ingest::quota_status(state, company_id).await {
        Ok(quota) if quota.used >= quota.limit => {
            return Err(error_response(&UploadError::QuotaExhausted {
                limit: quota.limit,
                resets_at: quota.resets_at,
            }))
        }
        Ok(_) => {}
        Err(err) => return Err(error_response(&UploadError::from(err))),
    }
    receive_file(state, headers, body).await
}

/// Receives a file within the upload size limit (a declared length over it is refused before
/// reading) into a temporary file, a workbook as the CSV text of its first sheet.
pub async fn receive_file(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<std::fs::File, Response> {
    let limit = state.settings.max_upload_bytes;
    let gzipped = match headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("").trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("" | "identity") => false,
        Some("gzip" | "x-gzip") => true,
        Some(other) => {
            return Err(problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_content_encoding",
                &format!("Content-Encoding {other:?} is not supported: send the body as it is, or gzip-compressed."),
            ))
        }
    };
    spool::check_declared_length(headers, limit).map_err(|err| error_response(&err))?;
    let file = spool::spool(body, limit).await.map_err(|err| match err {
        spool::SpoolError::Refused(err) => error_response(&err),
        spool::SpoolError::Interrupted => problem(
            StatusCode::BAD_REQUEST,
            "interrupted",
            "The upload was interrupted.",
        ),
    })?;
    let file = if gzipped {
        spool::gunzip(file, limit)
            .await
            .map_err(|err| error_response(&err))?
    } else {
        file
    };
    spool::workbook_as_csv(file)
        .await
        .map_err(|err| error_response(&err))
}

/// An upload error as JSON: `{"error": code, "message": text, …}`, its status and headers.
pub fn error_body(
    err: &UploadError,
) -> (
    StatusCode,
    serde_json::Value,
    Vec<(header::HeaderName, HeaderValue)>,
) {
    use app::error::StatusCoded;
    let status = StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut body = Problem::new(err.code(), err.to_string());
    let mut headers = Vec::new();
    match err {
        UploadError::QuotaExhausted { resets_at, .. } => {
            body.resets_at = Some(resets_at.clone());
            if let Some(seconds) = seconds_until(resets_at) {
                headers.push((header::RETRY_AFTER, HeaderValue::from(seconds)));
            }
        }
        UploadError::NothingAccepted {
            rejected,
            columns,
            rejected_rows,
        } => {
            body.rejected = Some(*rejected);
            body.columns = Some(columns.clone());
            // Nothing landed, so nothing is kept: past the listed rows, fix the file and resend.
            body.rejected_rows_complete = Some(rejected_rows.len() as u64 >= *rejected);
            body.rejected_rows = Some(rejected_rows.clone());
        }
        UploadError::App(app::AppError::NotSignedIn) => {
            headers.push((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"netcare\""),
            ));
        }
        _ => {}
    }
    let body = serde_json::to_value(body).expect("a problem serialises");
    (status, body, headers)
}

/// An upload error as a JSON response.
pub fn error_response(err: &UploadError) -> Response {
    let (status, body, headers) = error_body(err);
    let mut response = (status, axum::Json(body)).into_response();
    for (name, value) in headers {
        response.headers_mut().insert(name, value);
    }
    response
}

pub(crate) fn seconds_until(timestamp: &str) -> Option<u64> {
    let at = time::OffsetDateTime::parse(timestamp, &time::format_description::well_known::Rfc3339)
        .ok()?;
    let seconds = (at - time::OffsetDateTime::now_utc()).whole_seconds();
    Some(seconds.max(1) as u64)
}

/// A landed upload (201) or a replayed one (200, `Idempotent-Replayed: true`).
pub fn summary_response(summary: UploadSummary, replayed: bool) -> Response {
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = (status, Json(UploadAnswer::of(summary))).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}
