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
    every_response_has_a_request_id
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
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
}
