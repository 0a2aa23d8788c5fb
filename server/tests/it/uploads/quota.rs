//! The daily quota, one for every way in: the sixth upload, racing uploads, retries, and bodies
//! too large to read.

use super::prelude::*;

both_databases!(
    the_sixth_upload_is_refused_until_the_reset,
    racing_uploads_respect_the_quota_exactly,
    a_retried_upload_counts_once,
    a_key_reused_for_another_request_is_refused,
    oversized_bodies_are_refused_before_reading,
    every_answer_to_an_upload_token_describes_the_quota,
    uploads_and_exports_beyond_the_slots_are_answered_busy,
    refused_uploads_have_a_daily_limit_of_their_own,
    uploads_of_mostly_unknown_serials_are_limited_and_logged,
);

/// The `RateLimit-*` headers of an answer: limit, remaining, seconds to the reset.
fn rate_limit(headers: &axum::http::HeaderMap) -> (u32, u32, u64) {
    let number = |name: &str| -> u64 {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    (
        number("ratelimit-limit") as u32,
        number("ratelimit-remaining") as u32,
        number("ratelimit-reset"),
    )
}

async fn every_answer_to_an_upload_token_describes_the_quota(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "collector-1").await;
    let seconds_to_midnight = {
        let now = time::OffsetDateTime::now_utc();
        let midnight = now.date().next_day().unwrap().midnight().assume_utc();
        (midnight - now).whole_seconds() as u64
    };
    let (status, headers, _) = api(&app, "GET", "/api/v1/me", &token, &[], vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let (limit, remaining, reset) = rate_limit(&headers);
    assert_eq!((limit, remaining), (5, 5));
    assert!(
        reset.abs_diff(seconds_to_midnight) <= 5,
        "{reset} vs {seconds_to_midnight}"
    );
    assert!(headers["ratelimit-policy"]
        .to_str()
        .unwrap()
        .starts_with("5;w=86400"));
    // An upload's own answer already counts it; so do a refusal's and a read's.
    let body = b"serial_number,product_id\nRL1,C9300-48P\n".to_vec();
    let csv = [("content-type", "text/csv")];
    let (status, headers, _) = api(&app, "POST", "/api/v1/uploads", &token, &csv, body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(rate_limit(&headers).1, 4);
    let (status, headers, _) = api(
        &app,
        "POST",
        "/api/v1/uploads?bogus=1",
        &token,
        &csv,
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(rate_limit(&headers).1, 4);
    for path in [
        "/api/v1/devices",
        "/api/v1/devices/RL1",
        "/api/v1/coverage/summary",
    ] {
        let (status, headers, _) = api(&app, "GET", path, &token, &[], vec![]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            rate_limit(&headers),
            (5, 4, rate_limit(&headers).2),
            "{path}"
        );
    }
    // Without a valid token nothing is said about any company's quota.
    let (status, headers, _) = api(&app, "GET", "/api/v1/me", "nct_wrong", &[], vec![]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get("ratelimit-remaining").is_none());
}

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

/// A key names one request of one token for 24 hours: sent again with another body, content type,
/// source or mode it is refused (422), changing nothing; another token's key is its own; an expired
/// key names a new upload; a retry is answered even when today's quota is used up.
async fn a_key_reused_for_another_request_is_refused(backend: Backend) {
    let app = demo_app(backend, |settings| settings.uploads_per_day = 2).await;
    let token = token_for(&app, "NW-1001", "retrier").await;
    let file = "serial_number,product_id\nKEY1,C9300-48P\n";
    let key = "nightly-2026-11-30";
    let (status, first) = api_upload(&app, &token, file, Some(key)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let send = |path: &'static str, content_type: &'static str, body: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            let headers = [("content-type", content_type), ("idempotency-key", key)];
            let (status, _, text) = api(app, "POST", path, &token, &headers, body.into()).await;
            (status, serde_json::from_str::<Value>(&text).unwrap())
        }
    };
    let json = r#"{"devices":[{"serial_number":"KEY1","product_id":"C9300-48P"}]}"#;
    for (path, content_type, body) in [
        (
            "/api/v1/uploads",
            "text/csv",
            "serial_number,product_id\nOTHER1,C9300-48P\n",
        ),
        ("/api/v1/uploads", "application/json", json),
        ("/api/v1/uploads?source=third_party", "text/csv", file),
        ("/api/v1/uploads?mode=replace", "text/csv", file),
    ] {
        let (status, refusal) = send(path, content_type, body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {content_type}: {refusal}"
        );
        assert_eq!(refusal["error"], "idempotency_key_reused");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM devices WHERE serial_number = 'OTHER1'"
        )
        .await,
        0
    );
    assert_eq!(quota_used(&app).await, 1);
    // The same request again is its retry, answered even once the day's quota is used up.
    let other = token_for(&app, "NW-1001", "another collector").await;
    let (status, _) = api_upload(&app, &other, file, Some(key)).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another token's key is its own"
    );
    assert_eq!(quota_used(&app).await, 2);
    let (status, again) = send("/api/v1/uploads", "text/csv", file).await;
    assert_eq!((status, &again), (StatusCode::OK, &first));
    // After 24 hours the key names nothing: it may name a new upload (tomorrow's quota).
    sqlx::query("UPDATE uploads SET created_at = '2026-01-01T00:00:00.000000Z'")
        .execute(app.db().pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM upload_quota")
        .execute(app.db().pool())
        .await
        .unwrap();
    let (status, new) = send(
        "/api/v1/uploads",
        "text/csv",
        "serial_number,product_id\nOTHER1,C9300-48P\n",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{new}");
    assert_ne!(new["upload_id"], first["upload_id"]);
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

/// With every slot taken, an upload or an export waits its turn, then is told to come back (503
/// with Retry-After) without reading the body or the inventory; with a slot free, both work.
async fn uploads_and_exports_beyond_the_slots_are_answered_busy(backend: Backend) {
    use app::platform::work_slots::WorkSlots;
    let app = demo_app(backend, |settings| {
        settings.work = WorkSlots::new(1, 1).waiting(std::time::Duration::from_millis(200));
    })
    .await;
    let token = token_for(&app, "NW-1001", "collector-1").await;
    let dana = login(&app, "dana.admin").await;
    let csv = [("content-type", "text/csv")];
    let file = b"serial_number,product_id\nBUSY1,C9300-48P\n".to_vec();
    let busy = |status: StatusCode, headers: &axum::http::HeaderMap, body: &str| {
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(headers["retry-after"], "10");
        assert!(body.contains("\"busy\""), "{body}");
    };
    let held = app.state.settings.work.upload().await.unwrap();
    let (status, headers, body) =
        api(&app, "POST", "/api/v1/uploads", &token, &csv, file.clone()).await;
    busy(status, &headers, &body);
    assert_eq!(quota_used(&app).await, 0);
    let (status, _) = browser_upload(&dana, "busy.csv", &file).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    drop(held);
    let (status, _, body) = api(&app, "POST", "/api/v1/uploads", &token, &csv, file).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let held = app.state.settings.work.export().await.unwrap();
    let (status, headers, body) = api(&app, "GET", "/api/v1/devices", &token, &[], vec![]).await;
    busy(status, &headers, &body);
    let export = Request::get("/api/library/devices.csv")
        .header("cookie", dana.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.send(export).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    // A page of the API is a quick read, not an export: it needs no slot.
    let (status, _, _) = api(&app, "GET", "/api/v1/devices?limit=10", &token, &[], vec![]).await;
    assert_eq!(status, StatusCode::OK);
    drop(held);
    let (status, _, body) = api(&app, "GET", "/api/v1/devices", &token, &[], vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("BUSY1"), "{body}");
}

/// A refused upload uses no quota, but refusals are counted (every way in together): past the
/// day's limit, no file of the company is read until the next day.
async fn refused_uploads_have_a_daily_limit_of_their_own(backend: Backend) {
    let app = demo_app(backend, |settings| settings.refused_uploads_per_day = 3).await;
    let token = token_for(&app, "NW-1001", "collector-1").await;
    let dana = login(&app, "dana.admin").await;
    let (status, _) = upload_csv(&app, &token, "no header here\n").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = upload_csv(&app, &token, "serial_number,product_id\nNOPID,\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = refusal_message(&dana, "bad.csv", b"serial_number,product_id\nNOPID2,\n").await;
    assert!(refusal.contains("No device was accepted"), "{refusal}");
    assert_eq!(quota_used(&app).await, 0);
    // The fourth file is not read, good or not.
    let (status, body) =
        upload_csv(&app, &token, "serial_number,product_id\nGOOD1,C9300-48P\n").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_refused_uploads");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("3 refused uploads"),
        "{body}"
    );
    let devices = count(
        &app,
        "SELECT COUNT(*) FROM devices WHERE serial_number = 'GOOD1'",
    )
    .await;
    assert_eq!(devices, 0);
    // Another company is not affected.
    let contoso = token_for(&app, "CT-2002", "ct-collector").await;
    let (status, _) = upload_csv(
        &app,
        &contoso,
        "serial_number,product_id\nCT-GOOD,C9300-48P\n",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

/// `n` made-up serial numbers (none in the registry) from `first`, as a CSV file.
fn guessed_serials(first: u32, n: u32) -> String {
    let mut file = "serial_number,product_id\n".to_owned();
    for i in first..first + n {
        file.push_str(&format!("GUESS{i:06},C9300-48P\n"));
    }
    file
}

async fn uploads_of_mostly_unknown_serials_are_limited_and_logged(backend: Backend) {
    let app = demo_app(backend, |settings| {
        settings.uploads_per_day = 100;
        settings.probing_uploads_per_day = 2;
    })
    .await;
    let token = token_for(&app, "NW-1001", "collector-1").await;
    // A real inventory with a few unknown devices is not guessing.
    let (status, body) = upload_csv(&app, &token, NORTHWIND_FILE).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Two uploads of 60 made-up serials land (a dry run counts too: it answers coverage)…
    let (status, body) = upload_csv(&app, &token, &guessed_serials(0, 60)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) =
        api_upload_with(&app, &token, "dry_run=true", &guessed_serials(100, 60)).await;
    assert_eq!(
        (status, &body["dry_run"]),
        (StatusCode::OK, &json!(true)),
        "{body}"
    );
    // …the third is refused whole: nothing of it lands, no quota is used.
    let used = quota_used(&app).await;
    let (status, body) = upload_csv(&app, &token, &guessed_serials(200, 60)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_unknown_serials");
    let landed = count(
        &app,
        "SELECT COUNT(*) FROM devices WHERE serial_number LIKE 'GUESS0002%'",
    )
    .await;
    assert_eq!(landed, 0);
    assert_eq!(quota_used(&app).await, used);
    // The company's real inventory still goes in.
    let (status, body) = upload_csv(&app, &token, NORTHWIND_FILE).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Each is in the company's security log, with the token that sent it.
    let logged: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, detail FROM security_events WHERE company_id = 'NW-1001'
           AND kind IN ('unknown_serials_uploaded', 'upload_refused_for_abuse') ORDER BY id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    let kinds: Vec<&str> = logged.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "unknown_serials_uploaded",
            "unknown_serials_uploaded",
            "upload_refused_for_abuse"
        ],
        "{logged:?}"
    );
    assert!(logged[0].1.starts_with("60 of 60 devices"), "{logged:?}");
    assert!(logged[1].1.ends_with(", a dry run)"), "{logged:?}");
    // Another company is not affected.
    let contoso = token_for(&app, "CT-2002", "ct-collector").await;
    let (status, _) = upload_csv(&app, &contoso, &guessed_serials(300, 60)).await;
    assert_eq!(status, StatusCode::CREATED);
}
