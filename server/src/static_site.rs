//! Serves the built single-page app: hashed assets cached for a year, the page of the route's
//! bundle for every client route (so deep links and reloads work), precompressed files (brotli,
//! else gzip, as the browser accepts) when the build made them.

use std::{
    convert::Infallible,
    path::{Path, PathBuf},
};

use app::bundles::Bundle;
use axum::{
    body::Body,
    http::{header, HeaderValue, Method, Request, Response, StatusCode},
    response::IntoResponse,
};
use tower::{service_fn, util::BoxCloneSyncService, ServiceExt};
use tower_http::services::{ServeDir, ServeFile};

type SiteService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

pub fn service(site_dir: PathBuf) -> SiteService {
    let files = ServeDir::new(&site_dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let service = service_fn(move |request: Request<Body>| {
        let files = files.clone();
        let site_dir = site_dir.clone();
        async move {
            let path = request.uri().path().to_owned();
            if request.method() != Method::GET && request.method() != Method::HEAD {
                return Ok(StatusCode::METHOD_NOT_ALLOWED.into_response());
            }
            let response = if is_client_route(&path) {
                // Each area of the app is its own bundle with its own page (app::bundles).
                let index = site_dir.join(Bundle::of(&path).page());
                let index_file = ServeFile::new(&index)
                    .precompressed_br()
                    .precompressed_gzip();
                if !index.exists() {
                    return Ok(not_built(&index));
                }
                // The CSP names the hash of the shell's inline start-up script, so it is computed
                // from the file being served (small; re-read so a rebuild needs no restart).
                let csp = tokio::fs::read_to_string(&index)
                    .await
                    .ok()
                    .and_then(|html| {
                        HeaderValue::from_str(&crate::security::app_shell_csp(&html)).ok()
                    });
                index_file.oneshot(request).await.map(|response| {
                    let mut response = response.into_response();
                    if let Some(csp) = csp {
                        response
                            .headers_mut()
                            .insert(header::CONTENT_SECURITY_POLICY, csp);
                    }
                    response
                })
            } else {
                files
                    .oneshot(request)
                    .await
                    .map(IntoResponse::into_response)
            };
            let Ok(mut response) = response;
            if let Some(value) = cache_control(&path, response.status()) {
                response.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            Ok(response)
        }
    });
    BoxCloneSyncService::new(service)
}

/// Paths without a file extension are the app's own routes (`/library/devices`); anything with one
/// is a file that exists or is a 404.
fn is_client_route(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    !last.contains('.') || last == "index.html"
}

/// Trunk names built assets `name-<16 hex digits>.ext`; those never change, so they may be cached
/// for good. Everything else is revalidated, so a new release is picked up at once.
fn cache_control(path: &str, status: StatusCode) -> Option<HeaderValue> {
    if !status.is_success() && status != StatusCode::NOT_MODIFIED {
        return Some(HeaderValue::from_static("no-store"));
    }
    let value = if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Some(HeaderValue::from_static(value))
}

fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn not_built(index: &Path) -> Response<Body> {
    let body = format!(
        "NetCare's browser app is not built ({} is missing). Build it with scripts/build.sh, \
         or point --site-dir / NETCARE_SITE_DIR at the folder Trunk wrote.\n",
        index.display()
    );
    (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_routes_are_paths_without_extensions() {
        assert!(is_client_route("/"));
        assert!(is_client_route("/library/devices"));
        assert!(is_client_route("/index.html"));
        assert!(!is_client_route("/frontend-0123456789abcdef_bg.wasm"));
        assert!(!is_client_route("/public/favicon.svg"));
    }

    #[test]
    fn only_hashed_assets_are_immutable() {
        assert!(is_hashed_asset("/frontend-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/frontend-0123456789abcdef.js"));
        assert!(is_hashed_asset("/main-fedcba9876543210.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/public/favicon.svg"));
        assert!(!is_hashed_asset("/my-file.css"));
    }
}
