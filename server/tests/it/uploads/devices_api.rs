//! `GET /api/v1/devices` as an integration polls it: the Library's filters, one serial number,
//! what changed since a time, pages that follow a cursor, a count, and `ETag` / `If-None-Match`.

use super::prelude::*;
use crate::support::TestApp;

both_databases!(
    devices_are_filtered_and_paged_with_a_cursor,
    one_serial_and_what_changed_since,
    bad_device_queries_are_named,
    the_small_reads_answer_for_the_tokens_company,
    gzip_bodies_are_unpacked_within_the_limit
);

async fn get(
    app: &TestApp,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    api(app, "GET", path, token, headers, Vec::new()).await
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, _, text) = get(app, token, path, &[]).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

fn serials(page: &Value) -> Vec<String> {
    page["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["serial_number"].as_str().unwrap().to_owned())
        .collect()
}

/// Northwind's six devices and 120 more no contract knows.
async fn northwind_with_many(backend: Backend) -> (TestApp, String) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "integration").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    let mut many = String::from("serial_number,product_id\n");
    for n in 0..120 {
        many.push_str(&format!("MANY{n:04},C9300-48P\n"));
    }
    assert_eq!(upload_csv(&app, &token, &many).await.0, StatusCode::CREATED);
    (app, token)
}

async fn devices_are_filtered_and_paged_with_a_cursor(backend: Backend) {
    let (app, token) = northwind_with_many(backend).await;
    let first = get_json(&app, &token, "/api/v1/devices?status=not_covered&limit=50").await;
    assert_eq!(first["count"], 122, "NOPE0000001, FOC2101A0AB and the 120");
    let mut seen = serials(&first);
    assert_eq!(seen.len(), 50);
    let mut next = first["next"].as_str().map(str::to_owned);
    let mut pages = 1;
    while let Some(link) = next {
        assert!(
            link.starts_with("/api/v1/devices?status=not_covered&limit=50&cursor="),
            "{link}"
        );
        let page = get_json(&app, &token, &link).await;
        assert!(
            page.get("count").is_none(),
            "counted on the first page only"
        );
        seen.extend(serials(&page));
        next = page["next"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!((pages, seen.len()), (3, 122));
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 122, "no device twice");
    assert!(seen.contains(&"NOPE0000001".to_owned()) && !seen.contains(&"FOC2101A0AA".to_owned()));

    // The same page while nothing changed: 304, no body.
    let (status, headers, _) = get(
        &app,
        &token,
        "/api/v1/devices?status=not_covered&limit=50",
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let link = headers["link"].to_str().unwrap().to_owned();
    assert!(link.ends_with("rel=\"next\""), "{link}");
    let (status, _, body) = get(
        &app,
        &token,
        "/api/v1/devices?status=not_covered&limit=50",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
    // Something changed on it: the page again.
    upload_csv(
        &app,
        &token,
        "serial_number,product_id,hostname\nMANY0000,C9300-48P,renamed\n",
    )
    .await;
    let (status, _, _) = get(
        &app,
        &token,
        "/api/v1/devices?status=not_covered&limit=50",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // A page as CSV; a filtered selection streamed whole.
    let (status, headers, csv) = get(
        &app,
        &token,
        "/api/v1/devices?site=HQ&limit=2",
        &[("accept", "text/csv")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(csv.lines().count(), 3, "the header and two devices: {csv}");
    assert!(headers.contains_key("link"));
    let hq = get_json(&app, &token, "/api/v1/devices?site=HQ").await;
    assert_eq!(serials(&hq).len(), 4);
    assert!(hq["next"].is_null());
    // Another company's token sees none of it.
    let contoso = token_for(&app, "CT-2002", "theirs").await;
    let theirs = get_json(
        &app,
        &contoso,
        "/api/v1/devices?status=not_covered&limit=50",
    )
    .await;
    assert_eq!(theirs["count"], 0);
}

async fn one_serial_and_what_changed_since(backend: Backend) {
    let (app, token) = northwind_with_many(backend).await;
    let one = get_json(&app, &token, "/api/v1/devices?serial=foc2101a0ab").await;
    assert_eq!(serials(&one), ["FOC2101A0AB"]);
    assert_eq!(one["devices"][0]["coverage"]["reason"], "pid_mismatch");
    let none = get_json(&app, &token, "/api/v1/devices?serial=FOC2101A0A").await;
    assert_eq!(
        serials(&none).len(),
        0,
        "a serial is matched whole, not as a prefix"
    );
    for (since, changed) in [
        ("2000-01-01T00:00:00Z", 126),
        ("2999-01-01T00:00:00%2B02:00", 0),
    ] {
        let path = format!("/api/v1/devices?changed_since={since}&limit=500");
        assert_eq!(
            get_json(&app, &token, &path).await["count"],
            changed,
            "{since}"
        );
    }
}

async fn bad_device_queries_are_named(backend: Backend) {
    let (app, token) = northwind_with_many(backend).await;
    for (query, named) in [
        ("limit=0", "limit"),
        ("limit=5001", "limit"),
        ("limit=ten", "limit"),
        ("cursor=bm90LWEta2V5", "cursor"),
        ("status=broken", "broken"),
        ("changed_since=yesterday", "changed_since"),
        ("page=2", "page"),
    ] {
        let (status, _, text) = get(&app, &token, &format!("/api/v1/devices?{query}"), &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {text}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"], "invalid_query");
        assert!(
            body["message"].as_str().unwrap().contains(named),
            "{query}: {body}"
        );
    }
}

async fn the_small_reads_answer_for_the_tokens_company(backend: Backend) {
    let (app, token) = northwind_with_many(backend).await;
    let one = get_json(&app, &token, "/api/v1/devices/foc2101a0aa").await;
    assert_eq!(serials(&one), ["FOC2101A0AA"]);
    assert_eq!(one["devices"][0]["coverage"]["contract_number"], "91000001");
    let contoso = contoso_uploads_its_own(&app).await;
    for (who, path) in [
        (&token, "/api/v1/devices/CT-ONLY"),
        (&contoso, "/api/v1/devices/FOC2101A0AA"),
        (&token, "/api/v1/devices/%20"),
    ] {
        let (status, _, text) = get(&app, who, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {text}");
        assert!(text.contains("not_found"), "{text}");
    }

    let summary = get_json(&app, &token, "/api/v1/coverage/summary").await;
    assert_eq!(summary["devices"], 126);
    assert_eq!(summary["by_status"]["not_covered"], 122);
    assert_eq!(summary["not_covered_by_reason"]["pid_mismatch"], 1);
    assert_eq!(summary["expiring_window_days"], 90);

    let all = get_json(&app, &token, "/api/v1/contracts").await;
    let numbers = |page: &Value| -> Vec<String> {
        page["contracts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["contract_number"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(numbers(&all).len() >= 3, "{all}");
    // The demo's 91000002 ends in 45 days.
    let soon = get_json(&app, &token, "/api/v1/contracts?expiring_within_days=60").await;
    assert!(numbers(&soon).contains(&"91000002".to_owned()), "{soon}");
    assert!(numbers(&soon).len() < numbers(&all).len());
    assert!(
        numbers(&get_json(&app, &token, "/api/v1/contracts?expiring_within_days=10").await)
            .is_empty()
    );

    let me = get_json(&app, &token, "/api/v1/me").await;
    assert_eq!(
        (
            me["company_id"].as_str(),
            me["token_name"].as_str(),
            me["uploads_left_today"].as_u64()
        ),
        (Some("NW-1001"), Some("integration"), Some(3))
    );
}

async fn gzip_bodies_are_unpacked_within_the_limit(backend: Backend) {
    use std::io::Write;
    let app = demo_app(backend, |settings| settings.max_upload_bytes = 64 * 1024).await;
    let token = token_for(&app, "NW-1001", "gzip").await;
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let send = |encoding: &'static str, body: Vec<u8>| {
        let (app, token) = (&app, token.clone());
        async move {
            let headers = [("content-type", "text/csv"), ("content-encoding", encoding)];
            let (status, _, text) =
                api(app, "POST", "/api/v1/uploads", &token, &headers, body).await;
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text)),
            )
        }
    };
    let (status, summary) = send("gzip", gzip(NORTHWIND_FILE.as_bytes())).await;
    assert_eq!(
        (status, &summary["accepted"]),
        (StatusCode::CREATED, &json!(6)),
        "{summary}"
    );
    // Refused whole, changing nothing: another encoding, a body that is not gzip, one that
    // unpacks past the limit (a few hundred bytes that would become megabytes).
    let bomb = gzip(&vec![b'x'; 4 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024);
    for (encoding, body, status, code) in [
        (
            "br",
            NORTHWIND_FILE.as_bytes().to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_content_encoding",
        ),
        (
            "gzip",
            NORTHWIND_FILE.as_bytes().to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_file",
        ),
        ("gzip", bomb, StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
    ] {
        let (got, refusal) = send(encoding, body).await;
        assert_eq!(
            (got, refusal["error"].as_str()),
            (status, Some(code)),
            "{encoding}: {refusal}"
        );
    }
    assert_eq!(quota_used(&app).await, 1);
}
