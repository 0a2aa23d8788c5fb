//! What an upload does to the devices it does not list: a merge leaves them, a replace retires a
//! collector's missing devices, but never because rows were rejected and never most of the
//! inventory at once without `force`; a dry run writes nothing; options are spelt right or refused.

use super::prelude::*;

both_databases!(
    csv_and_third_party_uploads_merge_by_default,
    a_replace_that_would_retire_most_of_the_inventory_asks_for_force,
    a_replace_with_rejected_rows_retires_nothing,
    a_dry_run_writes_nothing_and_uses_no_quota,
    unknown_query_parameters_are_refused_by_name,
    a_mac_address_alone_does_not_cover_another_product,
);

fn devices_csv_of(serials: &[&str]) -> String {
    let mut csv = String::from("serial_number,product_id\n");
    for serial in serials {
        csv.push_str(&format!("{serial},C9300-48P\n"));
    }
    csv
}

const TEN: [&str; 10] = [
    "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M09", "M10",
];

fn seen(devices: &[Value]) -> usize {
    devices
        .iter()
        .filter(|d| d["no_longer_seen_at"].is_null())
        .count()
}

async fn csv_and_third_party_uploads_merge_by_default(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let collector = token_for(&app, "NW-1001", "csv collector").await;
    let third_party = token_for(&app, "NW-1001", "cmdb").await;
    for (token, query) in [(&collector, ""), (&third_party, "source=third_party")] {
        let (status, _) = api_upload_with(&app, token, query, &devices_csv_of(&TEN)).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, summary) =
            api_upload_with(&app, token, query, &devices_csv_of(&["M01"])).await;
        assert_eq!(status, StatusCode::CREATED, "{summary}");
        assert_eq!(
            (summary["mode"].as_str(), summary["no_longer_seen"].as_u64()),
            (Some("merge"), Some(0)),
            "{query}: {summary}"
        );
    }
    assert_eq!(seen(&devices_json(&app, &collector).await), 10);
}

async fn a_replace_that_would_retire_most_of_the_inventory_asks_for_force(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "collector").await;
    let (status, _) = api_upload_with(&app, &token, "mode=replace", &devices_csv_of(&TEN)).await;
    assert_eq!(status, StatusCode::CREATED);
    // One device where there were ten: most likely a broken collector, not nine devices gone.
    let (status, refusal) =
        api_upload_with(&app, &token, "mode=replace", &devices_csv_of(&["M01"])).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refusal}");
    assert_eq!(refusal["error"], "replace_retires_too_much");
    let message = refusal["message"].as_str().unwrap();
    assert!(
        message.contains("9 of your 10 devices") && message.contains("50%"),
        "{message}"
    );
    // Nothing changed, and it did not count.
    assert_eq!(seen(&devices_json(&app, &token).await), 10);
    assert_eq!(quota_used(&app).await, 1);
    // Forced, it retires them.
    let (status, summary) = api_upload_with(
        &app,
        &token,
        "mode=replace&force=true",
        &devices_csv_of(&["M01"]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    assert_eq!(summary["no_longer_seen"], 9);
    assert_eq!(seen(&devices_json(&app, &token).await), 1);

    // The limit is the server's to set.
    let strict = demo_app(backend, |settings| {
        settings.replace_retire_limit_percent = 10
    })
    .await;
    let token = token_for(&strict, "NW-1001", "collector").await;
    api_upload_with(&strict, &token, "mode=replace", &devices_csv_of(&TEN)).await;
    let (status, _) =
        api_upload_with(&strict, &token, "mode=replace", &devices_csv_of(&TEN[..8])).await;
    assert_eq!(status, StatusCode::CONFLICT, "2 of 10 is over 10%");
    let (status, summary) =
        api_upload_with(&strict, &token, "mode=replace", &devices_csv_of(&TEN[..9])).await;
    assert_eq!(
        (status, &summary["no_longer_seen"]),
        (StatusCode::CREATED, &json!(1))
    );
}

async fn a_replace_with_rejected_rows_retires_nothing(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "collector").await;
    api_upload_with(
        &app,
        &token,
        "mode=replace",
        &devices_csv_of(&["R1", "R2", "R3", "R4"]),
    )
    .await;
    // R4's row lost its PID on the way: R4 is missing from what was accepted, but not gone.
    let (status, summary) = api_upload_with(
        &app,
        &token,
        "mode=replace",
        "serial_number,product_id\nR1,C9300-48P\nR2,C9300-48P\nR3,C9300-48P\nR4,\n",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    assert_eq!(
        (
            summary["rejected"].as_u64(),
            summary["no_longer_seen"].as_u64(),
            summary["retirement_held_back"].as_bool()
        ),
        (Some(1), Some(0), Some(true))
    );
    let devices = devices_json(&app, &token).await;
    assert!(device(&devices, "R4")["no_longer_seen_at"].is_null());
    // A clean replace still retires.
    let (_, summary) = api_upload_with(
        &app,
        &token,
        "mode=replace",
        &devices_csv_of(&["R1", "R2", "R3"]),
    )
    .await;
    assert_eq!(
        (
            summary["no_longer_seen"].as_u64(),
            summary["retirement_held_back"].as_bool()
        ),
        (Some(1), Some(false))
    );
}

async fn a_dry_run_writes_nothing_and_uses_no_quota(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "collector").await;
    let path = "/api/v1/uploads?dry_run=true";
    let headers = [("content-type", "text/csv"), ("idempotency-key", "dry-1")];
    let body = NORTHWIND_FILE.as_bytes().to_vec();
    let (status, _, text) = api(&app, "POST", path, &token, &headers, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let summary: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(summary["dry_run"], true);
    assert_eq!(summary["accepted"], 6, "every row checked");
    assert_eq!(summary["coverage"]["not_covered"], 2, "coverage decided");
    assert_eq!(summary["quota"]["used"], 0);
    // Nothing landed, nothing counted, and the key was not spent.
    assert!(devices_json(&app, &token).await.is_empty());
    assert_eq!(quota_used(&app).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM uploads").await, 0);
    let (status, _, text) = api(&app, "POST", "/api/v1/uploads", &token, &headers, body).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the real upload with the key lands: {text}"
    );
    assert_eq!(devices_json(&app, &token).await.len(), 6);
}

async fn unknown_query_parameters_are_refused_by_name(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "collector").await;
    for (query, named) in [
        ("dryrun=true", "dryrun"),
        ("mode=sideways", "sideways"),
        ("force=maybe", "force"),
    ] {
        let (status, refusal) = api_upload_with(&app, &token, query, NORTHWIND_FILE).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {refusal}");
        assert_eq!(refusal["error"], "invalid_query");
        assert!(
            refusal["message"].as_str().unwrap().contains(named),
            "{query}: {refusal}"
        );
    }
    assert_eq!(quota_used(&app).await, 0);
    assert!(devices_json(&app, &token).await.is_empty());
}

async fn a_mac_address_alone_does_not_cover_another_product(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    // Contoso's registry covers an IP phone known by its MAC address only.
    let token = token_for(&app, "CT-2002", "collector").await;
    let switch = json!({"devices": [
        {"product_id": "N9K-C93180YC-FX", "mac_address": "00:1b:54:aa:10:01"}
    ]});
    let body = switch.to_string().into_bytes();
    let (status, summary) = api_post(&app, &token, "mode=merge", "application/json", body).await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    let devices = devices_json(&app, &token).await;
    let coverage = &devices[0]["coverage"];
    assert_eq!(
        (
            coverage["status"].as_str(),
            coverage["reason"].as_str(),
            coverage["registry_product_id"].as_str()
        ),
        (
            Some("not_covered"),
            Some("pid_mismatch"),
            Some("CP-8845-K9")
        )
    );
}
