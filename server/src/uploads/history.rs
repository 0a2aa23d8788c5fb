//! What an integrator reads about uploads: the recent ones with today's quota, one upload's
//! summary as it landed, and every row it rejected, a page at a time.

use app::{
    inventory::{ingest, queries, UploadError},
    platform::AppState,
};
use axum::{
    extract::{OriginalUri, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    api::{ApiQuery, ApiToken},
    devices_export::next_link,
    error_response, problem,
};

/// Rejected rows a page holds unless `limit` says otherwise, and at most.
const DEFAULT_PAGE: u32 = 1000;
const LARGEST_PAGE: u32 = 10_000;
/// The largest line number a cursor may name (no file has more lines).
const LAST_LINE: u64 = 1_000_000_000_000;

/// `GET /api/v1/uploads`: the 50 most recent uploads, newest first, and today's quota.
pub async fn list_uploads(State(state): State<AppState>, ApiToken(holder): ApiToken) -> Response {
    let quota = match ingest::quota_status(&state, &holder.company_id).await {
        Ok(quota) => quota,
        Err(err) => return error_response(&err),
    };
    let recent = async {
        let mut conn = state.db.conn().await?;
        Ok::<_, UploadError>(queries::recent_uploads(&mut conn, &holder.company_id, 50).await?)
    };
    match recent.await {
        Ok(uploads) => Json(json!({"uploads": uploads, "quota": quota})).into_response(),
        Err(err) => error_response(&err),
    }
}

/// An upload's summary with what says whether its `rejected_rows` are all of them and where the
/// rest are (a dry run's upload was never stored, so it has no such place).
pub fn described(mut summary: Value) -> Value {
    let rejected = summary["rejected"].as_u64().unwrap_or(0);
    let listed = summary["rejected_rows"].as_array().map_or(0, Vec::len) as u64;
    summary["rejected_rows_complete"] = json!(listed >= rejected);
    summary["rejected_rows_url"] = match (&summary["upload_id"], &summary["dry_run"]) {
        (Value::Number(id), dry_run) if dry_run != &Value::Bool(true) && rejected > 0 => {
            json!(format!("/api/v1/uploads/{id}/rejected_rows"))
        }
        _ => Value::Null,
    };
    summary
}

fn no_such_upload() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not_found",
        "Your company has no upload with this id.",
    )
}

/// `GET /api/v1/uploads/{id}`: the summary the upload answered with when it landed.
pub async fn upload_by_id(
    State(state): State<AppState>,
    ApiToken(holder): ApiToken,
    Path(upload_id): Path<String>,
) -> Response {
    let Ok(upload_id) = upload_id.parse::<i64>() else {
        return no_such_upload();
    };
    let read = async {
        let mut conn = state.db.conn().await?;
        Ok::<_, UploadError>(
            queries::upload_summary(&mut conn, &holder.company_id, upload_id).await?,
        )
    };
    match read.await {
        Ok(Some(stored)) => match serde_json::from_str::<Value>(&stored) {
            Ok(summary) => Json(described(summary)).into_response(),
            Err(_) => no_such_upload(),
        },
        Ok(None) => no_such_upload(),
        Err(err) => error_response(&err),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectedRowsQuery {
    /// 1 to 10,000 rows; 1,000 by default.
    limit: Option<u32>,
    /// The `next` link's position: the last line of the page before.
    cursor: Option<u64>,
}

/// `GET /api/v1/uploads/{id}/rejected_rows`: every row the upload rejected, in line order, a
/// page at a time (`next` until it is null).
pub async fn rejected_rows(
    State(state): State<AppState>,
    ApiToken(holder): ApiToken,
    Path(upload_id): Path<String>,
    ApiQuery(query): ApiQuery<RejectedRowsQuery>,
    OriginalUri(uri): OriginalUri,
) -> Response {
    let Ok(upload_id) = upload_id.parse::<i64>() else {
        return no_such_upload();
    };
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=LARGEST_PAGE).contains(&limit) {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            &format!("The query string cannot be used: limit must be 1 to {LARGEST_PAGE}."),
        );
    }
    if query.cursor.is_some_and(|line| line > LAST_LINE) {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            &format!("The query string cannot be used: cursor must be 0 to {LAST_LINE}."),
        );
    }
    let company_id = holder.company_id.as_str();
    let read = async {
        let mut conn = state.db.conn().await?;
        if !queries::upload_exists(&mut conn, company_id, upload_id).await? {
            return Ok(None);
        }
        let after = query.cursor.unwrap_or(0);
        let rows =
            queries::rejections::page(&mut conn, company_id, upload_id, after, limit).await?;
        Ok::<_, UploadError>(Some(rows))
    };
    match read.await {
        Ok(Some(rows)) => {
            let next = rows
                .last()
                .filter(|_| rows.len() == limit as usize)
                .map(|last| next_link(&uri, &last.line.to_string()));
            let mut response = Json(json!({ "rejected_rows": rows, "next": next })).into_response();
            if let Some(next) = next {
                if let Ok(link) = format!("<{next}>; rel=\"next\"").parse() {
                    response.headers_mut().insert(header::LINK, link);
                }
            }
            response
        }
        Ok(None) => no_such_upload(),
        Err(err) => error_response(&err),
    }
}
