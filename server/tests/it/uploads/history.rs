//! An upload read back: its summary as it landed, and every row it rejected, past the first
//! 10,000 the summary lists.

use super::prelude::*;

both_databases!(every_rejected_row_can_be_read_back);

async fn get_json(app: &crate::support::TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let (status, _, text) = api(app, "GET", path, token, &[], vec![]).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn every_rejected_row_can_be_read_back(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "collector-1").await;
    // One good device and 12,000 rows without a product ID.
    let mut file = String::from("serial_number,product_id,hostname\nHIST-OK,C9300-48P,core-1\n");
    for n in 0..12_000 {
        file.push_str(&format!("HIST{n:05},,edge-{n}\n"));
    }
    let (status, landed) = upload_csv(&app, &token, &file).await;
    assert_eq!(status, StatusCode::CREATED, "{}", landed["message"]);
    assert_eq!(landed["rejected"], 12_000);
    assert_eq!(landed["rejected_rows"].as_array().unwrap().len(), 10_000);
    assert_eq!(landed["rejected_rows_complete"], false);
    let id = landed["upload_id"].as_i64().unwrap();
    let rows_url = format!("/api/v1/uploads/{id}/rejected_rows");
    assert_eq!(landed["rejected_rows_url"], rows_url.as_str());

    // The summary as it landed.
    let (status, read) = get_json(&app, &token, &format!("/api/v1/uploads/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, landed);

    // Every rejected row, once, in line order, following `next`.
    let mut lines = Vec::new();
    let mut next = Some(format!("{rows_url}?limit=5000"));
    let mut pages = 0;
    while let Some(path) = next {
        let (status, page) = get_json(&app, &token, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        for row in page["rejected_rows"].as_array().unwrap() {
            lines.push(row["line"].as_u64().unwrap());
            assert!(row["reason"].as_str().unwrap().contains("product"), "{row}");
        }
        next = page["next"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(lines, (3..12_003).collect::<Vec<u64>>());
    let (_, first) = get_json(&app, &token, &format!("{rows_url}?limit=1")).await;
    assert_eq!(first["rejected_rows"][0]["values"][0], "HIST00000");
    assert_eq!(first["rejected_rows"][0]["values"][2], "edge-0");

    // Bad pages and unknown uploads are clear refusals.
    for (path, expected) in [
        (format!("{rows_url}?limit=0"), StatusCode::BAD_REQUEST),
        (format!("{rows_url}?limit=10001"), StatusCode::BAD_REQUEST),
        (format!("{rows_url}?cursor=abc"), StatusCode::BAD_REQUEST),
        (format!("{rows_url}?page=2"), StatusCode::BAD_REQUEST),
        ("/api/v1/uploads/999999".to_owned(), StatusCode::NOT_FOUND),
        ("/api/v1/uploads/abc".to_owned(), StatusCode::NOT_FOUND),
        (
            "/api/v1/uploads/999999/rejected_rows".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, body) = get_json(&app, &token, &path).await;
        assert_eq!(status, expected, "{path}: {body}");
        assert!(body["error"].is_string(), "{path}: {body}");
    }

    // A small upload lists all its rejected rows and says so; a dry run has nowhere to read more.
    let small = "serial_number,product_id\nHIST-OK2,C9300-48P\nHIST-BAD,\n";
    let (status, landed) = upload_csv(&app, &token, small).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(landed["rejected_rows_complete"], true);
    let (status, dry) = api_upload_with(&app, &token, "dry_run=true", small).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["rejected_rows_complete"], true);
    assert_eq!(dry["rejected_rows_url"], Value::Null);
}
