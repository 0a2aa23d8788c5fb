//! The collector API, `/api/v1/…`: authenticated by a company's collector token (`Authorization:
//! Bearer nct_…`), which alone decides the company. Described by `/api/v1/openapi.json`.

use app::{
    inventory::{
        fingerprint::request_fingerprint,
        ingest::{self, Idempotency, Ingested, UploadFormat, UploadRequest},
        tokens::{self, TokenHolder},
        TokenScope, UploadError, UploadMethod, UploadMode,
    },
    platform::AppState,
};
use axum::http::request::Parts;
use axum::{
    extract::{rejection::QueryRejection, FromRequestParts, Query, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{any, get, post},
    Router,
};
use serde::{de::DeserializeOwned, Deserialize};
use std::{
    io::{Seek, SeekFrom},
    sync::{Arc, Mutex},
};
use utoipa::{IntoParams, ToSchema};

use super::{
    bodies, browser::display_file_name, devices_export, error_response, history, problem, reads,
    receive_body, receive_file, summary_response,
};

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/uploads",
            post(create_upload).get(history::list_uploads),
        )
        .route("/api/v1/uploads/{id}", get(history::upload_by_id))
        .route(
            "/api/v1/uploads/{id}/rejected_rows",
            get(history::rejected_rows),
        )
        .route("/api/v1/devices", get(devices_export::devices))
        .route("/api/v1/devices/{serial}", get(reads::device_by_serial))
        .route("/api/v1/coverage/summary", get(reads::coverage_summary))
        .route("/api/v1/contracts", get(reads::contracts))
        .route("/api/v1/alerts", get(reads::alerts))
        .route("/api/v1/me", get(reads::me))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/docs", get(super::reference::reference))
        // Everything else under /api/v1 answers in JSON too, never as a server function.
        .route("/api/v1/{*rest}", any(unknown_endpoint))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state, quota_headers))
}

/// Where [`ApiToken`] leaves the company a request turned out to be from, so that
/// [`quota_headers`] can describe that company's quota on the way out.
#[derive(Clone, Default)]
struct QuotaSlot(Arc<Mutex<Option<String>>>);

/// `RateLimit-*` headers on every answer to a request with a live token (draft-ietf-httpapi-
/// ratelimit-headers): the uploads left today, of how many, and the seconds until the next day.
/// Read after the handler, so an upload's answer already counts that upload. Only upload tokens
/// get them: nothing limits a read-only token's reads.
async fn quota_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let slot = QuotaSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let company = slot.0.lock().ok().and_then(|mut company| company.take());
    let Some(company) = company else {
        return response;
    };
    match ingest::quota_status(&state, &company).await {
        Ok(quota) => {
            let reset = super::seconds_until(&quota.resets_at).unwrap_or(0);
            let headers = response.headers_mut();
            headers.insert("ratelimit-limit", HeaderValue::from(quota.limit));
            headers.insert("ratelimit-remaining", HeaderValue::from(quota.left()));
            headers.insert("ratelimit-reset", HeaderValue::from(reset));
            let policy = format!("{};w=86400;comment=\"uploads per UTC day\"", quota.limit);
            if let Ok(policy) = HeaderValue::from_str(&policy) {
                headers.insert("ratelimit-policy", policy);
            }
        }
        // The answer itself stands; only its quota description is missing.
        Err(err) => tracing::warn!(error = %err, "reading the quota for RateLimit headers failed"),
    }
    response
}

async fn unknown_endpoint(request: Request) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!(
            "There is no API endpoint {}; the endpoints are listed in /api/v1/openapi.json.",
            request.uri().path()
        ),
    )
}

async fn method_not_allowed(request: Request) -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!(
            "{} is not a method of {}; see /api/v1/openapi.json.",
            request.method(),
            request.uri().path()
        ),
    )
}

/// This document
#[utoipa::path(get, path = "/api/v1/openapi.json", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", content_type = "application/json")))]
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        super::openapi::document(),
    )
        .into_response()
}

/// The live token the request presents, or the 401 to answer.
pub async fn token_holder(
    state: &AppState,
    headers: &HeaderMap,
    client: &str,
) -> Result<TokenHolder, Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let holder = match presented {
        Some(token) => tokens::authenticate(state, &token, client)
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

/// The 503 of a server whose upload or export slots stayed taken.
pub const BUSY: &str = "Every upload (or export) slot of the server stayed taken for 10 seconds (`busy`); `Retry-After` says when to try again.";

/// The longest `file_name` an upload may be given (as the document says).
const MAX_FILE_NAME_CHARS: usize = 200;

/// The query of `POST /api/v1/uploads`; any other parameter is refused by name, so a misspelt
/// option (`dryrun=true`) never turns into a real upload.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// Which collector sent it (default: `collector`).
    #[param(inline)]
    source: Option<UploadSource>,
    /// A name to show in the upload history.
    #[param(max_length = 200)]
    file_name: Option<String>,
    /// `merge` (add and update) or `replace` (the collector's whole inventory). Default:
    /// `replace` for a `source=collector` JSON body, else `merge`.
    #[param(inline)]
    mode: Option<UploadMode>,
    /// Lets a replace retire more than the server's limit of the inventory at once.
    #[serde(default)]
    force: bool,
    /// Check every row and decide coverage, then write nothing and use no quota: answered 200
    /// with `dry_run: true` (an Idempotency-Key is ignored). Today's quota must not be used up.
    #[serde(default)]
    dry_run: bool,
}

/// Who sent an upload through the API.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadSource {
    /// The vendor's collector.
    Collector,
    /// Another collector or a script.
    ThirdParty,
}

/// The live collector token a request presents, as an extractor: the handler runs only for one;
/// anything else is the 401 of [`token_holder`]. The token alone decides the company.
pub struct ApiToken(pub TokenHolder);

impl FromRequestParts<AppState> for ApiToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let client = crate::security::request_client(state, &parts.extensions, &parts.headers);
        let holder = token_holder(state, &parts.headers, &client).await?;
        let slot = parts.extensions.get::<QuotaSlot>();
        if let Some(QuotaSlot(slot)) = slot.filter(|_| holder.scope == TokenScope::Upload) {
            if let Ok(mut company) = slot.lock() {
                *company = Some(holder.company_id.clone());
            }
        }
        Ok(ApiToken(holder))
    }
}

/// A query string read as `T`; when it cannot be, a JSON 400 naming what is wrong
/// ([`query_problem`]). Put it after [`ApiToken`]: a request without a token learns nothing.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(query_problem)
    }
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

/// The 403 for a read-only token asking to upload (RFC 6750's `insufficient_scope`).
fn insufficient_scope() -> Response {
    let mut response = problem(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        "This collector token is read-only: it cannot upload. Create an upload token on the Collectors page.",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static(
            "Bearer realm=\"netcare\", error=\"insufficient_scope\", scope=\"upload\"",
        ),
    );
    response
}

/// Upload the inventory a collector sees
///
/// The upload is one transaction: its accepted devices land together with its record, or nothing
/// does. Valid rows are accepted and rejected rows are listed with their reasons. Refused uploads
/// do not count against the quota. `mode=merge` adds new devices and updates known ones;
/// `mode=replace` is the collector's whole inventory: devices the same token reported before and
/// not in this upload are marked as no longer seen. A replace with rejected rows retires nothing
/// (`retirement_held_back`), and one that would retire more than the server's limit (50% of the
/// company's inventory by default) is refused with 409 unless `force=true`. By default a
/// `source=collector` JSON upload replaces and anything else merges. Unknown query parameters are
/// refused with 400. A body may be sent gzip-compressed with `Content-Encoding: gzip` (the size
/// limit applies to the body unpacked); any other encoding is refused with 415.
#[utoipa::path(post, path = "/api/v1/uploads", operation_id = "createUpload",
    params(
        UploadQuery,
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200,
            description = "A retried upload with the same key is recorded and counted once; the retry gets the first answer (status 200, header Idempotent-Replayed: true), even when today's quota is used up. A key belongs to the token that sent it and names its request for 24 hours: the same key with another body, content type, source or mode is refused with 422 `idempotency_key_reused`. Ignored on a dry run."),
    ),
    request_body(content(
        (inline(super::openapi::InventoryCsv) = "text/csv"),
        (inline(super::openapi::InventoryCsv) = "text/plain"),
        (super::openapi::DevicesBody = "application/json"),
    )),
    responses(
        (status = 201, description = "The upload landed.", body = bodies::UploadAnswer),
        (status = 200, description = "A retry of an upload that landed (same Idempotency-Key): its answer, with the header `Idempotent-Replayed: true`; or the answer of a dry run (`dry_run: true`).",
            body = bodies::UploadAnswer,
            headers(("Idempotent-Replayed" = String, description = "`true` on the answer to a retry."))),
        (status = 400, description = "The file cannot be read (not CSV, no header, missing columns, invalid JSON), a bad parameter, or an unknown query parameter (`invalid_query`, naming it).", body = bodies::Problem),
        (status = 403, description = "The token is read-only (`insufficient_scope`): only upload tokens upload.", body = bodies::Problem),
        (status = 409, description = "A replace would mark more than the server's limit of the inventory as no longer seen (`replace_retires_too_much`); nothing changed. Send it again with `force=true` if the file is the collector's whole inventory.", body = bodies::Problem),
        (status = 413, description = "The body is larger than the configured limit; it is refused before being read.", body = bodies::Problem),
        (status = 415, description = "Content-Type is neither text/csv nor application/json, or a Content-Encoding other than gzip.", body = bodies::Problem),
        (status = 422, description = "No device was accepted (`nothing_accepted`; the rejected rows are listed), or the Idempotency-Key was used in the last 24 hours for another request (`idempotency_key_reused`). Nothing changed.", body = bodies::Problem),
        (status = 429, description = "Today's uploads are used (`quota_exhausted`; `resets_at` and the Retry-After header say when the quota resets), or today's refused uploads are (`too_many_refused_uploads`), or today's uploads naming mostly unknown serial numbers are (`too_many_unknown_serials`: they look like guessing serials; nothing was kept).", body = bodies::Problem,
            headers(("Retry-After" = u64, description = "Seconds until the quota resets."))),
        (status = 503, description = BUSY, body = bodies::Problem,
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    ))]
pub async fn create_upload(
    State(state): State<AppState>,
    ApiToken(holder): ApiToken,
    ApiQuery(query): ApiQuery<UploadQuery>,
    request: Request,
) -> Response {
    if holder.scope != TokenScope::Upload {
        return insufficient_scope();
    }
    let (parts, body) = request.into_parts();
    let method = match query.source.unwrap_or(UploadSource::Collector) {
        UploadSource::Collector => UploadMethod::Collector,
        UploadSource::ThirdParty => UploadMethod::ThirdParty,
    };
    if query
        .file_name
        .as_ref()
        .is_some_and(|name| name.chars().count() > MAX_FILE_NAME_CHARS)
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            &format!("The query string cannot be used: file_name is longer than {MAX_FILE_NAME_CHARS} characters."),
        );
    }
    // Held until the upload has landed or failed.
    let Some(_slot) = state.settings.work.upload().await else {
        return super::busy("uploads");
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
    // A key seen before: the body is read whatever the quota, to tell a retry (answered again)
    // from another request under the same key (refused).
    let earlier = match &key {
        Some(key) => {
            match ingest::earlier_answer(&state, &holder.company_id, holder.token_id, key).await {
                Ok(earlier) => earlier,
                Err(err) => return error_response(&err),
            }
        }
        None => None,
    };
    let received = if earlier.is_some() {
        receive_file(&state, &parts.headers, body).await
    } else {
        receive_body(&state, &holder.company_id, &parts.headers, body).await
    };
    let mut file = match received {
        Ok(file) => file,
        Err(response) => return response,
    };
    let idempotency = match key {
        Some(key) => match fingerprint_of(file, format, method, mode).await {
            Ok((rewound, fingerprint)) => {
                file = rewound;
                Some(Idempotency { key, fingerprint })
            }
            Err(err) => return error_response(&err),
        },
        None => None,
    };
    if let (Some(earlier), Some(idempotency)) = (earlier, &idempotency) {
        if earlier.is_for(&idempotency.fingerprint) {
            return summary_response(earlier.summary, true);
        }
        return error_response(&UploadError::IdempotencyKeyReused);
    }
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
        idempotency,
        format,
        // Collectors get the guess from the headers: an API answers the same for the same file.
        columns: None,
        mode,
        force: query.force,
        dry_run: query.dry_run,
        client_address: Some(crate::security::request_client(
            &state,
            &parts.extensions,
            &parts.headers,
        )),
    };
    match ingest::ingest(&state, request, Box::new(file), None).await {
        Ok(Ingested::Landed(summary)) if summary.dry_run => {
            // Nothing was created: 200, not 201.
            let mut response = summary_response(summary, false);
            *response.status_mut() = StatusCode::OK;
            response
        }
        Ok(Ingested::Landed(summary)) => summary_response(summary, false),
        Ok(Ingested::Replayed(summary)) => summary_response(summary, true),
        Err(err) => error_response(&err),
    }
}

/// The request's fingerprint (`fingerprint::request_fingerprint`), reading the spooled body on a
/// blocking thread; the file comes back rewound.
async fn fingerprint_of(
    mut file: std::fs::File,
    format: UploadFormat,
    method: UploadMethod,
    mode: UploadMode,
) -> Result<(std::fs::File, String), UploadError> {
    let media = match format {
        UploadFormat::Csv => "text/csv",
        UploadFormat::Json => "application/json",
    };
    tokio::task::spawn_blocking(move || {
        let fingerprint = request_fingerprint(&mut file, media, method, mode)?;
        file.seek(SeekFrom::Start(0))?;
        Ok((file, fingerprint))
    })
    .await
    .map_err(|err| UploadError::App(app::platform::internal(err)))?
    .map_err(UploadError::storage)
}
