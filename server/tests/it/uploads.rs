//! Inventory uploads through the real endpoints: the browser's CSV import, the collector API,
//! one quota for both, coverage computed on landing, and nothing left by a refused upload.

use app::{
    accounts::Login,
    inventory::{
        CreateCollectorToken, DeleteInventory, ListCollectorTokens, LoadUploadOverview,
        PreviewInventory, RevokeCollectorToken,
    },
};
use axum::{
    body::Body,
    http::{HeaderMap, Request, StatusCode},
};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::{
    accounts::PASSWORD,
    support::{body_text, both_databases, Backend, Browser, TestApp, PUBLIC_URL},
};

both_databases!(
    a_csv_upload_lands_with_coverage,
    every_validation_rule_gives_line_and_reason,
    header_spellings_and_delimiters_are_understood,
    the_preview_shows_mapping_and_problems,
    columns_chosen_in_the_preview_are_used_and_remembered,
    excel_workbooks_upload_as_their_first_sheet,
    files_refused_whole_change_nothing,
    the_sixth_upload_is_refused_until_the_reset,
    racing_uploads_respect_the_quota_exactly,
    a_retried_upload_counts_once,
    collector_tokens_are_managed_by_das_and_admins,
    collector_uploads_mark_devices_no_longer_seen,
    json_uploads_and_device_exports,
    oversized_bodies_are_refused_before_reading,
    deleting_the_inventory_keeps_the_history,
    companies_see_only_their_own_inventory,
    streamed_answers_survive_compression,
);

pub const NORTHWIND_FILE: &str =
    "serial_number,product_id,hostname,ip_address,mac_address,software_version,site\n\
    FOC2101A0AA,C9300-48P,core-1,10.0.0.1,,17.9.4,HQ\n\
    FOC1907X1Y1,WS-C3850-24T,access-1,10.0.0.2,,16.12,HQ\n\
    FOC1601Z9Z9,WS-C2960X-48FPD-L,old-1,,,15.2,DC\n\
    FTX2001T1P1,CTS-SX80,room-1,,,,HQ\n\
    FOC2101A0AB,C9300-24T,core-2,,,,HQ\n\
    NOPE0000001,C9300-48P,lab-1,,,,Lab\n";

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
    let (status, body) = browser
        .call(Login::PATH, &[("login", username), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    browser
}

/// A browser CSV upload: the status and the NDJSON lines of the answer.
async fn browser_upload(
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
async fn refusal_message(browser: &Browser<'_>, file_name: &str, bytes: &[u8]) -> String {
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
async fn upload_outcome(browser: &Browser<'_>, file_name: &str, bytes: &[u8]) -> Value {
    let (status, lines) = browser_upload(browser, file_name, bytes).await;
    assert_eq!(status, StatusCode::OK, "{lines:?}");
    lines.last().cloned().expect("an outcome line")
}

pub async fn token_for(app: &TestApp, company: &str, name: &str) -> String {
    app::inventory::tokens::create(&app.state, company, None, name)
        .await
        .unwrap()
        .1
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
    let (status, _, text) = api(
        app,
        "POST",
        "/api/v1/uploads",
        token,
        &headers,
        csv.as_bytes().to_vec(),
    )
    .await;
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

async fn quota_used(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT CAST(COALESCE(SUM(used), 0) AS BIGINT) FROM upload_quota",
    )
    .await
}

fn device<'a>(devices: &'a [Value], serial: &str) -> &'a Value {
    devices
        .iter()
        .find(|d| d["serialNumber"] == serial)
        .unwrap_or_else(|| panic!("no device {serial} in {devices:?}"))
}

async fn a_csv_upload_lands_with_coverage(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let (status, lines) = browser_upload(&dana, "northwind.csv", NORTHWIND_FILE.as_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    let done = lines.last().unwrap();
    assert_eq!(done["stage"], "done", "{lines:?}");
    let summary = &done["summary"];
    assert_eq!(summary["method"], "csv");
    assert_eq!(summary["file_name"], "northwind.csv");
    assert_eq!(
        (
            summary["rows"].as_u64(),
            summary["accepted"].as_u64(),
            summary["added"].as_u64()
        ),
        (Some(6), Some(6), Some(6))
    );
    assert_eq!(
        summary["coverage"],
        json!({"covered": 1, "expiring": 1, "future": 1, "expired": 1, "not_covered": 2})
    );
    assert_eq!(summary["quota"]["used"], 1);
    assert_eq!(summary["quota"]["limit"], 5);

    let token = token_for(&app, "NW-1001", "test").await;
    let devices = devices_json(&app, &token).await;
    assert_eq!(devices.len(), 6);
    let covered = device(&devices, "FOC2101A0AA");
    assert_eq!(covered["coverage"]["status"], "covered");
    assert_eq!(covered["coverage"]["contractNumber"], "91000001");
    assert!(covered["coverage"]["serviceLevel"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    assert_eq!(covered["hostname"], "core-1");
    let mismatch = device(&devices, "FOC2101A0AB");
    assert_eq!(mismatch["coverage"]["status"], "not_covered");
    assert_eq!(mismatch["coverage"]["reason"], "pid_mismatch");
    assert_eq!(mismatch["coverage"]["registryProductId"], "C9300-48P");
    assert_eq!(
        device(&devices, "NOPE0000001")["coverage"]["reason"],
        "unknown_serial"
    );
    assert_eq!(
        device(&devices, "FOC1907X1Y1")["coverage"]["status"],
        "expiring"
    );
    assert_eq!(
        device(&devices, "FOC1601Z9Z9")["coverage"]["status"],
        "expired"
    );
    assert_eq!(
        device(&devices, "FTX2001T1P1")["coverage"]["status"],
        "future"
    );

    // The same file again updates, adds nothing, and counts as a second upload.
    let again = upload_outcome(&dana, "northwind.csv", NORTHWIND_FILE.as_bytes()).await;
    assert_eq!(
        (
            again["summary"]["added"].as_u64(),
            again["summary"]["updated"].as_u64()
        ),
        (Some(0), Some(6))
    );

    // The dashlet's view: quota, recent uploads (newest first, by whom), devices.
    let (status, overview) = dana.call(LoadUploadOverview::PATH, &[]).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    assert_eq!(overview["quota"]["used"], 2);
    assert_eq!(overview["devices"], 6);
    assert_eq!(overview["recent"].as_array().unwrap().len(), 2);
    assert_eq!(overview["recent"][0]["by"], "Dana Admin");
    assert_eq!(overview["recent"][0]["method"], "csv");
    assert_eq!(overview["can_manage"], true);
}

async fn every_validation_rule_gives_line_and_reason(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let ben = login(&app, "ben.user").await;
    let long = "X".repeat(101);
    let file = format!(
        "serial_number,product_id,hostname,ip_address,mac_address,software_version,site\n\
         GOOD00001,C9300-48P,ok-1,10.1.1.1,00:11:22:33:44:55,17.9,HQ\n\
         ,C9300-48P,no-serial,,,,\n\
         GOOD00002,,no-pid,,,,\n\
         GOOD00003,C9300-48P,bad-mac,,00:11:22,,\n\
         GOOD00004,C9300-48P,bad-ip,999.1.1.1,,,\n\
         good00001,c9300-48p=,dup,,,,\n\
         {long},C9300-48P,too-long,,,,\n\
         GOOD00005,C9300-48P,\"tab\there\",,,,\n\
         GOOD00006,C9300-48P\n\
         1.23E+10,C9300-48P,excel,,,,\n\
         ,CP-8845,phone,,0011.2233.4466,,\n\
         ,CP-8845,phone-2,,0011.2233.446,,\n"
    );
    let done = upload_outcome(&ben, "mixed.csv", file.as_bytes()).await;
    assert_eq!(done["stage"], "done", "{done}");
    let summary = &done["summary"];
    assert_eq!(summary["rows"], 12);
    assert_eq!(summary["accepted"], 5, "{summary}");
    assert_eq!(summary["rejected"], 7);
    let rejected: Vec<(u64, String)> = summary["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let reason_at = |line: u64| {
        rejected
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("line {line} not rejected: {rejected:?}"))
    };
    assert!(reason_at(3).starts_with("missing serial number"));
    assert_eq!(reason_at(4), "missing product ID");
    assert_eq!(
        reason_at(13),
        "`0011.2233.446` is not a MAC address",
        "a phone without a serial number is known by its MAC address"
    );
    assert_eq!(
        reason_at(7),
        "duplicate: the same serial number and product ID as line 2"
    );
    assert!(reason_at(8).starts_with("Serial number is too long (101 characters"));
    // A malformed optional value keeps the device, without that value, and says so.
    let warnings: Vec<(u64, String)> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["line"].as_u64().unwrap(),
                w["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                5,
                "`00:11:22` is not a MAC address: kept the device without it".to_owned()
            ),
            (
                6,
                "`999.1.1.1` is not an IP address: kept the device without it".to_owned()
            ),
            (
                9,
                "Hostname contains control characters (tabs, line breaks or NUL inside a value): \
                 kept the device without it"
                    .to_owned()
            ),
        ]
    );
    assert_eq!(summary["warned"], 3);
    assert_eq!(reason_at(10), "expected 7 values (one per column), found 2");
    assert!(reason_at(11).contains("spreadsheet rewrote"));
    // Rejected rows keep their values, to download, fix and upload again.
    let dup = summary["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == 7)
        .unwrap();
    assert_eq!(dup["values"][0], "good00001");
    assert_eq!(summary["columns"][0], "serial_number");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 5);
}

async fn header_spellings_and_delimiters_are_understood(backend: Backend) {
    let app = demo_app(backend, |s| s.uploads_per_day = 20).await;
    let dana = login(&app, "dana.admin").await;
    let files: [&[u8]; 6] = [
        b"\xEF\xBB\xBFSerial Number,Product ID,Host Name\r\nHV00001,C9300-48P,a\r\n",
        b"SN;PID;IP Address\nHV00002;C9300-48P;10.0.0.9\n",
        b"serial\tpid\tsite\nHV00003\tC9300-48P\tHQ\n",
        b"SERIAL_NUMBER,PRODUCT_ID,MAC\nHV00004,C9300-48P,00-11-22-33-44-99\n",
        b"Owner,serialNumber,productId\nme,HV00005,C9300-48P\n",
        b"\"Serial #\",\"Product\"\n\"HV00006\",\"C9300-48P\"\n",
    ];
    for (index, file) in files.iter().enumerate() {
        let done = upload_outcome(&dana, "variant.csv", file).await;
        assert_eq!(done["stage"], "done", "file {index}: {done}");
        assert_eq!(done["summary"]["accepted"], 1, "file {index}: {done}");
    }
    let token = token_for(&app, "NW-1001", "t").await;
    let devices = devices_json(&app, &token).await;
    assert_eq!(device(&devices, "HV00002")["ipAddress"], "10.0.0.9");
    assert_eq!(device(&devices, "HV00003")["site"], "HQ");
    assert_eq!(
        device(&devices, "HV00004")["macAddress"],
        "00-11-22-33-44-99"
    );
    assert_eq!(device(&devices, "HV00001")["hostname"], "a");
}

async fn columns_chosen_in_the_preview_are_used_and_remembered(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let sample = "Asset Tag;Hardware Model;Device\nAT0001;C9300-48P;sw-1\nAT0002;C9300-48P;sw-2\n";
    // Nothing names the serial number: the columns are shown with what each seems to hold.
    let (status, guessed) = ben
        .call(PreviewInventory::PATH, &[("sample", sample)])
        .await;
    assert_eq!(status, StatusCode::OK, "{guessed}");
    assert!(guessed["problem"]
        .as_str()
        .unwrap()
        .contains("no `serial_number` column"));
    assert_eq!(
        guessed["columns"][0],
        json!({"header": "Asset Tag", "field": null})
    );
    assert_eq!(guessed["columns"][2]["field"], "hostname");
    assert_eq!(guessed["column_choice"], ",,hostname");
    assert_eq!(guessed["column_source"], "Guessed");

    let choice = "serial_number,product_id,hostname";
    let (_, chosen) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", sample), ("columns", choice)],
        )
        .await;
    assert_eq!(chosen["problem"], Value::Null, "{chosen}");
    assert_eq!(chosen["column_source"], "Chosen");
    assert_eq!(chosen["rows"][1]["values"][0], "AT0002");
    let (status, refused) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", sample), ("columns", "serial_number,colour,")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused
        .to_string()
        .contains("`colour` is not a column NetCare reads"));

    // The upload reads the file as chosen, and the company's next file like it is read so too.
    let done = upload_outcome(
        &ben,
        &format!("assets.csv&columns={choice}"),
        sample.as_bytes(),
    )
    .await;
    assert_eq!(done["summary"]["accepted"], 2, "{done}");
    let (_, remembered) = ben
        .call(PreviewInventory::PATH, &[("sample", sample)])
        .await;
    assert_eq!(remembered["problem"], Value::Null, "{remembered}");
    assert_eq!(remembered["column_source"], "Remembered");
    assert_eq!(remembered["column_choice"], choice);
    // A choice that does not fit the file refuses it whole, saying so, and uses no upload.
    let refused = upload_outcome(&ben, "x.csv&columns=serial_number", sample.as_bytes()).await;
    assert_eq!(refused["stage"], "failed", "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("The file has 3 columns, and a choice was made for 1"),
        "{refused}"
    );
    assert_eq!(quota_used(&app).await, 1);
}

async fn excel_workbooks_upload_as_their_first_sheet(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let ben = login(&app, "ben.user").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (column, header) in ["Serial Number", "PID", "Host Name"].iter().enumerate() {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "FOC2101A0AA").unwrap();
    sheet.write_string(1, 1, "C9300-48P").unwrap();
    sheet.write_string(1, 2, "core-1").unwrap();
    // A serial typed as a number stays whole (a CSV export would have written 4.56789E+11).
    sheet.write_number(2, 0, 456_789_012_345.0).unwrap();
    sheet.write_string(2, 1, "C9300-48P").unwrap();
    let workbook = book.save_to_buffer().unwrap();

    let mut request = Request::post("/api/inventory/preview-workbook")
        .header("host", "netcare.test")
        .header("origin", PUBLIC_URL)
        .header("content-type", "application/octet-stream");
    if let Some(cookie) = &ben.cookie {
        request = request.header("cookie", cookie);
    }
    let response = app
        .send(request.body(Body::from(workbook.clone())).unwrap())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let preview: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(preview["problem"], Value::Null, "{preview}");
    assert_eq!(
        preview["columns"][2],
        json!({"header": "Host Name", "field": "hostname"})
    );
    assert_eq!(preview["rows"][1]["values"][0], "456789012345");
    assert_eq!(quota_used(&app).await, 0, "a preview is no upload");

    let done = upload_outcome(&ben, "inventory.xlsx", &workbook).await;
    assert_eq!(done["summary"]["accepted"], 2, "{done}");
    assert_eq!(done["summary"]["coverage"]["covered"], 1, "{done}");
    assert_eq!(done["summary"]["file_name"], "inventory.xlsx");
    // Collectors may send a workbook too.
    let token = token_for(&app, "NW-1001", "xlsx").await;
    let (status, _, text) = api(
        &app,
        "POST",
        "/api/v1/uploads?source=third_party",
        &token,
        &[("content-type", "text/csv")],
        workbook,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    // A broken workbook is refused whole, saying what it looks like.
    let refused = refusal_message(&ben, "broken.xlsx", b"PK\x03\x04not really").await;
    assert!(
        refused.contains("looks like an Excel workbook"),
        "{refused}"
    );
}

async fn the_preview_shows_mapping_and_problems(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let (status, preview) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", "Serial Number;PID;Rack\nA1;C9300;r1\n;C9300;r2\n")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["delimiter"], "semicolon");
    assert_eq!(
        preview["columns"][0],
        json!({"header": "Serial Number", "field": "serial_number"})
    );
    assert_eq!(
        preview["columns"][2],
        json!({"header": "Rack", "field": null})
    );
    assert_eq!(preview["rows"][0]["problem"], Value::Null);
    assert!(preview["rows"][1]["problem"]
        .as_str()
        .unwrap()
        .starts_with("missing serial number"));
    let (_, refused) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", "hostname,site\nx,y\n")],
        )
        .await;
    assert!(
        refused["problem"]
            .as_str()
            .unwrap()
            .contains("no `serial_number` column"),
        "{refused}"
    );
    // Previews never count as uploads.
    assert_eq!(quota_used(&app).await, 0);
}

async fn files_refused_whole_change_nothing(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let dana = login(&app, "dana.admin").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let cases: [(&[u8], &str); 6] = [
        (png, "This is not a CSV file: it looks like a PNG image."),
        (b"PK\x03\x04\x14\0\0\0", "Excel workbook"),
        (b"", "The file is empty"),
        (
            b"serial_number,product_id\n",
            "The file has a header row but no devices.",
        ),
        (b"hostname,ip\nx,1.1.1.1\n", "no `serial_number` column"),
        (
            b"serial_number,product_id\n,\n,C1\n",
            "No device was accepted",
        ),
    ];
    for (bytes, expected) in cases {
        let message = refusal_message(&dana, "renamed.csv", bytes).await;
        assert!(
            message.contains(expected),
            "{message} should say {expected}"
        );
    }
    let nothing = upload_outcome(&dana, "x.csv", b"serial_number,product_id\n,C1\n").await;
    assert_eq!(nothing["status"], 422);
    assert_eq!(nothing["error"]["rejected_rows"][0]["line"], 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM uploads").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 0);
    assert_eq!(quota_used(&app).await, 0);
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
            assert_eq!(
                api_upload(&app, &token, &file, None).await.0,
                StatusCode::CREATED
            );
        }
    }
    let (status, body) = api_upload(
        &app,
        &token,
        "serial_number,product_id\nQ6,C9300-48P\n",
        None,
    )
    .await;
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

    let (status, _) = api_upload(
        &app,
        &secret,
        "serial_number,product_id\nT1,C9300-48P\n",
        None,
    )
    .await;
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
    let (status, _) = api_upload(
        &app,
        &first,
        "serial_number,product_id\nC1,C9300-48P\nC2,C9300-48P\nC3,C9300-48P\n",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, _) = api_upload(
        &app,
        &second,
        "serial_number,product_id\nB1,C9300-48P\n",
        None,
    )
    .await;
    let (status, summary) = api_upload(
        &app,
        &first,
        "serial_number,product_id\nC1,C9300-48P\nC3,C9300-48P\n",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(summary["no_longer_seen"], 1, "{summary}");
    let devices = devices_json(&app, &first).await;
    assert!(device(&devices, "C2")["noLongerSeenAt"].is_string());
    assert!(device(&devices, "C1")["noLongerSeenAt"].is_null());
    assert!(
        device(&devices, "B1")["noLongerSeenAt"].is_null(),
        "another collector's device stays"
    );
    // Reported again: seen again.
    let (_, summary) = api_upload(
        &app,
        &first,
        "serial_number,product_id\nC2,C9300-48P\n",
        None,
    )
    .await;
    assert_eq!(summary["no_longer_seen"], 2);
    let devices = devices_json(&app, &first).await;
    assert!(device(&devices, "C2")["noLongerSeenAt"].is_null());
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
        {"serialNumber": "FOC2101A0AA", "productId": "C9300-48P", "hostname": "=HYPERLINK(\"http://x\")", "ipAddress": "10.0.0.1"},
        {"serialNumber": "J2", "productId": ""},
        {"productId": "CP-8845", "macAddress": "00:11:22:33:44:77"}
    ]});
    let (status, _, text) = api(
        &app,
        "POST",
        "/api/v1/uploads?source=third_party",
        &token,
        &[("content-type", "application/json")],
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let summary: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(summary["method"], "third_party");
    assert_eq!(
        (summary["accepted"].as_u64(), summary["rejected"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        summary["rejected_rows"][0],
        json!({"line": 2, "reason": "missing product ID", "values": ["J2", "", "", "", "", "", ""]})
    );

    let (status, headers, csv) = api(
        &app,
        "GET",
        "/api/v1/devices",
        &token,
        &[("accept", "text/csv")],
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
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

    let (status, _, text) = api(
        &app,
        "POST",
        "/api/v1/uploads",
        &token,
        &[("content-type", "application/json")],
        b"{\"devices\": [".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("not valid JSON"));
    let (status, _, _) = api(
        &app,
        "POST",
        "/api/v1/uploads",
        &token,
        &[("content-type", "application/xml")],
        b"<x/>".to_vec(),
    )
    .await;
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
    for path in ["/api/v1/uploads", "/api/v1/devices"] {
        assert!(openapi["paths"][path].is_object(), "{path} documented");
    }
    assert_eq!(quota_used(&app).await, 1);
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

async fn deleting_the_inventory_keeps_the_history(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    upload_outcome(&dana, "n.csv", NORTHWIND_FILE.as_bytes()).await;
    let (status, body) = dana
        .call(DeleteInventory::PATH, &[("confirmation", "yes")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 6);
    let (status, deleted) = dana
        .call(DeleteInventory::PATH, &[("confirmation", "DELETE")])
        .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!(6)));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 0);
    let (_, overview) = dana.call(LoadUploadOverview::PATH, &[]).await;
    assert_eq!(overview["devices"], 0);
    assert_eq!(overview["recent"].as_array().unwrap().len(), 1);
    // Re-uploading after a delete adds the devices afresh.
    let again = upload_outcome(&dana, "n.csv", NORTHWIND_FILE.as_bytes()).await;
    assert_eq!(again["summary"]["added"], 6);
}

async fn companies_see_only_their_own_inventory(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let northwind = token_for(&app, "NW-1001", "nw").await;
    let contoso = token_for(&app, "CT-2002", "ct").await;
    api_upload(
        &app,
        &northwind,
        "serial_number,product_id\nSHARED1,C9300-48P\nNW-ONLY,C9300-48P\n",
        None,
    )
    .await;
    api_upload(
        &app,
        &contoso,
        "serial_number,product_id\nSHARED1,C9300-48P\nCT-ONLY,C9300-48P\n",
        None,
    )
    .await;
    let nw: Vec<String> = devices_json(&app, &northwind)
        .await
        .iter()
        .map(|d| d["serialNumber"].as_str().unwrap().to_owned())
        .collect();
    let ct: Vec<String> = devices_json(&app, &contoso)
        .await
        .iter()
        .map(|d| d["serialNumber"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(nw, vec!["SHARED1", "NW-ONLY"]);
    assert_eq!(ct, vec!["SHARED1", "CT-ONLY"]);
    let (_, _, listed) = api(&app, "GET", "/api/v1/uploads", &contoso, &[], Vec::new()).await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["uploads"].as_array().unwrap().len(), 1);
    assert_eq!(listed["quota"]["used"], 1, "quotas are per company");
    // A Northwind DA cannot revoke Contoso's token: it is not found in their company.
    let mut dana = login(&app, "dana.admin").await;
    let contoso_id: i64 =
        sqlx::query_scalar("SELECT id FROM collector_tokens WHERE company_id = 'CT-2002'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    let (status, _) = dana
        .call(
            RevokeCollectorToken::PATH,
            &[("token_id", &contoso_id.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let revoked: Option<String> =
        sqlx::query_scalar("SELECT revoked_at FROM collector_tokens WHERE id = $1")
            .bind(contoso_id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert!(revoked.is_none());
    // Someone without a company cannot upload.
    let stranger = crate::accounts::signed_in(&app, "stranger", "stranger@contoso.example").await;
    let (status, _) = browser_upload(&stranger, "x.csv", b"serial_number,product_id\nX,Y\n").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = Browser::new(&app);
    let (status, _) = browser_upload(&anonymous, "x.csv", b"serial_number,product_id\nX,Y\n").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
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
