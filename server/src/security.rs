//! Request safety for every route: state-changing server-function calls only from NetCare's own
//! pages, the caller's session and address resolved once per request, a CSP for the app shell.

use std::net::SocketAddr;

use app::{
    accounts::session::{cookie_name, token_from_cookie_header, ClientAddress},
    platform::{client_address::client_address, AppState},
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, Extensions, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine;
use sha2::{Digest, Sha256};

/// Whether a request comes from a page of this very site (not another site's form or script).
/// Browsers send `Sec-Fetch-Site` (or at least `Origin`) with every cross-origin or POST request.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin";
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

/// For every route it wraps (server functions and the session routes; the token-authenticated
/// `/api/v1/…` is a router of its own, outside it): refuses cross-site calls, then resolves the
/// session cookie into the request's extensions. No path is exempt: a route added under it is
/// protected whatever its name.
pub async fn server_fn_guard(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && !is_same_origin(request.headers()) {
        return (StatusCode::FORBIDDEN, "Cross-site requests are refused.").into_response();
    }
    let address = request_client(&state, request.extensions(), request.headers());
    request.extensions_mut().insert(ClientAddress(address));
    let token = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|cookies| token_from_cookie_header(cookies, cookie_name(&state.settings)));
    if let Some(token) = token {
        match app::accounts::service::resolve_session(&state, &token).await {
            Ok(Some(Ok(session))) => {
                request.extensions_mut().insert(session);
            }
            Ok(Some(Err(end))) => {
                request.extensions_mut().insert(end);
            }
            Ok(None) => {}
            Err(err) => {
                let error = app::platform::internal(err);
                let body = serde_json::to_string(&error).unwrap_or_default();
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response();
            }
        }
    }
    next.run(request).await
}

/// The client a request comes from: the peer, or behind a trusted proxy the address it forwards
/// for (`client_address`).
pub fn request_client(state: &AppState, extensions: &Extensions, headers: &HeaderMap) -> String {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    client_address(
        peer,
        header("forwarded"),
        header("x-forwarded-for"),
        &state.settings.trusted_proxies,
    )
}

/// The Content-Security-Policy for the app shell: scripts only from this site plus the page's
/// inline ones (allowed by their hashes: the module Trunk writes to start the wasm, and the page's
/// early request for the signed-in person), no framing, no plugins.
pub fn app_shell_csp(index_html: &str) -> String {
    let mut script_hashes = String::new();
    let mut rest = index_html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&after.as_bytes()[body_start..body_start + close]);
            let hash = base64::engine::general_purpose::STANDARD.encode(digest);
            script_hashes.push_str(&format!(" 'sha256-{hash}'"));
        }
        rest = &after[body_start + close..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{script_hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn same_origin_by_fetch_metadata_or_origin() {
        let mut headers = HeaderMap::new();
        assert!(!is_same_origin(&headers), "no evidence: refused");
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(is_same_origin(&headers));
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!is_same_origin(&headers));

        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            HeaderValue::from_static("netcare.example:3000"),
        );
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://netcare.example:3000"),
        );
        assert!(is_same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!is_same_origin(&headers));
    }

    #[test]
    fn inline_scripts_are_allowed_by_hash_only() {
        let csp =
            app_shell_csp("<script type=\"module\">boot()</script><script src=\"/x.js\"></script>");
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"boot()"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert_eq!(csp.matches("sha256-").count(), 1);
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains(" 'unsafe-eval'"), "only wasm-unsafe-eval");
    }
}
