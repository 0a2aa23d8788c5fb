//! Field notices (issue 22): the notice files of the registry, which devices a notice affects
//! (its products, narrowed to serial ranges and releases) and why not, the Library's filter, the
//! API and exports, a device's notices and the dashboard's summary, on the demo's notices and on
//! hand-made ones.

use app::{
    alerts::LoadNoticeSummary,
    library::{DevicePage, LoadDeviceNotices},
    registry::import::{RegistryFile, RowError},
};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};

use crate::{
    support::library::page,
    support::registry::{each_is_refused, full_registry, import, row_error, source},
    support::uploads::{
        api_get_json, contoso_uploads_its_own, demo_app, login, token_for, upload_csv,
        NORTHWIND_FILE,
    },
    support::{body_text, both_databases, Backend, TestApp, TestDb},
};

both_databases!(
    notices_import_and_reimport_changes_nothing,
    bad_notices_are_refused_whole,
    each_device_is_decided_with_its_reason,
    a_narrower_listing_replaces_the_old_one,
    the_summary_agrees_with_each_device,
);

const NOTICE_HEADER: &str =
    "notice_id,title,url,notice_type,first_published,last_updated,solution\n";
const PRODUCT_HEADER: &str =
    "notice_id,product_id,serial_numbers,software_type,software_versions\n";

fn notices(rows: &[&str]) -> String {
    format!("{NOTICE_HEADER}{}\n", rows.join("\n"))
}

fn products(rows: &[&str]) -> String {
    format!("{PRODUCT_HEADER}{}\n", rows.join("\n"))
}

const GOOD: &str =
    "FN-1,PSU batch,https://vendor.example/fn-1,Hardware,2026-01-10,2026-02-01,Ask for an RMA.";

async fn count(t: &TestDb, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

async fn notices_import_and_reimport_changes_nothing(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    import(&t.db, full_registry()).await.unwrap();
    let listed = notices(&[
        GOOD,
        "FN-2,\"Reload, on stack change\",,software,2026-03-01,2026-03-02,",
    ]);
    let listings = products(&[
        "FN-1,C9300-48P=,foc100-foc199;FCW2222A001,,",
        "FN-2,C9300-48P,,ios-xe,17.9.4;17.09.04;17.12.3",
        "FN-2,ISR4331/K9,,,",
    ]);
    let files = || {
        source(&[
            (RegistryFile::FieldNotices, &listed),
            (RegistryFile::FieldNoticeProducts, &listings),
        ])
    };
    let report = import(&t.db, files()).await.expect("import");
    let counts: Vec<(u64, u64)> = report.files.iter().map(|f| (f.rows, f.changed)).collect();
    assert_eq!(counts, [(2, 2), (3, 3)]);
    // Ranges under serial keys (a single serial is a range of one); releases once each.
    let ranges: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT pid_key, first_serial, last_serial FROM field_notice_serials ORDER BY first_serial",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        ranges,
        [
            (
                "C9300-48P".into(),
                "FCW2222A001".into(),
                "FCW2222A001".into()
            ),
            ("C9300-48P".into(), "FOC100".into(), "FOC199".into())
        ]
    );
    let releases: Vec<(String, String)> = sqlx::query_as(
        "SELECT software_type, release_key FROM field_notice_releases ORDER BY release_key",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        releases,
        [
            ("IOS XE".into(), "17.12.3".into()),
            ("IOS XE".into(), "17.9.4".into())
        ]
    );
    let kind: String =
        sqlx::query_scalar("SELECT notice_type FROM field_notices WHERE notice_id = 'FN-1'")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(kind, "hardware");
    let again = import(&t.db, files()).await.unwrap();
    assert!(
        again.files.iter().all(|f| f.changed == 0),
        "{:?}",
        again.files
    );
    assert_eq!(count(&t, "field_notice_serials").await, 2);
    assert_eq!(count(&t, "field_notice_releases").await, 2);
}

async fn bad_notices_are_refused_whole(backend: Backend) {
    use RegistryFile::*;
    let with_products = |rows: &[&str]| {
        vec![
            (FieldNotices, notices(&[GOOD])),
            (FieldNoticeProducts, products(rows)),
        ]
    };
    let cases: Vec<(Vec<(RegistryFile, String)>, RowError)> = vec![
        (
            vec![(FieldNotices, notices(&["FN-2,Bad,,firmware,2026-01-10,2026-01-10,"]))],
            row_error(FieldNotices, 2, "notice_type", "`firmware` is not hardware or software"),
        ),
        (
            vec![(FieldNotices, notices(&["FN-2,Bad,,hardware,2026-02-10,2026-01-10,"]))],
            row_error(FieldNotices, 2, "last_updated", "last_updated 2026-01-10 is before first_published 2026-02-10"),
        ),
        (
            vec![(FieldNotices, notices(&[GOOD, GOOD]))],
            row_error(FieldNotices, 3, "notice_id", "duplicate notice id: already on line 2"),
        ),
        (
            with_products(&["FN-404,C9300-48P,,,"]),
            row_error(FieldNoticeProducts, 2, "notice_id", "unknown field notice `FN-404` (list it in field_notices.csv)"),
        ),
        (
            with_products(&["FN-1,C9300-48P,FOC199-FOC100,,"]),
            row_error(FieldNoticeProducts, 2, "serial_numbers", "the range `FOC199-FOC100` ends before it starts"),
        ),
        (
            with_products(&["FN-1,C9300-48P,FOC1-FOC100,,"]),
            row_error(FieldNoticeProducts, 2, "serial_numbers", "the range `FOC1-FOC100` has ends of different lengths: both ends have as many characters"),
        ),
        (
            with_products(&["FN-1,C9300-48P,,IOS XE,"]),
            row_error(FieldNoticeProducts, 2, "software_versions", "a software type is given without the releases it narrows to"),
        ),
        (
            with_products(&["FN-1,C9300-48P,,,17.9.4"]),
            row_error(FieldNoticeProducts, 2, "software_type", "the releases need their software type (IOS, IOS XE, IOS XR, NX-OS, ASA)"),
        ),
        (
            with_products(&["FN-1,C9300-48P,,NX-OS,latest"]),
            row_error(FieldNoticeProducts, 2, "software_versions", "`latest` is not a release of NX-OS: a release starts with major.minor, as in 9.3(10)"),
        ),
        (
            with_products(&["FN-1,C9300-48P,,,", "FN-1,c9300-48p=,,,"]),
            row_error(FieldNoticeProducts, 3, "product_id", "duplicate product ID of this notice: already on line 2"),
        ),
    ];
    each_is_refused(backend, cases, "field_notices").await;
}

async fn northwind_with_devices(backend: Backend) -> (TestApp, String) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    contoso_uploads_its_own(&app).await;
    (app, token)
}

fn notice_counts(page: &DevicePage) -> Vec<(String, u32)> {
    page.devices
        .iter()
        .map(|d| (d.serial_number.clone(), d.field_notices))
        .collect()
}

fn serials(page: &DevicePage) -> Vec<String> {
    page.devices
        .iter()
        .map(|d| d.serial_number.clone())
        .collect()
}

async fn each_device_is_decided_with_its_reason(backend: Backend) {
    let (app, token) = northwind_with_devices(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let all = page(&mut ben, |_| {}).await;
    // FOC2101A0AA: a C9300-48P on IOS XE 17.9.4 in the power supplies' serial range (two
    // notices); NOPE0000001, the other C9300-48P, has neither the release nor the serial.
    assert_eq!(
        notice_counts(&all),
        [
            ("FOC1601Z9Z9".into(), 0),
            ("FOC1907X1Y1".into(), 0),
            ("FOC2101A0AA".into(), 2),
            ("FOC2101A0AB".into(), 0),
            ("FTX2001T1P1".into(), 0),
            ("NOPE0000001".into(), 0),
        ]
    );
    for notice in ["FN-74002", "FN-74004"] {
        let shown = page(&mut ben, |f| f.field_notice = notice.into()).await;
        assert_eq!(serials(&shown), ["FOC2101A0AA"], "{notice}");
    }
    assert_eq!(
        page(&mut ben, |f| f.field_notice = "FN-74003".into())
            .await
            .total,
        0,
        "no ISR at Northwind"
    );

    // Each notice listing the product is on the device's page, decided with its reason.
    let id_of = |serial: &str| {
        all.devices
            .iter()
            .find(|d| d.serial_number == serial)
            .unwrap()
            .id
    };
    let decided = |list: Vec<app::alerts::DeviceNotice>| -> Vec<(String, bool, String)> {
        list.into_iter()
            .map(|n| (n.notice_id, n.affected, n.reason))
            .collect()
    };
    let core = ben
        .run(LoadDeviceNotices {
            device_id: id_of("FOC2101A0AA"),
        })
        .await
        .unwrap();
    assert_eq!(
        core[1].solution,
        "Check the serial number; ask for a replacement power supply (RMA) under your service contract."
    );
    assert_eq!(
        decided(core),
        [
            (
                "FN-74002".into(),
                true,
                "its product is listed, its release is listed".into()
            ),
            (
                "FN-74004".into(),
                true,
                "its product is listed, its serial number is among the notice's".into()
            ),
        ]
    );
    let lab = ben
        .run(LoadDeviceNotices {
            device_id: id_of("NOPE0000001"),
        })
        .await
        .unwrap();
    assert_eq!(
        decided(lab),
        [
            ("FN-74002".into(), false, "the notice names software releases (17.9.4), and no release NetCare can read was uploaded for the device".into()),
            ("FN-74004".into(), false, "its serial number is outside the notice's serial numbers".into()),
        ]
    );
    assert_eq!(
        ben.run(LoadDeviceNotices {
            device_id: id_of("FOC1907X1Y1")
        })
        .await
        .unwrap(),
        []
    );

    // The dashboard's summary: Northwind's alone.
    let summary = ben.run(LoadNoticeSummary {}).await.unwrap();
    let listed: Vec<(&str, u64)> = summary
        .notices
        .iter()
        .map(|n| (n.notice_id.as_str(), n.devices))
        .collect();
    assert_eq!(listed, [("FN-74002", 1), ("FN-74004", 1)]);
    assert_eq!(
        (
            summary.notices_total,
            summary.devices_affected,
            summary.devices
        ),
        (2, 1, 6)
    );

    // The API filters the same; the export carries the count.
    let body = api_get_json(&app, &token, "/api/v1/devices?field_notice=FN-74004").await;
    let devices = body["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 1, "{body}");
    assert_eq!(devices[0]["field_notices"], 2);
    let request = Request::get("/api/library/devices.csv?field_notice=FN-74002")
        .header("cookie", ben.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let csv = body_text(app.send(request).await).await;
    let lines: Vec<&str> = csv.lines().collect();
    let column = lines[0].split(',').position(|c| c == "field_notices");
    assert!(column.is_some(), "{csv}");
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("FOC2101A0AA,"), "{csv}");
    assert_eq!(lines[1].split(',').nth(column.unwrap()), Some("2"), "{csv}");
}

async fn a_narrower_listing_replaces_the_old_one(backend: Backend) {
    let (app, _) = northwind_with_devices(backend).await;
    let mut ben = login(&app, "ben.user").await;
    // The vendor narrows the power supplies' notice to a range without Northwind's switch.
    let narrowed = products(&["FN-74004,C9300-48P,FOC2101A0BA-FOC2101A0BZ,,"]);
    let report = import(
        app.db(),
        source(&[(RegistryFile::FieldNoticeProducts, &narrowed)]),
    )
    .await
    .unwrap();
    assert_eq!(report.files[0].changed, 1);
    let shown = page(&mut ben, |f| f.field_notice = "FN-74004".into()).await;
    assert_eq!(shown.total, 0);
    let core = page(&mut ben, |f| f.search = "FOC2101A0AA".into()).await;
    assert_eq!(notice_counts(&core), [("FOC2101A0AA".into(), 1)]);
}

/// The dashboard counts each notice's devices from product-and-release groups and serial ranges;
/// each device's own decision is the reference. Listings of every shape, overlapping ranges, a
/// device two notices affect, serials of another length, devices without software.
async fn the_summary_agrees_with_each_device(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    let mut file = String::from("serial_number,product_id,software_type,software_version\n");
    for n in 0..60 {
        let (software, version) = match n % 3 {
            0 => ("IOS XE", "17.9.4"),
            1 => ("IOS XE", "17.12.3"),
            _ => ("", ""),
        };
        let pid = if n % 2 == 0 { "C9300-48P" } else { "C9500-32C" };
        file.push_str(&format!("FOC21{n:06},{pid},{software},{version}\n"));
    }
    file.push_str("FOC2100001,C9300-48P,IOS XE,17.9.4\n"); // one character short
    assert_eq!(upload_csv(&app, &token, &file).await.0, StatusCode::CREATED);
    let listed = notices(&[
        "FN-A,Everything,,hardware,2026-01-01,2026-01-01,",
        "FN-B,A release,,software,2026-01-02,2026-01-02,",
        "FN-C,Two ranges,,hardware,2026-01-03,2026-01-03,",
        "FN-D,Range and release,,hardware,2026-01-04,2026-01-04,",
        "FN-E,Singles,,hardware,2026-01-05,2026-01-05,",
    ]);
    let listings = products(&[
        "FN-A,C9500-32C,,,",
        "FN-B,C9300-48P,,IOS XE,17.9.4",
        "FN-B,C9500-32C,,IOS XE,17.12.3",
        "FN-C,C9300-48P,FOC21000000-FOC21000020;FOC21000010..FOC21000039,,",
        "FN-D,C9500-32C,FOC21000001-FOC21000050,IOS XE,17.12.3",
        "FN-E,C9300-48P,FOC21000002;FOC21000058;FOC2100001,,",
    ]);
    import(
        app.db(),
        source(&[
            (RegistryFile::FieldNotices, &listed),
            (RegistryFile::FieldNoticeProducts, &listings),
        ]),
    )
    .await
    .unwrap();
    let mut ben = login(&app, "ben.user").await;
    let (serials_of, affected_somehow) = summary_against_each_device(&app, &mut ben, 61).await;
    // The five, and the demo's FN-74002 (C9300s on 17.9.4).
    assert_eq!(serials_of.len(), 6, "{serials_of:?}");

    // Filtered by a notice, the Library lists exactly the devices it affects: a page when few
    // match (the sets find the devices), the CSV export (each device checked, as a page is when
    // many match), the API's pages and their total.
    for (notice, expected) in &serials_of {
        let shown = page(&mut ben, |f| f.field_notice = notice.clone()).await;
        let mut listed = serials(&shown);
        listed.sort();
        assert_eq!(&listed, expected, "{notice}: the Library's page");
        assert_eq!(shown.total, expected.len() as u64, "{notice}");
        let request = Request::get(format!("/api/library/devices.csv?field_notice={notice}"))
            .header("cookie", ben.cookie.clone().unwrap())
            .body(Body::empty())
            .unwrap();
        let csv = body_text(app.send(request).await).await;
        let mut exported: Vec<String> = csv
            .lines()
            .skip(1)
            .map(|line| line.split(',').next().unwrap().to_owned())
            .collect();
        exported.sort();
        assert_eq!(&exported, expected, "{notice}: the CSV export");
        let path = format!("/api/v1/devices?field_notice={notice}&limit=7");
        let body = api_get_json(&app, &token, &path).await;
        assert_eq!(body["count"], expected.len(), "{notice}: {body}");
        let streamed: Vec<String> = api_devices(&app, &token, &format!("?field_notice={notice}"))
            .await
            .into_keys()
            .collect();
        assert_eq!(&streamed, expected, "{notice}: the API");
    }

    // A page reads each device with its alerts; a whole inventory streamed reads each product and
    // release's alerts once and each device's serial ranges: the same devices, field for field.
    let paged = api_devices(&app, &token, "?limit=1000").await;
    assert_eq!(paged.len(), 61);
    let affected = paged.values().filter(|d| d["field_notices"] != 0).count();
    assert_eq!(affected as u64, affected_somehow);
    assert_eq!(api_devices(&app, &token, "").await, paged, "streamed by id");
    let mut filtered = api_devices(&app, &token, "?pid=C9300-48P").await;
    filtered.extend(api_devices(&app, &token, "?pid=C9500-32C").await);
    assert_eq!(filtered, paged, "streamed with a filter, in identity order");
    // A group the counts lack (an upload that landed after a stream read them) is read on its own.
    sqlx::query("DELETE FROM device_groups WHERE company_id = 'NW-1001'")
        .execute(app.db().pool())
        .await
        .unwrap();
    let regrouped = api_devices(&app, &token, "").await;
    assert_eq!(regrouped, paged, "each group read as the stream meets it");
    let request = Request::get("/api/library/devices.csv")
        .header("cookie", ben.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let csv = body_text(app.send(request).await).await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (serial, notices) = (at("serial_number"), at("field_notices"));
    let exported: std::collections::BTreeMap<String, String> = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (record[serial].to_owned(), record[notices].to_owned())
        })
        .collect();
    let expected: std::collections::BTreeMap<String, String> = paged
        .iter()
        .map(|(serial, d)| (serial.clone(), d["field_notices"].to_string()))
        .collect();
    assert_eq!(exported, expected, "the Library's CSV export");

    // The counts follow what changes after them: an upload moving devices to another release
    // (into FN-D's, out of FN-B's) and adding some, then an import moving FN-C's ranges.
    let mut moved = String::from("serial_number,product_id,software_type,software_version\n");
    for n in [0, 1, 2, 3, 45, 46] {
        let pid = if n % 2 == 0 { "C9300-48P" } else { "C9500-32C" };
        moved.push_str(&format!("FOC21{n:06},{pid},IOS XE,17.12.3\n"));
    }
    for n in 200..204 {
        moved.push_str(&format!("FOC21{n:06},C9300-48P,,\n"));
    }
    assert_eq!(
        upload_csv(&app, &token, &moved).await.0,
        StatusCode::CREATED
    );
    let (after_upload, _) = summary_against_each_device(&app, &mut ben, 65).await;
    assert_ne!(
        after_upload["FN-D"], serials_of["FN-D"],
        "FOC21000045 joins FN-D"
    );
    let moved_ranges = products(&["FN-C,C9300-48P,FOC21000030-FOC21000201,,"]);
    import(
        app.db(),
        source(&[(RegistryFile::FieldNoticeProducts, &moved_ranges)]),
    )
    .await
    .unwrap();
    let (after_import, _) = summary_against_each_device(&app, &mut ben, 65).await;
    assert!(
        after_import["FN-C"].contains(&"FOC21000200".to_owned())
            && !after_import["FN-C"].contains(&"FOC21000000".to_owned()),
        "{after_import:?}"
    );
}

/// The dashboard's notice summary checked against each device's own decisions (the company
/// NW-1001 has `devices`): returns the serial numbers each notice affects and how many devices
/// at least one affects.
async fn summary_against_each_device(
    app: &TestApp,
    ben: &mut crate::support::Browser<'_>,
    devices: u64,
) -> (std::collections::BTreeMap<String, Vec<String>>, u64) {
    let summary = ben.run(LoadNoticeSummary {}).await.unwrap();
    let mut affected_somehow = 0;
    let mut per_notice: std::collections::BTreeMap<String, u64> = Default::default();
    let mut serials_of: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let ids: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, serial_number FROM devices WHERE company_id = 'NW-1001' ORDER BY serial_number",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(ids.len() as u64, devices);
    for (device_id, serial) in ids {
        let decided = ben.run(LoadDeviceNotices { device_id }).await.unwrap();
        let affecting: Vec<String> = decided
            .into_iter()
            .filter(|n| n.affected)
            .map(|n| n.notice_id)
            .collect();
        if !affecting.is_empty() {
            affected_somehow += 1;
        }
        for id in affecting {
            *per_notice.entry(id.clone()).or_default() += 1;
            serials_of.entry(id).or_default().push(serial.clone());
        }
    }
    let summarised: std::collections::BTreeMap<String, u64> = summary
        .notices
        .iter()
        .map(|n| (n.notice_id.clone(), n.devices))
        .collect();
    assert_eq!(summarised, per_notice);
    assert_eq!(summary.notices_total, per_notice.len() as u64);
    assert_eq!(summary.devices_affected, affected_somehow);
    assert_eq!(summary.devices, devices);
    (serials_of, affected_somehow)
}

/// `GET /api/v1/devices{query}`'s devices, by serial number.
async fn api_devices(
    app: &TestApp,
    token: &str,
    query: &str,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    let body = api_get_json(app, token, &format!("/api/v1/devices{query}")).await;
    body["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["serial_number"].as_str().unwrap().to_owned(), d.clone()))
        .collect()
}
