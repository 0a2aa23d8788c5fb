//! Uploading inventories in tests: the demo company, a signed-in browser, the browser's upload
//! endpoint, collector tokens and the collector API, and reading back what landed.

use axum::{
    body::Body,
    http::{HeaderMap, Request, StatusCode},
};
use serde_json::Value;

use super::{body_text, people::PASSWORD, Backend, Browser, TestApp, PUBLIC_URL};

pub const NORTHWIND_FILE: &str =
    "serial_number,product_id,hostname,ip_address,mac_address,software_version,site,software_type\n\
    FOC2101A0AA,C9300-48P,core-1,10.0.0.1,,17.9.4,HQ,IOS XE\n\
    FOC1907X1Y1,WS-C3850-24T,access-1,10.0.0.2,,16.12,HQ,IOS XE\n\
    FOC1601Z9Z9,WS-C2960X-48FPD-L,old-1,,,15.2,DC,IOS\n\
    FTX2001T1P1,CTS-SX80,room-1,,,,HQ,\n\
    FOC2101A0AB,C9300-24T,core-2,,,,HQ,\n\
    NOPE0000001,C9300-48P,lab-1,,,,Lab,\n";

/// The walk-through registry and demo accounts (Northwind: dana.admin DA, ben.user User).
pub async fn demo_app(
    backend: Backend,
    configure: impl FnOnce(&mut app::platform::Settings),
) -> TestApp {
    let app = TestApp::with_settings(backend, configure).await;
    let today = time::OffsetDateTime::now_utc().date();
    app::registry::import::import_registry(
        app.db(),
        netcare_server::demo::walkthrough::source(today),
        app::registry::import::ChangeOrigin::Demo,
        "test",
    )
    .await
    .unwrap();
    netcare_server::demo::accounts::create(app.db())
        .await
        .unwrap();
    app
}

pub async fn login<'a>(app: &'a TestApp, username: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let (status, body) = super::people::sign_in(&mut browser, username, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    browser
}

/// The demo agent signed in and working on Northwind under the support access its DA `dana`
/// grants first (for a day).
pub async fn agent_on_northwind<'a>(app: &'a TestApp, dana: &mut Browser<'_>) -> Browser<'a> {
    use app::access::{GrantSupportAccess, OpenSupport};
    use leptos::server_fn::ServerFn;
    let (status, body) = dana
        .call(GrantSupportAccess::PATH, &[("hours", "24")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut agent = login(app, "agent").await;
    let (status, body) = agent
        .call(OpenSupport::PATH, &[("company_id", "NW-1001")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    agent
}

/// A browser CSV upload: the status and the NDJSON lines of the answer.
pub async fn browser_upload(
    browser: &Browser<'_>,
    file_name: &str,
    bytes: &[u8],
) -> (StatusCode, Vec<Value>) {
    let mut request = Request::post(format!("/api/inventory/upload?file_name={file_name}"))
        .header("host", "netcare.test")
        .header("origin", PUBLIC_URL)
        .header("content-type", "text/csv");
    if let Some(cookie) = &browser.cookie {
        request = request.header("cookie", cookie);
    }
    let response = browser
        .app
        .send(request.body(Body::from(bytes.to_vec())).unwrap())
        .await;
    let status = response.status();
    let text = body_text(response).await;
    let lines = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or(Value::String(line.to_owned())))
        .collect();
    (status, lines)
}

/// Why a browser upload of a file was refused: before it started (a JSON error with a 4xx status)
/// or while it was read (the answer's last line).
pub async fn refusal_message(browser: &Browser<'_>, file_name: &str, bytes: &[u8]) -> String {
    let (status, lines) = browser_upload(browser, file_name, bytes).await;
    let last = lines.last().cloned().expect("an answer");
    let error = if status == StatusCode::OK {
        assert_eq!(last["stage"], "failed", "{last}");
        &last["error"]
    } else {
        assert!(status.is_client_error(), "{status} {last}");
        &last
    };
    error["message"].as_str().expect("a message").to_owned()
}

/// The final line of a browser upload's answer.
pub async fn upload_outcome(browser: &Browser<'_>, file_name: &str, bytes: &[u8]) -> Value {
    let (status, lines) = browser_upload(browser, file_name, bytes).await;
    assert_eq!(status, StatusCode::OK, "{lines:?}");
    lines.last().cloned().expect("an outcome line")
}

pub async fn token_for(app: &TestApp, company: &str, name: &str) -> String {
    app::inventory::tokens::create(&app.state, company, None, name, None, Default::default())
        .await
        .unwrap()
        .1
}

/// `GET path` with a collector token: its JSON body, once it answered 200.
pub async fn api_get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, _, body) = api(app, "GET", path, token, &[], Vec::new()).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

pub async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.send(request.body(Body::from(body)).unwrap()).await;
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, body_text(response).await)
}

pub async fn api_upload(
    app: &TestApp,
    token: &str,
    csv: &str,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut headers = vec![("content-type", "text/csv")];
    if let Some(key) = key {
        headers.push(("idempotency-key", key));
    }
    let body = csv.as_bytes().to_vec();
    let (status, _, text) = api(app, "POST", "/api/v1/uploads", token, &headers, body).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A CSV upload through the API, without an idempotency key.
pub async fn upload_csv(app: &TestApp, token: &str, csv: &str) -> (StatusCode, Value) {
    api_upload(app, token, csv, None).await
}

/// A CSV upload through the API with a query string (`mode=replace`, `dry_run=true`…).
pub async fn api_upload_with(
    app: &TestApp,
    token: &str,
    query: &str,
    csv: &str,
) -> (StatusCode, Value) {
    api_post(app, token, query, "text/csv", csv.as_bytes().to_vec()).await
}

/// `POST /api/v1/uploads?{query}` with a body of `content_type`: the status and the answer (JSON,
/// or its text as a JSON string).
pub async fn api_post(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/uploads?{query}");
    let headers = [("content-type", content_type)];
    let (status, _, text) = api(app, "POST", &path, token, &headers, body).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn devices_json(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, _, text) = api(app, "GET", "/api/v1/devices", token, &[], Vec::new()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    body["devices"].as_array().unwrap().clone()
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

pub async fn quota_used(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT CAST(COALESCE(SUM(used), 0) AS BIGINT) FROM upload_quota",
    )
    .await
}

pub fn device<'a>(devices: &'a [Value], serial: &str) -> &'a Value {
    devices
        .iter()
        .find(|d| d["serial_number"] == serial)
        .unwrap_or_else(|| panic!("no device {serial} in {devices:?}"))
}

/// The company's devices as the API's CSV export, checked to be one.
pub async fn devices_csv(app: &TestApp, token: &str) -> String {
    let accept = [("accept", "text/csv")];
    let (status, headers, csv) =
        api(app, "GET", "/api/v1/devices", token, &accept, Vec::new()).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    csv
}

/// Contoso uploads a device of its own (`CT-ONLY`), which Northwind's people must never see.
pub async fn contoso_uploads_its_own(app: &TestApp) -> String {
    let contoso = token_for(app, "CT-2002", "contoso").await;
    let csv = "serial_number,product_id\nCT-ONLY,C9300-48P\n";
    assert_eq!(upload_csv(app, &contoso, csv).await.0, StatusCode::CREATED);
    contoso
}

/// Deletes the whole inventory of `da`'s company (confirmed as the page asks) and checks it went.
pub async fn delete_inventory(da: &mut Browser<'_>) {
    use leptos::server_fn::ServerFn;
    let (status, body) = da
        .call(
            app::inventory::DeleteInventory::PATH,
            &[("confirmation", "DELETE")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
