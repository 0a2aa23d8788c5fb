//! Library → Alerts as a file (issue 22): every alert with each device it concerns, one row per
//! pair, in CSV and XLSX — the same alerts and device counts as the page and the API, only the
//! caller's company, formula-like cells neutralised.

use std::collections::BTreeMap;

use app::alerts::export::ALERT_EXPORT_COLUMNS;
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};

use crate::{
    support::uploads::{demo_app, login, token_for, upload_csv, NORTHWIND_FILE},
    support::{body_bytes, body_text, both_databases, Backend, TestApp},
};

both_databases!(
    the_export_lists_each_alert_with_its_devices,
    the_workbook_has_a_sheet_per_kind,
);

/// Northwind's walk-through devices and one whose hostname a spreadsheet would run, on a
/// release the demo's advisories affect; Contoso's one switch.
async fn northwind_and_contoso(backend: Backend) -> (TestApp, String) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    let file =
        format!("{NORTHWIND_FILE}FOC2101A0AC,C9300-48P,=HYPERLINK(\"x\"),,,17.9.4,HQ,IOS XE\n");
    assert_eq!(upload_csv(&app, &token, &file).await.0, StatusCode::CREATED);
    let contoso = token_for(&app, "CT-2002", "contoso").await;
    let csv = "serial_number,product_id,hostname\nCT-ONLY,C9300-48P,contoso-only\n";
    assert_eq!(upload_csv(&app, &contoso, csv).await.0, StatusCode::CREATED);
    (app, token)
}

async fn download(app: &TestApp, path: &str, cookie: &str) -> axum::response::Response {
    let request = Request::get(path)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    app.send(request).await
}

/// The rows of an alerts CSV, as maps of column to cell.
fn rows_of(csv: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, ALERT_EXPORT_COLUMNS);
    reader
        .records()
        .map(|record| {
            header
                .iter()
                .cloned()
                .zip(record.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// (kind, alert id) → devices, as `GET /api/v1/alerts` counts them.
async fn counted_by_the_api(app: &TestApp, token: &str) -> BTreeMap<(String, String), u64> {
    let request = Request::get("/api/v1/alerts")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let alerts: serde_json::Value =
        serde_json::from_str(&body_text(app.send(request).await).await).unwrap();
    let mut counted = BTreeMap::new();
    for (list, kind, id) in [
        ("advisories", "security_advisory", "advisory_id"),
        ("notices", "field_notice", "notice_id"),
        ("bulletins", "hardware_end_of_life", "bulletin_number"),
        ("software_trains", "software_end_of_life", "bulletin_number"),
    ] {
        for alert in alerts[list].as_array().unwrap() {
            counted.insert(
                (kind.to_owned(), alert[id].as_str().unwrap().to_owned()),
                alert["devices"].as_u64().unwrap(),
            );
        }
    }
    counted
}

async fn the_export_lists_each_alert_with_its_devices(backend: Backend) {
    let (app, token) = northwind_and_contoso(backend).await;
    let ben = login(&app, "ben.user").await;
    let cookie = ben.cookie.clone().unwrap();
    let response = download(&app, "/api/library/alerts.csv", &cookie).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"netcare-alerts.csv\""
    );
    let rows = rows_of(&body_text(response).await);

    // The same alerts, each with as many rows as the API counts devices; every kind is there.
    let mut exported: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in &rows {
        *exported
            .entry((row["alert_type"].clone(), row["alert_id"].clone()))
            .or_default() += 1;
    }
    let counted = counted_by_the_api(&app, &token).await;
    assert_eq!(exported, counted);
    for kind in [
        "security_advisory",
        "field_notice",
        "hardware_end_of_life",
        "software_end_of_life",
    ] {
        assert!(
            counted.keys().any(|(k, _)| k == kind),
            "no {kind} in {counted:?}"
        );
    }
    // Only Northwind's devices; kinds in order: advisories, notices, hardware, software.
    assert!(rows.iter().all(|r| r["serial_number"] != "CT-ONLY"));
    let kinds: Vec<&str> = rows.iter().map(|r| r["alert_type"].as_str()).collect();
    let mut in_order = kinds.clone();
    in_order.sort_by_key(|k| {
        [
            "security_advisory",
            "field_notice",
            "hardware_end_of_life",
            "software_end_of_life",
        ]
        .iter()
        .position(|x| x == k)
    });
    assert_eq!(kinds, in_order);

    // An advisory row says how exposed the device is and what to upgrade to; the formula-like
    // hostname is kept as text.
    let advisory = rows
        .iter()
        .find(|r| r["alert_id"] == "NC-SA-2026-0001" && r["serial_number"] == "FOC2101A0AC")
        .expect("the added device is on an affected release");
    assert_eq!(advisory["hostname"], "'=HYPERLINK(\"x\")");
    assert!(!advisory["severity"].is_empty(), "{advisory:?}");
    assert_eq!(
        advisory["what_to_do"],
        "Upgrade IOS XE 17.9.4 to 17.9.4a or later: it fixes the advisory affecting this device."
    );
    assert_eq!(advisory["state"], "vulnerable");
    assert_eq!(advisory["cve_ids"], "CVE-2026-20198 CVE-2026-20273");
    let old = rows
        .iter()
        .find(|r| r["alert_type"] == "hardware_end_of_life" && r["serial_number"] == "FOC1907X1Y1")
        .unwrap();
    assert_eq!(
        old["what_to_do"],
        "Replace with C9300-24T. Same ports and stacking; needs the C9300 network module."
    );
    // End-of-life rows say the stage and what comes next; software rows name the train.
    let hardware = rows
        .iter()
        .find(|r| r["alert_type"] == "hardware_end_of_life")
        .unwrap();
    assert!(!hardware["state"].is_empty(), "{hardware:?}");
    let software = rows
        .iter()
        .find(|r| r["serial_number"] == "FOC1907X1Y1" && r["alert_type"] == "software_end_of_life")
        .expect("16.12 has an end-of-life bulletin in the demo");
    assert_eq!(software["state"], "end_of_security_support");
    assert_eq!(
        software["what_to_do"],
        "Plan the move off the IOS XE 16.12 train."
    );

    // Another company's exports are tried in the isolation suite.
    // Signed out, nothing.
    let request = Request::get("/api/library/alerts.csv")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status(), StatusCode::UNAUTHORIZED);
}

async fn the_workbook_has_a_sheet_per_kind(backend: Backend) {
    use calamine::{Reader, Xlsx};
    let (app, _) = northwind_and_contoso(backend).await;
    let cookie = login(&app, "ben.user").await.cookie.unwrap();
    let csv = rows_of(&body_text(download(&app, "/api/library/alerts.csv", &cookie).await).await);
    let response = download(&app, "/api/library/alerts.xlsx", &cookie).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = body_bytes(response).await;
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        [
            "Security advisories",
            "Field notices",
            "Hardware end of life",
            "Software end of life"
        ]
    );
    let mut from_sheets = Vec::new();
    for sheet in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet).unwrap();
        let mut rows = range.rows();
        let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(header, ALERT_EXPORT_COLUMNS);
        for row in rows {
            let cells: BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(row.iter().map(|c| c.to_string()))
                .collect();
            from_sheets.push(cells);
        }
        let formulas = workbook
            .worksheet_formula(&sheet)
            .unwrap()
            .used_cells()
            .filter(|(_, _, formula)| !formula.is_empty())
            .count();
        assert_eq!(formulas, 0, "{sheet}");
    }
    // The same rows as the CSV; the workbook keeps the hostname as written (quote-prefixed).
    let csv_hostnames_unquoted: Vec<(String, String)> = csv
        .iter()
        .map(|r| {
            (
                r["alert_id"].clone(),
                r["hostname"].trim_start_matches('\'').to_owned(),
            )
        })
        .collect();
    let sheet_rows: Vec<(String, String)> = from_sheets
        .iter()
        .map(|r| (r["alert_id"].clone(), r["hostname"].clone()))
        .collect();
    assert_eq!(sheet_rows, csv_hostnames_unquoted);
}
