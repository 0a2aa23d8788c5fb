//! The whole HTTP surface, built from state so tests can drive it in-process.

use std::path::PathBuf;

use app::platform::{failure::REQUEST_ID_HEADER, AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use leptos::{prelude::provide_context, server_fn::ServerFn};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::{
    health, library_export, mailbox, own_member::missing_session, security, static_site, uploads,
};

/// Largest server-function request body (the agents' console import and uploads have their own
/// limits; every route that reads a body enforces one).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The most header fields, and bytes of request line and headers, a request may have; more is
/// a JSON 431 (hyper's own limits, set higher in `connections`, would answer with an empty one).
pub const MAX_HEADERS: usize = 100;
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// What the router serves besides the API.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The built browser app.
    pub site_dir: PathBuf,
    /// Serve the outbox at /dev/mailbox.
    pub dev_mailbox: bool,
}

pub fn router(state: AppState, site: SiteOptions) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    // Browsers keep to HTTPS for a year once they have seen NetCare served over it.
    let hsts = state.settings.secure_cookies.then(|| {
        SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        )
    });
    let mut routes = Router::new()
        .route("/api/inventory/upload", post(uploads::browser::upload))
        .route(
            "/api/inventory/preview-workbook",
            post(uploads::browser::preview_workbook),
        )
        .route("/api/library/devices.csv", get(library_export::devices_csv))
        .route(
            "/api/access/security-log.csv",
            get(crate::security_log_export::security_log_csv),
        )
        .route(
            "/api/library/devices.xlsx",
            get(library_export::devices_xlsx),
        )
        .route(
            "/api/library/alerts.csv",
            get(crate::alerts_export::alerts_csv),
        )
        .route(
            "/api/library/alerts.xlsx",
            get(crate::alerts_export::alerts_xlsx),
        )
        .route("/api/{*fn_name}", post(server_fn_handler))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            security::server_fn_guard,
        ))
        .merge(uploads::api::routes(state.clone()))
        .route("/healthz", get(health::healthz));
    if site.dev_mailbox {
        routes = routes.route("/dev/mailbox", get(mailbox::mailbox));
    }
    routes
        .with_state(state)
        .fallback_service(static_site::service(site.site_dir))
        .layer(
            ServiceBuilder::new()
                // The request id is ours: one a client sends would let it write into our logs.
                .layer(middleware::map_request(forget_client_request_id))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(
                    |request: &Request<Body>| {
                        let id = request
                            .headers()
                            .get(REQUEST_ID_HEADER)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                    },
                ))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CompressionLayer::new())
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("cross-origin-opener-policy"),
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("permissions-policy"),
                    HeaderValue::from_static(
                        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
                    ),
                ))
                // Every answer that is not the app shell (which sets its own) may load nothing.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
                    ),
                ))
                .option_layer(hsts)
                // Innermost, so its refusal carries the request id and the headers above.
                .layer(middleware::from_fn(header_limits)),
        )
}

/// Refuses a request whose headers pass [`MAX_HEADERS`] or [`MAX_HEADER_BYTES`], in JSON.
async fn header_limits(request: Request<Body>, next: middleware::Next) -> Response {
    let headers = request.headers();
    let bytes = request.uri().to_string().len()
        + headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum::<usize>();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return uploads::problem(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request_header_fields_too_large",
            &format!(
                "The request's headers are too large: at most {MAX_HEADERS} fields and {} KB with the address.",
                MAX_HEADER_BYTES / 1024
            ),
        );
    }
    next.run(request).await
}

async fn forget_client_request_id(mut request: Request<Body>) -> Request<Body> {
    request.headers_mut().remove(REQUEST_ID_HEADER);
    request
}

/// Runs a `#[server]` function with the application state in its context. The body is read here,
/// within the limit, so an oversized one is a clear 413 whether or not it declared its length.
async fn server_fn_handler(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    // The agents' console sends registry files; everything else is small. Only an agent may send
    // that much: anyone else is refused before a byte of the body is read.
    let limit = if parts.uri.path() == app::registry::ImportRegistryFiles::PATH {
        if let Err(refusal) = agent_only(&state, &parts).await {
            return refusal;
        }
        app::registry::CONSOLE_IMPORT_LIMIT
    } else {
        DEFAULT_BODY_LIMIT
    };
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response()
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    let response = leptos_axum::handle_server_fns_with_context(
        move || provide_context(state.clone()),
        request,
    )
    .await
    .into_response();
    bad_arguments_are_bad_requests(response).await
}

/// The refusal the import itself would answer (401 signed out, 403 not an agent), given before
/// its large body is read.
async fn agent_only(state: &AppState, parts: &axum::http::request::Parts) -> Result<(), Response> {
    use app::{
        accounts::caller::Caller, accounts::session::SessionInfo, error::StatusCoded,
        registry::RegistryError, AppError,
    };
    // The import's own error, so the answer is the one the server function would give.
    let refused = |err: AppError| {
        let err = RegistryError::from(err);
        let status = StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::FORBIDDEN);
        (status, axum::Json(err)).into_response()
    };
    let session = parts.extensions.get::<SessionInfo>().cloned();
    let session = session
        .ok_or_else(|| missing_session(parts))
        .map_err(refused)?;
    let caller = Caller::of_session(state, session).await.map_err(refused)?;
    caller.agent().map_err(refused)
}

/// Arguments that do not decode (a status that is not one, a number that is text) never reach
/// our code, so nothing sets the status of their `BadRequest` answer and leptos sends 500: it is
/// the client's mistake, and says so with 400.
async fn bad_arguments_are_bad_requests(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, DEFAULT_BODY_LIMIT)
        .await
        .unwrap_or_default();
    let bad_request = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::String(error)) => error == "BadRequest",
        Ok(serde_json::Value::Object(area)) => area.get("App") == Some(&"BadRequest".into()),
        _ => false,
    };
    if bad_request {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
