//! The daily quota, one for every way in: the sixth upload, racing uploads, retries, and bodies
//! too large to read.

use super::prelude::*;

both_databases!(
    the_sixth_upload_is_refused_until_the_reset,
    racing_uploads_respect_the_quota_exactly,
    a_retried_upload_counts_once,
    oversized_bodies_are_refused_before_reading,
);

async fn the_sixth_upload_is_refused_until_the_reset(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let dana = login(&app, "dana.admin").await;
    let token = token_for(&app, "NW-1001", "collector-1").await;
    for n in 0..5 {
        let file = format!("serial_number,product_id\nQ{n},C9300-48P\n");
        if n % 2 == 0 {
            assert_eq!(
                upload_outcome(&dana, "q.csv", file.as_bytes()).await["stage"],
                "done"
            );
        } else {
            assert_eq!(upload_csv(&app, &token, &file).await.0, StatusCode::CREATED);
        }
    }
    let (status, body) = upload_csv(&app, &token, "serial_number,product_id\nQ6,C9300-48P\n").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "quota_exhausted");
    let resets_at = body["resets_at"].as_str().unwrap();
    let tomorrow = (time::OffsetDateTime::now_utc().date().next_day().unwrap()).to_string();
    assert!(
        resets_at.starts_with(&format!("{tomorrow}T00:00:00")),
        "{resets_at}"
    );
    assert!(body["message"].as_str().unwrap().contains("resets at"));
    let (status, lines) =
        browser_upload(&dana, "q.csv", b"serial_number,product_id\nQ7,C9300-48P\n").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{lines:?}");
    assert_eq!(quota_used(&app).await, 5);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM uploads").await, 5);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 5);
}

async fn racing_uploads_respect_the_quota_exactly(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "racer").await;
    for n in 0..4 {
        let (status, _) = api_upload(
            &app,
            &token,
            &format!("serial_number,product_id\nR{n},C9300-48P\n"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let mut racers = Vec::new();
    for n in 0..10 {
        let router = app.router.clone();
        let token = token.clone();
        racers.push(tokio::spawn(async move {
            let request = Request::post("/api/v1/uploads")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "text/csv")
                .body(Body::from(format!(
                    "serial_number,product_id\nRACE{n},C9300-48P\n"
                )))
                .unwrap();
            tower::ServiceExt::oneshot(router, request)
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((created, refused), (1, 9), "{statuses:?}");
    assert_eq!(quota_used(&app).await, 5);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM uploads").await, 5);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM devices WHERE serial_number LIKE 'RACE%'"
        )
        .await,
        1
    );
}

async fn a_retried_upload_counts_once(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "retrier").await;
    let file = "serial_number,product_id\nIDEM1,C9300-48P\nIDEM2,C9300-48P\n";
    let (first_status, first) = api_upload(&app, &token, file, Some("inventory-2026-11-24")).await;
    assert_eq!(first_status, StatusCode::CREATED, "{first}");
    let (_, headers, text) = api(
        &app,
        "POST",
        "/api/v1/uploads",
        &token,
        &[
            ("content-type", "text/csv"),
            ("idempotency-key", "inventory-2026-11-24"),
        ],
        file.as_bytes().to_vec(),
    )
    .await;
    let second: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(second, first);
    assert_eq!(quota_used(&app).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM uploads").await, 1);
    // Another key is another upload.
    let (status, other) = api_upload(&app, &token, file, Some("inventory-2026-11-24b")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(other["upload_id"], first["upload_id"]);
    let (status, bad) = api_upload(&app, &token, file, Some("has space")).await;
    assert_eq!(
        (status, bad["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_idempotency_key"))
    );
    assert_eq!(quota_used(&app).await, 2);
}

async fn oversized_bodies_are_refused_before_reading(backend: Backend) {
    let app = demo_app(backend, |s| s.max_upload_bytes = 1024).await;
    let token = token_for(&app, "NW-1001", "big").await;
    // A declared length over the limit: refused at once (the body is never read).
    let request = Request::post("/api/v1/uploads")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .header("content-length", "52428800")
        .body(Body::from("serial_number,product_id\n"))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body_text(response).await.contains("too_large"));
    // A streamed body with no declared length: stopped as soon as it passes the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        std::iter::once(Ok(b"serial_number,product_id\n".to_vec()))
            .chain((0..200).map(|n| Ok(format!("BIG{n:05},C9300-48P\n").into_bytes())))
            .collect();
    let request = Request::post("/api/v1/uploads")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let dana = login(&app, "dana.admin").await;
    let (status, lines) = browser_upload(&dana, "big.csv", &vec![b'a'; 2048]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{lines:?}");
    assert_eq!(quota_used(&app).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 0);
}
