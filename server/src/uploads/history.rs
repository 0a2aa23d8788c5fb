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
use utoipa::IntoParams;

use super::{
    api::{ApiQuery, ApiToken},
    bodies::{Problem, RejectedRowsPage, UploadAnswer, UploadList},
    devices_export::next_link,
    error_response, problem,
};

/// Rejected rows a page holds unless `limit` says otherwise, and at most.
const DEFAULT_PAGE: u32 = 1000;
const LARGEST_PAGE: u32 = 10_000;
/// The largest line number a cursor may name (no file has more lines).
const LAST_LINE: u64 = 1_000_000_000_000;

/// Recent uploads and today's quota
#[utoipa::path(get, path = "/api/v1/uploads", operation_id = "listUploads",
    responses((status = 200, description = "The 50 most recent uploads, newest first.", body = UploadList)))]
pub async fn list_uploads(State(state): State<AppState>, ApiToken(holder): ApiToken) -> Response {
    let quota = match ingest::quota_status(&state, &holder.company_id).await {
        Ok(quota) => quota,
        Err(err) => return error_response(&UploadError::from(err)),
    };
    let recent = async {
        let mut conn = state.db.conn().await?;
        Ok::<_, UploadError>(queries::recent_uploads(&mut conn, &holder.company_id, 50).await?)
    };
    match recent.await {
        Ok(uploads) => Json(UploadList { uploads, quota }).into_response(),
        Err(err) => error_response(&err),
    }
}

fn no_such_upload() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not_found",
        "Your company has no upload with this id.",
    )
}

/// One upload, as it landed
///
/// The summary the upload answered with when it landed.
#[utoipa::path(get, path = "/api/v1/uploads/{id}", operation_id = "getUpload",
    params(("id" = i64, Path, minimum = 1, description = "The upload's `upload_id`.")),
    responses(
        (status = 200, description = "The upload's summary.", body = UploadAnswer),
        (status = 404, description = "The company has no upload with this id (`not_found`).", body = Problem),
    ))]
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
        Ok(Some(stored)) => match serde_json::from_str(&stored) {
            Ok(summary) => Json(UploadAnswer::of(summary)).into_response(),
            Err(err) => error_response(&UploadError::App(app::platform::internal(err))),
        },
        Ok(None) => no_such_upload(),
        Err(err) => error_response(&err),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RejectedRowsQuery {
    /// Rows per page.
    #[param(minimum = 1, maximum = 10000, default = 1000)]
    limit: Option<u32>,
    /// Where the page starts: taken from the previous page's `next` (the last line of the page
    /// before).
    #[param(minimum = 0, maximum = 1000000000000_u64)]
    cursor: Option<u64>,
}

/// Every row an upload rejected
///
/// In line order, a page at a time: follow `next` (or the `Link` header) until it is null.
#[utoipa::path(get, path = "/api/v1/uploads/{id}/rejected_rows", operation_id = "listRejectedRows",
    params(("id" = i64, Path, minimum = 1, description = "The upload's `upload_id`."), RejectedRowsQuery),
    responses(
        (status = 200, description = "A page of rejected rows.", body = RejectedRowsPage,
            headers(("Link" = String, description = "On a page with a next one: `<next>; rel=\"next\"`."))),
        (status = 400, description = "A query parameter that is not one, or not valid (`invalid_query`, naming it).", body = Problem),
        (status = 404, description = "The company has no upload with this id (`not_found`).", body = Problem),
    ))]
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
            let link = next.as_ref().map(|next| format!("<{next}>; rel=\"next\""));
            let mut response = Json(RejectedRowsPage {
                rejected_rows: rows,
                next,
            })
            .into_response();
            if let Some(link) = link {
                if let Ok(link) = link.parse() {
                    response.headers_mut().insert(header::LINK, link);
                }
            }
            response
        }
        Ok(None) => no_such_upload(),
        Err(err) => error_response(&err),
    }
}
