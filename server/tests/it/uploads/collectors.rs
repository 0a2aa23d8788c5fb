//! Collectors: tokens managed by DAs and Admins, full-inventory uploads, JSON and the exports, and
//! streamed answers.

use super::prelude::*;

both_databases!(
    collector_tokens_are_managed_by_das_and_admins,
    collector_uploads_mark_devices_no_longer_seen,
    json_uploads_and_device_exports,
    streamed_answers_survive_compression,
);

async fn collector_tokens_are_managed_by_das_and_admins(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let (status, created) = dana
        .call(CreateCollectorToken::PATH, &[("name", "Lyon collector")])
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("nct_") && secret.len() > 40);
    let hint = created["token"]["hint"].as_str().unwrap();
    assert!(secret.starts_with(hint.trim_end_matches('…')));
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM collector_tokens")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert!(
        !stored.contains(&secret[4..]),
        "the token itself is never stored"
    );
    let (_, listed) = dana.call(ListCollectorTokens::PATH, &[]).await;
    assert_eq!(listed[0]["name"], "Lyon collector");
    assert_eq!(listed[0]["created_by"], "Dana Admin");
    assert!(listed[0].get("secret").is_none());

    let (status, _) = upload_csv(&app, &secret, "serial_number,product_id\nT1,C9300-48P\n").await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, listed) = dana.call(ListCollectorTokens::PATH, &[]).await;
    assert!(listed[0]["last_used_at"].is_string());

    let id = created["token"]["id"].to_string();
    let (status, revoked) = dana
        .call(RevokeCollectorToken::PATH, &[("token_id", &id)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revoked_at"].is_string());
    let (status, _, text) = api(
        &app,
        "POST",
        "/api/v1/uploads",
        &secret,
        &[("content-type", "text/csv")],
        b"serial_number,product_id\nT2,C9300-48P\n".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert!(text.contains("invalid_token"));
    for garbage in [
        "",
        "nct_",
        "nct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &secret[..secret.len() - 1],
    ] {
        let (status, headers, _) =
            api(&app, "GET", "/api/v1/uploads", garbage, &[], Vec::new()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{garbage}");
        assert!(headers.get("www-authenticate").is_some());
    }

    // A User can upload but not manage collectors or delete the inventory.
    let mut ben = login(&app, "ben.user").await;
    for (path, args) in [
        (ListCollectorTokens::PATH, vec![]),
        (CreateCollectorToken::PATH, vec![("name", "mine")]),
        (RevokeCollectorToken::PATH, vec![("token_id", id.as_str())]),
        (DeleteInventory::PATH, vec![("confirmation", "DELETE")]),
    ] {
        let (status, body) = ben.call(path, &args).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    let (status, body) = dana
        .call(CreateCollectorToken::PATH, &[("name", "  ")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn collector_uploads_mark_devices_no_longer_seen(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let first = token_for(&app, "NW-1001", "collector A").await;
    let second = token_for(&app, "NW-1001", "collector B").await;
    let replace = "mode=replace";
    let (status, _) = api_upload_with(
        &app,
        &first,
        replace,
        "serial_number,product_id\nC1,C9300-48P\nC2,C9300-48P\nC3,C9300-48P\n",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, _) = api_upload_with(
        &app,
        &second,
        replace,
        "serial_number,product_id\nB1,C9300-48P\n",
    )
    .await;
    let (status, summary) = api_upload_with(
        &app,
        &first,
        replace,
        "serial_number,product_id\nC1,C9300-48P\nC3,C9300-48P\n",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(summary["no_longer_seen"], 1, "{summary}");
    let devices = devices_json(&app, &first).await;
    assert!(device(&devices, "C2")["no_longer_seen_at"].is_string());
    assert!(device(&devices, "C1")["no_longer_seen_at"].is_null());
    assert!(
        device(&devices, "B1")["no_longer_seen_at"].is_null(),
        "another collector's device stays"
    );
    // Reported again: seen again; the other two are retired (half the company's four devices:
    // the most a replace may retire at once without force).
    let (_, summary) = api_upload_with(
        &app,
        &first,
        replace,
        "serial_number,product_id\nC2,C9300-48P\n",
    )
    .await;
    assert_eq!(summary["no_longer_seen"], 2, "{summary}");
    let devices = devices_json(&app, &first).await;
    assert!(device(&devices, "C2")["no_longer_seen_at"].is_null());
    let (_, _, listed) = api(&app, "GET", "/api/v1/uploads", &first, &[], Vec::new()).await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["uploads"][0]["by"], "token “collector A”");
    assert_eq!(listed["uploads"][0]["method"], "collector");
    assert_eq!(listed["quota"]["used"], 4);
}

async fn json_uploads_and_device_exports(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "json").await;
    let body = json!({"devices": [
        {"serial_number": "FOC2101A0AA", "product_id": "C9300-48P", "hostname": "=HYPERLINK(\"http://x\")", "ip_address": "10.0.0.1"},
        {"serial_number": "J2", "product_id": ""},
        {"product_id": "CP-8845", "mac_address": "00:11:22:33:44:77"}
    ]});
    let body = body.to_string().into_bytes();
    let (status, summary) =
        api_post(&app, &token, "source=third_party", "application/json", body).await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    assert_eq!(summary["method"], "third_party");
    assert_eq!(
        (summary["accepted"].as_u64(), summary["rejected"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        summary["rejected_rows"][0],
        json!({"line": 2, "reason": "missing product ID", "values": ["J2", "", "", "", "", "", "", ""]})
    );

    let csv = devices_csv(&app, &token).await;
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("serial_number,product_id,hostname,ip_address"));
    assert!(
        csv.contains("FOC2101A0AA,C9300-48P,\"'=HYPERLINK(\"\"http://x\"\")\",10.0.0.1"),
        "{csv}"
    );
    assert!(csv.contains(",covered,"));
    let devices = devices_json(&app, &token).await;
    assert_eq!(
        device(&devices, "FOC2101A0AA")["hostname"],
        "=HYPERLINK(\"http://x\")",
        "stored as sent"
    );

    let truncated = b"{\"devices\": [".to_vec();
    let (status, refusal) = api_post(&app, &token, "", "application/json", truncated).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refusal}");
    assert!(refusal["message"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));
    let xml = b"<x/>".to_vec();
    let (status, _) = api_post(&app, &token, "", "application/xml", xml).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, _) = api(
        &app,
        "POST",
        "/api/v1/uploads?source=mine",
        &token,
        &[("content-type", "text/csv")],
        b"x".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, openapi) = api(&app, "GET", "/api/v1/openapi.json", "", &[], Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    let openapi: Value = serde_json::from_str(&openapi).unwrap();
    // Every route the API declares is in its description.
    let source = include_str!("../../../src/uploads/api.rs");
    let declared: Vec<&str> = source
        .split(".route(")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"')?.split('"').next())
        .filter(|path| !path.contains('*'))
        .collect();
    assert!(declared.len() >= 6, "{declared:?}");
    for path in &declared {
        assert!(openapi["paths"][path].is_object(), "{path} documented");
    }
    // …and the description has nothing the API does not serve.
    for path in openapi["paths"].as_object().unwrap().keys() {
        assert!(declared.contains(&path.as_str()), "{path} is served");
    }
    assert_eq!(quota_used(&app).await, 1);
}

async fn streamed_answers_survive_compression(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let dana = login(&app, "dana.admin").await;
    // The progress answer is never compressed (a compressor would hold the lines back).
    let request = Request::post("/api/inventory/upload?file_name=g.csv")
        .header("host", "netcare.test")
        .header("origin", PUBLIC_URL)
        .header("accept-encoding", "gzip")
        .header("cookie", dana.cookie.clone().unwrap())
        .body(Body::from("serial_number,product_id\nGZ1,C9300-48P\n"))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.headers()["content-encoding"], "identity");
    assert!(body_text(response).await.contains("\"stage\":\"done\""));
    // The device export may be compressed, and ends cleanly when it is.
    let token = token_for(&app, "NW-1001", "gz").await;
    let request = Request::get("/api/v1/devices")
        .header("authorization", format!("Bearer {token}"))
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert!(!crate::support::body_bytes(response).await.is_empty());
}
