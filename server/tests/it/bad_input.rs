//! Bad input through the real upload API: each bad row is refused with its line and a reason
//! that says what to fix, each file that cannot be read is refused whole with nothing changed,
//! and text that looks like code (HTML, SQL, spreadsheet formulas) is kept as text.

use axum::http::StatusCode;
use serde_json::Value;

use crate::{
    support::uploads::{api, count, demo_app, devices_csv, devices_json, token_for},
    support::{both_databases, Backend, TestApp},
};

both_databases!(
    bad_rows_are_named_and_good_ones_kept,
    unreadable_files_change_nothing,
    code_like_text_stays_text,
    bad_tokens_get_nothing,
    every_api_answer_is_json
);

async fn upload(app: &TestApp, token: &str, body: &[u8]) -> (StatusCode, Value) {
    let (status, _, text) = api(
        app,
        "POST",
        "/api/v1/uploads",
        token,
        &[("content-type", "text/csv")],
        body.to_vec(),
    )
    .await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The warnings of an accepted row (an optional value left out), joined.
fn warning_at(summary: &Value, line: u64) -> String {
    let found: Vec<&str> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["line"] == line)
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(!found.is_empty(), "line {line} has no warning: {summary}");
    found.join("; ")
}

fn reason_at(summary: &Value, line: u64) -> String {
    summary["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == line)
        .map(|r| r["reason"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("line {line} was not rejected"))
}

async fn bad_rows_are_named_and_good_ones_kept(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "bad").await;
    let huge = "h".repeat(10 * 1024 * 1024);
    let mut file = Vec::new();
    file.extend_from_slice(b"\xEF\xBB\xBFserial_number;product_id;hostname\r\n"); // BOM, semicolons, CRLF
    file.extend_from_slice(b"  FOC2101A0AA  ;C9300-48P;\"core, building 1\"\r\n"); // 2: padded, quoted comma
    file.extend_from_slice("F\u{041E}C2101A0AB;C9300-24T;lookalike\r\n".as_bytes()); // 3: Cyrillic O
    file.extend_from_slice(
        "FOC\u{200B}1907X1Y1\u{200F};WS-C3850-24T;\u{1F680} rocket\r".as_bytes(),
    ); // 4: invisible marks, emoji hostname, lone CR
    file.extend_from_slice(b"LAT0001;C9300-48P;Caf\xE9\n"); // 5: Latin-1
    file.extend_from_slice(b"QN0001;C9300-48P;\"two\nlines\"\n"); // 6-7: a line break inside a value
    file.extend_from_slice(b"1.23E+10;C9300-48P;excel\n"); // 8: Excel's rewrite
    file.extend_from_slice(format!("BIG0001;C9300-48P;{huge}\n").as_bytes()); // 9: a 10 MB field
    file.extend_from_slice(b"AFTER0001;C9300-48P;after the big one\n"); // 10
    file.extend_from_slice(b"UQ0001;C9300-48P;\"never closed\n"); // 11: unterminated quote
    let (status, summary) = upload(&app, &token, &file).await;
    assert_eq!(status, StatusCode::CREATED);
    // The 10 MB value is kept cut short in the answer (and in the upload's record).
    assert!(
        summary.to_string().len() < 20_000,
        "{} bytes",
        summary.to_string().len()
    );
    assert!(reason_at(&summary, 3).contains("looks like the Latin `O`"));
    assert!(reason_at(&summary, 5).contains("not UTF-8"));
    // A bad optional value (the hostname) keeps the device without it, with a warning.
    assert!(warning_at(&summary, 6).starts_with("Hostname contains control characters"));
    assert!(reason_at(&summary, 8).contains("spreadsheet rewrote"));
    assert!(warning_at(&summary, 9).starts_with("Hostname is too long (10485760 characters"));
    assert_eq!(summary["warned"], 2, "{summary}");
    let unterminated = reason_at(&summary, 11).to_lowercase();
    assert!(unterminated.contains("quote"), "{unterminated}");
    let devices = devices_json(&app, &token).await;
    let by_serial = |serial: &str| {
        devices
            .iter()
            .find(|d| d["serial_number"].as_str().unwrap().trim() == serial)
            .unwrap_or_else(|| panic!("{serial} not stored"))
            .clone()
    };
    // Padding and invisible marks do not stop a match; the text is kept as uploaded.
    assert_eq!(by_serial("FOC2101A0AA")["hostname"], "core, building 1");
    assert_eq!(by_serial("FOC2101A0AA")["coverage"]["status"], "covered");
    let marked = devices
        .iter()
        .find(|d| d["hostname"] == "\u{1F680} rocket")
        .expect("the emoji hostname is kept");
    assert_eq!(
        marked["coverage"]["contract_number"], "91000002",
        "matched despite the marks"
    );
    assert_eq!(by_serial("AFTER0001")["hostname"], "after the big one");
    assert_eq!(by_serial("QN0001")["hostname"], "");
    assert_eq!(by_serial("BIG0001")["hostname"], "");
    assert_eq!(summary["accepted"], 5, "{summary}");
}

async fn unreadable_files_change_nothing(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "bad").await;
    let cases: [(&[u8], &str); 6] = [
        (b"", "empty"),
        (
            b"serial_number,product_id,hostname\nNUL0001,C9300-48P,a\x00b\n",
            "NUL bytes",
        ),
        (b"serial_number,product_id\r\n", "no devices"),
        (b"\xFF\xFEs\0e\0r\0i\0a\0l\0", "UTF-16"),
        (b"serial,\xE9\n", "UTF-8"),
        (b"PK\x03\x04\x14\0\0\0zip", "Excel workbook"),
    ];
    for (body, expected) in cases {
        let (status, answer) = upload(&app, &token, body).await;
        assert!(status.is_client_error(), "{expected}: {status} {answer}");
        assert!(
            answer.to_string().contains(expected),
            "{expected}: {answer}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM uploads").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 0);
    // No quota used; the refusals the pipeline saw are counted against their own daily limit.
    assert_eq!(crate::support::uploads::quota_used(&app).await, 0);
    let refused = "SELECT CAST(COALESCE(SUM(refused), 0) AS BIGINT) FROM upload_quota";
    assert!(count(&app, refused).await >= 1);
}

async fn code_like_text_stays_text(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "bad").await;
    let file = "serial_number,product_id,hostname,site\n\
        CODE0001,C9300-48P,<script>alert(1)</script>,\"x'); DROP TABLE devices; --\"\n\
        CODE0002,C9300-48P,\"=HYPERLINK(\"\"http://evil\"\",\"\"y\"\")\",+1+1\n\
        CODE0003,C9300-48P,@SUM(1),-2\n";
    let (status, summary) = upload(&app, &token, file.as_bytes()).await;
    assert_eq!(
        (status, summary["accepted"].as_u64()),
        (StatusCode::CREATED, Some(3)),
        "{summary}"
    );
    let devices = devices_json(&app, &token).await;
    assert_eq!(devices[0]["hostname"], "<script>alert(1)</script>");
    assert_eq!(devices[0]["site"], "x'); DROP TABLE devices; --");
    assert_eq!(devices[1]["hostname"], "=HYPERLINK(\"http://evil\",\"y\")");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM devices").await,
        3,
        "the table is whole"
    );
    // Exported as CSV, formulas are neutralised so a spreadsheet shows them.
    let csv = devices_csv(&app, &token).await;
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"y\"\")\""),
        "{csv}"
    );
    assert!(
        csv.contains("'+1+1") && csv.contains("'@SUM(1)") && csv.contains("'-2"),
        "{csv}"
    );
    assert!(csv.contains("<script>alert(1)</script>"));
}

async fn bad_tokens_get_nothing(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "real").await;
    let truncated = &token[..token.len() - 3];
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [
        truncated,
        tampered.as_str(),
        "",
        "nct_",
        "Bearer",
        "nct_../../etc",
    ] {
        let (status, answer) = upload(&app, bad, b"serial_number,product_id\nX1,C9300-48P\n").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad:?}: {answer}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 0);
}

/// A client of the API always gets JSON with a stable code: an unknown endpoint (whatever the
/// method, never a server function's answer), a method an endpoint lacks, a format it cannot give.
async fn every_api_answer_is_json(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "integration").await;
    for (method, path, accept, status, code) in [
        (
            "GET",
            "/api/v1/nope",
            "",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "POST",
            "/api/v1/devices/FOC1/notes",
            "",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "DELETE",
            "/api/v1/uploads",
            "",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "POST",
            "/api/v1/devices",
            "",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "GET",
            "/api/v1/devices",
            "application/xml",
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
        ),
    ] {
        let headers: Vec<(&str, &str)> = if accept.is_empty() {
            Vec::new()
        } else {
            vec![("accept", accept)]
        };
        let (got, response_headers, text) =
            api(&app, method, path, &token, &headers, Vec::new()).await;
        assert_eq!(got, status, "{method} {path}: {text}");
        assert!(
            response_headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{method} {path}"
        );
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"], code, "{method} {path}: {body}");
    }
}
