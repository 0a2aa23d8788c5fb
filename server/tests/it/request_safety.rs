use app::registry::LoadRegistryStats;
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use leptos::server_fn::ServerFn;

use crate::support::{both_databases, Backend, TestApp};

both_databases!(
    oversized_bodies_are_refused,
    unknown_server_functions_are_refused,
    every_response_has_a_request_id,
    the_registry_import_asks_who_calls_before_reading
);

async fn oversized_bodies_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let body = "x".repeat(netcare_server::router::DEFAULT_BODY_LIMIT + 1);
    // Without a declared length (chunked), the limit is found while reading.
    let response = app.call_server_fn(LoadRegistryStats::PATH, &body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // With a declared length, it is refused before anything is read.
    let mut request = crate::support::server_fn_request(LoadRegistryStats::PATH, &body, None);
    request
        .headers_mut()
        .insert("content-length", body.len().to_string().parse().unwrap());
    assert_eq!(
        app.send(request).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // Upload routes have their own, larger limit: see uploads::quota::oversized_bodies_are_refused_before_reading.
}

async fn unknown_server_functions_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.call_server_fn("/api/no/such/function", "").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Server functions are POST only: a GET is not a way to run one.
    let response = app
        .send(
            Request::get(LoadRegistryStats::PATH)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

async fn every_response_has_a_request_id(backend: Backend) {
    let app = TestApp::new(backend).await;
    for path in ["/healthz", "/", "/missing.js"] {
        let response = app.get(path).await;
        assert!(response.headers().contains_key("x-request-id"), "{path}");
        let headers = response.headers();
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("cross-origin-opener-policy", "same-origin"),
        ] {
            assert_eq!(headers[name], value, "{path}");
        }
        assert!(headers["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=()"));
        assert!(headers.contains_key("content-security-policy"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "plain HTTP: {path}"
        );
    }
    // The id is always the server's own: a client's would let it write into the logs.
    let request = Request::get("/healthz")
        .header("x-request-id", "client-chosen-id")
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id, "client-chosen-id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    // Served over HTTPS, browsers are told to keep to it.
    let https = TestApp::with_settings(backend, |settings| settings.secure_cookies = true).await;
    let response = https.get("/healthz").await;
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age=31536000"));
}

/// A registry import may be 20 MB: who calls is checked before any of it is read. The body here
/// never ends, so a server that read it first would never answer.
async fn the_registry_import_asks_who_calls_before_reading(backend: Backend) {
    let app = crate::support::uploads::demo_app(backend, |_| {}).await;
    let dana = crate::support::uploads::login(&app, "dana.admin").await;
    let endless = || {
        let first = futures_util::stream::once(async {
            Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; 64 * 1024]))
        });
        Body::from_stream(futures_util::StreamExt::chain(
            first,
            futures_util::stream::pending(),
        ))
    };
    for (cookie, expected) in [
        (None, StatusCode::UNAUTHORIZED),
        (dana.cookie.clone(), StatusCode::FORBIDDEN),
    ] {
        let mut request = Request::post(app::registry::ImportRegistryFiles::PATH)
            .header("host", "netcare.test")
            .header("origin", crate::support::PUBLIC_URL)
            .header("content-type", "multipart/form-data; boundary=netcare");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            app.send(request.body(endless()).unwrap()),
        )
        .await
        .expect("answered without reading the body");
        assert_eq!(answer.status(), expected);
        let body = crate::support::body_text(answer).await;
        assert!(body.contains("\"App\""), "{body}");
    }
}

/// The session guard exempts no path: a route added under `/api/v1/` behind it is protected.
#[tokio::test]
async fn the_session_guard_exempts_no_path() {
    let app = TestApp::new(Backend::Sqlite).await;
    let guarded = axum::Router::new()
        .route("/api/v1/future", axum::routing::post(|| async { "done" }))
        .route_layer(axum::middleware::from_fn_with_state(
            app.state.clone(),
            netcare_server::security::server_fn_guard,
        ))
        .with_state(app.state.clone());
    let cross_site = Request::post("/api/v1/future")
        .header("host", "netcare.test")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let answer = tower::ServiceExt::oneshot(guarded, cross_site)
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}
