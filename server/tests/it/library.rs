//! The Library through its server functions and exports: filters, search, sort and pages over a
//! company's devices, the contracts that cover them, and files that spreadsheets open safely.

use app::{
    coverage::{ReasonCode, Status},
    library::{
        queries::{REASON_COUNTS, STATUS_COUNTS},
        AddCompanyContract, CorrectProductId, DevicePage, LibraryError, LoadCompanyContracts,
        LoadCoverageSummary, LoadFilterChoices, LoadLibraryDevices,
    },
    AppError,
};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use leptos::server_fn::ServerFn;
use serde_json::json;

use crate::{
    support::library::page_of as page,
    support::uploads::{
        contoso_uploads_its_own, count, delete_inventory, demo_app, login, token_for, upload_csv,
        NORTHWIND_FILE,
    },
    support::{body_bytes, body_text, both_databases, Backend, Browser, TestApp},
};

both_databases!(
    each_person_keeps_their_dashboard_layout,
    the_coverage_summary_counts_the_company,
    devices_filter_search_sort_and_page,
    contracts_appear_with_their_devices,
    exports_follow_the_view_and_neutralise_formulas,
    filters_offer_the_company_s_own_values,
    the_search_finds_devices_as_they_are_now,
);

/// The site, PID and contract filters offer what the company's devices have, in order, and
/// nothing of another company's.
async fn filters_offer_the_company_s_own_values(backend: Backend) {
    let app = northwind_with_devices(backend).await;
    contoso_uploads_its_own(&app).await;
    let mut ben = login(&app, "ben.user").await;
    let choices = ben.run(LoadFilterChoices {}).await.unwrap();
    assert_eq!(choices.sites, ["DC", "HQ", "Lab"]);
    assert_eq!(
        choices.pids,
        [
            "C9300-24T",
            "C9300-48P",
            "CTS-SX80",
            "WS-C2960X-48FPD-L",
            "WS-C3850-24T"
        ]
    );
    assert!(!choices.contracts.is_empty(), "{choices:?}");
    let mut sorted = choices.contracts.clone();
    sorted.sort();
    assert_eq!(sorted, choices.contracts);
    // Each offered contract selects some of Ben's devices; Contoso's never appear.
    for contract in &choices.contracts {
        let shown = page(&mut ben, |f| f.contract = contract.clone(), 0).await;
        assert!(shown.total > 0, "{contract}");
    }
    let mut anyone = Browser::new(&app);
    assert_eq!(
        anyone.run(LoadFilterChoices {}).await.unwrap_err().0,
        StatusCode::UNAUTHORIZED
    );
}

/// The search finds devices by what they are now, not by what they were: a hostname an upload
/// changed, a product ID corrected, an inventory deleted and uploaded again (on SQLite the search
/// looks texts of three characters or more up in a trigram index that triggers keep; a device
/// the index missed or kept too long would show here).
async fn the_search_finds_devices_as_they_are_now(backend: Backend) {
    let app = northwind_with_devices(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let mut found =
        async |search: &str| serials(&page(&mut ben, |f| f.search = search.into(), 0).await);
    let token = token_for(&app, "NW-1001", "renames").await;
    let with_hostname = |hostname: &str| {
        format!("serial_number,product_id,hostname\nREN0001,C9300-48P,{hostname}\n")
    };
    upload_csv(&app, &token, &with_hostname("old-name-core")).await;
    assert_eq!(found("d-name-co").await, ["REN0001"]);
    upload_csv(&app, &token, &with_hostname("new-name-edge")).await;
    assert_eq!(
        found("d-name-co").await,
        Vec::<String>::new(),
        "the old name"
    );
    assert_eq!(found("w-name-ed").await, ["REN0001"], "the new name");
    assert_eq!(found("ren0001").await, ["REN0001"], "the serial, as before");
    assert_eq!(
        found("EN0001|C9300-48").await,
        ["REN0001"],
        "serial then PID"
    );

    // A product ID corrected: the device is found by its new identity only.
    assert_eq!(found("0AB|C9300-24T").await, ["FOC2101A0AB"]);
    let mismatched = page(&mut ben, |f| f.search = "FOC2101A0AB".into(), 0).await;
    ben.run(CorrectProductId {
        device_id: mismatched.devices[0].id,
        product_id: "C9300-48P".into(),
    })
    .await
    .unwrap();
    let mut found =
        async |search: &str| serials(&page(&mut ben, |f| f.search = search.into(), 0).await);
    assert_eq!(found("0AB|C9300-24T").await, Vec::<String>::new());
    assert_eq!(found("0AB|C9300-48P").await, ["FOC2101A0AB"]);

    // Deleted and uploaded again: new devices (their ids may be the old ones' on SQLite), found
    // by their own texts; nothing of the deleted ones.
    let mut dana = login(&app, "dana.admin").await;
    delete_inventory(&mut dana).await;
    upload_csv(
        &app,
        &token,
        "serial_number,product_id,hostname\nFRESH0001,C9300-48P,fresh-start-sw\n",
    )
    .await;
    for gone in ["w-name-ed", "REN0001", "FOC2101", "0AB|C9300-48P"] {
        assert_eq!(found(gone).await, Vec::<String>::new(), "{gone}");
    }
    assert_eq!(found("esh-sta").await, ["FRESH0001"]);
    assert_eq!(found("SH000").await, ["FRESH0001"]);
    if matches!(backend, Backend::Sqlite) {
        // The deleted devices left the index too (every search checks its finds against the
        // devices, so what it kept would cost time, not answers).
        let kept = "SELECT COUNT(*) FROM device_search WHERE device_search MATCH '\"ren\"'";
        assert_eq!(count(&app, kept).await, 0);
    }
}

fn serials(page: &DevicePage) -> Vec<String> {
    page.devices
        .iter()
        .map(|d| d.serial_number.clone())
        .collect()
}

async fn northwind_with_devices(backend: Backend) -> TestApp {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    app
}

async fn devices_filter_search_sort_and_page(backend: Backend) {
    let app = northwind_with_devices(backend).await;
    contoso_uploads_its_own(&app).await;
    let mut ben = login(&app, "ben.user").await;

    let all = page(&mut ben, |_| {}, 0).await;
    assert_eq!(all.total, 6, "only Northwind's devices");
    assert_eq!(
        serials(&all),
        [
            "FOC1601Z9Z9",
            "FOC1907X1Y1",
            "FOC2101A0AA",
            "FOC2101A0AB",
            "FTX2001T1P1",
            "NOPE0000001"
        ]
    );
    let not_covered = page(&mut ben, |f| f.status = Some(Status::NotCovered), 0).await;
    assert_eq!(serials(&not_covered), ["FOC2101A0AB", "NOPE0000001"]);
    let mismatch = page(&mut ben, |f| f.reason = Some(ReasonCode::PidMismatch), 0).await;
    assert_eq!(serials(&mismatch), ["FOC2101A0AB"]);
    assert_eq!(
        mismatch.devices[0].coverage.registry_product_id.as_deref(),
        Some("C9300-48P")
    );
    assert_eq!(
        serials(&page(&mut ben, |f| f.contract = "91000001".into(), 0).await),
        ["FOC2101A0AA"]
    );
    assert_eq!(
        serials(&page(&mut ben, |f| f.site = "DC".into(), 0).await),
        ["FOC1601Z9Z9"]
    );
    assert_eq!(
        serials(&page(&mut ben, |f| f.pid = "cts-sx80".into(), 0).await),
        ["FTX2001T1P1"]
    );
    assert_eq!(
        serials(&page(&mut ben, |f| f.search = "foc2101".into(), 0).await),
        ["FOC2101A0AA", "FOC2101A0AB"]
    );
    assert_eq!(
        serials(&page(&mut ben, |f| f.search = "lab-".into(), 0).await),
        ["NOPE0000001"]
    );
    assert_eq!(
        serials(&page(&mut ben, |f| f.search = "LAB-".into(), 0).await),
        ["NOPE0000001"],
        "hostnames are searched in any case"
    );
    assert_eq!(
        serials(&page(&mut ben, |f| f.search = "CT-ONLY".into(), 0).await),
        Vec::<String>::new()
    );
    let by_end = page(
        &mut ben,
        |f| (f.sort, f.descending, f.status) = ("end_date".into(), true, Some(Status::Covered)),
        0,
    )
    .await;
    assert_eq!(serials(&by_end), ["FOC2101A0AA"]);
    // The renewal list: every expired or expiring device, by contract.
    let expired = page(&mut ben, |f| f.status = Some(Status::Expired), 0).await;
    let expiring = page(&mut ben, |f| f.status = Some(Status::Expiring), 0).await;
    let renewal = page(
        &mut ben,
        |f| (f.renewal, f.sort) = (true, "contract".into()),
        0,
    )
    .await;
    assert!(expired.total + expiring.total > 1, "the fixture has both");
    assert_eq!(renewal.total, expired.total + expiring.total);
    let contracts: Vec<String> = renewal
        .devices
        .iter()
        .map(|d| d.coverage.contract_number.clone().unwrap())
        .collect();
    assert!(contracts.is_sorted(), "{contracts:?}");
    assert!(renewal
        .devices
        .iter()
        .all(|d| matches!(d.coverage.status, Status::Expired | Status::Expiring)));
    // Hostile filter values are values, never SQL.
    let hostile = page(
        &mut ben,
        |f| {
            f.search = "%' OR 1=1 --".into();
            f.sort = "id; DROP TABLE devices".into();
        },
        0,
    )
    .await;
    assert_eq!(hostile.total, 0);
    // A status or reason that is not one is a bad request, not an empty page nor a server error.
    for filter in [json!({"status": "x' OR '1'='1"}), json!({"reason": "nope"})] {
        let (status, body) = ben
            .call_json(
                LoadLibraryDevices::PATH,
                json!({"filter": filter, "offset": 0}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body, json!({"App": "BadRequest"}));
    }

    // Pages of 50.
    let token = token_for(&app, "NW-1001", "many").await;
    let mut file = String::from("serial_number,product_id\n");
    for n in 0..120 {
        file.push_str(&format!("PAGE{n:04},C9300-48P\n"));
    }
    // A device whose serial and hostname both match is listed once.
    file.push_str("DUAL0001,C9300-48P\n");
    upload_csv(&app, &token, &file).await;
    let token_with_hostnames = token_for(&app, "NW-1001", "hostnames").await;
    upload_csv(&app, &token_with_hostnames, "serial_number,product_id,hostname\nDUAL0002,C9300-48P,dual0002-sw\nOTHER0001,C9300-48P,Dual-Core\n")
    .await;
    let dual = page(&mut ben, |f| f.search = "dual".into(), 0).await;
    assert_eq!(
        (Some(dual.total), serials(&dual)),
        (
            Some(3),
            vec![
                "DUAL0001".to_owned(),
                "DUAL0002".to_owned(),
                "OTHER0001".to_owned()
            ]
        )
    );
    // A part of a value is found: inside a hostname (any case), a serial number, a product ID.
    for (search, expected) in [
        ("-CORE", vec!["OTHER0001".to_owned()]),
        ("2101a0", vec!["FOC2101A0AA".into(), "FOC2101A0AB".into()]),
        ("sx80", vec!["FTX2001T1P1".into()]),
        (
            "AGE011",
            (110..120).map(|n| format!("PAGE{n:04}")).collect(),
        ),
        // `_` and `%` are plain characters (as wildcards, `foc_101` would find FOC2101…).
        ("foc_101", vec![]),
        ("age01%", vec![]),
    ] {
        assert_eq!(
            serials(&page(&mut ben, |f| f.search = search.into(), 0).await),
            expected,
            "searching {search}"
        );
    }
    let first = page(&mut ben, |f| f.search = "PAGE".into(), 0).await;
    let third = page(&mut ben, |f| f.search = "PAGE".into(), 100).await;
    assert_eq!(
        (Some(first.total), Some(first.more)),
        (Some(120), Some(false))
    );
    assert_eq!(serials(&first).len(), 50);
    assert_eq!(serials(&first)[0], "PAGE0000");
    assert_eq!(
        serials(&third),
        (100..120)
            .map(|n| format!("PAGE{n:04}"))
            .collect::<Vec<_>>()
    );
    // A search with other filters: the devices it finds that the rest of the filter matches
    // (within a selection too), counted and paged the same.
    let not_covered = page(
        &mut ben,
        |f| (f.search, f.status) = ("2101A0".into(), Some(Status::NotCovered)),
        0,
    )
    .await;
    assert_eq!(
        (not_covered.total, serials(&not_covered)),
        (1, vec!["FOC2101A0AB".to_owned()])
    );
    let ids: Vec<String> = third.devices[..3]
        .iter()
        .map(|d| d.id.to_string())
        .collect();
    let within = page(
        &mut ben,
        |f| {
            (f.search, f.ids) = (
                "PAGE01".into(),
                format!("{},{}", ids.join(","), all.devices[0].id),
            )
        },
        0,
    )
    .await;
    assert_eq!(
        (within.total, serials(&within)),
        (
            3,
            vec!["PAGE0100".to_owned(), "PAGE0101".into(), "PAGE0102".into()]
        )
    );
    let second_page = page(
        &mut ben,
        |f| (f.search, f.descending) = ("PAGE".into(), true),
        50,
    )
    .await;
    assert_eq!(serials(&second_page)[0], "PAGE0069");
    assert_eq!(second_page.total, 120);

    // Counting stops 10,000 past the page: beyond, the answer is "more than".
    let mut big = String::from("serial_number,product_id\n");
    for n in 0..10_060 {
        big.push_str(&format!("CAP{n:05},C9300-48P\n"));
    }
    assert_eq!(upload_csv(&app, &token, &big).await.0, StatusCode::CREATED);
    let capped = page(&mut ben, |f| f.search = "CAP".into(), 0).await;
    assert_eq!(
        (Some(capped.total), Some(capped.more)),
        (Some(10_000), Some(true))
    );
    // Many found by the search, none of them at that site: counted with the site, not the search.
    let elsewhere = page(
        &mut ben,
        |f| (f.search, f.site) = ("CAP".into(), "DC".into()),
        0,
    )
    .await;
    assert_eq!((elsewhere.total, elsewhere.more), (0, false));
    // Read in the identity index's order when many match: the same order as a sorted few.
    assert_eq!(
        serials(&capped),
        (0..50).map(|n| format!("CAP{n:05}")).collect::<Vec<_>>()
    );
    let by_hostname = page(
        &mut ben,
        |f| (f.sort, f.descending) = ("hostname".into(), true),
        0,
    )
    .await;
    assert_eq!(
        serials(&by_hostname)[..5],
        [
            "FTX2001T1P1",
            "FOC1601Z9Z9",
            "NOPE0000001",
            "DUAL0002",
            "OTHER0001"
        ],
        "room-1, old-1, lab-1, dual0002-sw, Dual-Core: hostnames in any case"
    );
    // Few match: sorted after filtering, in the same order.
    let hq = page(
        &mut ben,
        |f| (f.site, f.sort) = ("HQ".into(), "hostname".into()),
        0,
    )
    .await;
    assert_eq!(
        serials(&hq),
        ["FOC1907X1Y1", "FOC2101A0AA", "FOC2101A0AB", "FTX2001T1P1"]
    );
    let last = page(&mut ben, |f| f.search = "CAP".into(), 10_050).await;
    assert_eq!(
        (Some(last.total), Some(last.more)),
        (Some(10_060), Some(false))
    );
    assert_eq!(serials(&last).len(), 10);
}

async fn contracts_appear_with_their_devices(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let (status, contracts) = dana.call(LoadCompanyContracts::PATH, &[]).await;
    assert_eq!((status, contracts), (StatusCode::OK, json!([])));
    // A contract added by number shows before any upload.
    let (status, added) = dana
        .call(
            AddCompanyContract::PATH,
            &[("contract_number", " 91000002 ")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(
        (
            added["contract"]["devices"].as_u64(),
            added["contract"]["added"].as_bool(),
            added["already_listed"].as_bool()
        ),
        (Some(0), Some(true), Some(false))
    );
    // With where it applies and how it stands today.
    // With where it applies and how it stands today (the demo's 91000002 ends in 45 days).
    assert_eq!(added["contract"]["site"], "Northwind Data Centre");
    assert_eq!(added["contract"]["standing"], "expiring");
    assert_eq!(added["contract"]["days_left"], 45);
    let (_, again) = dana
        .call(AddCompanyContract::PATH, &[("contract_number", "91000002")])
        .await;
    assert_eq!(again["already_listed"], true, "{again}");
    // Another company's contract, or one that does not exist, is not found alike.
    let (status_theirs, theirs) = dana
        .call(AddCompanyContract::PATH, &[("contract_number", "92000001")])
        .await;
    let (status_none, none) = dana
        .call(AddCompanyContract::PATH, &[("contract_number", "00000000")])
        .await;
    assert_eq!(
        (status_theirs, status_none),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(theirs, none);

    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    let (_, contracts) = dana.call(LoadCompanyContracts::PATH, &[]).await;
    let listed: Vec<(String, u64)> = contracts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["contract_number"].as_str().unwrap().to_owned(),
                c["devices"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut numbers: Vec<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
    numbers.sort();
    assert_eq!(numbers, ["91000001", "91000002", "91000003", "91000004"]);
    assert!(
        listed.iter().all(|(_, devices)| *devices == 1),
        "{listed:?}"
    );
    let first = &contracts[0];
    assert!(
        first["service_level"].is_string()
            && first["start_date"].is_string()
            && first["end_date"].is_string()
    );
    assert!(first.get("company_id").is_none(), "nothing of the holder");
    // Contoso has no devices and added nothing: an empty list, not Northwind's.
    let contoso = token_for(&app, "CT-2002", "ct").await;
    upload_csv(
        &app,
        &contoso,
        "serial_number,product_id\nFCW2245L0A1,C9200L-48P-4G\n",
    )
    .await;
    let stranger_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM company_contracts WHERE company_id = 'CT-2002'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(stranger_count, 0);
}

async fn exports_follow_the_view_and_neutralise_formulas(backend: Backend) {
    let app = northwind_with_devices(backend).await;
    let token = token_for(&app, "NW-1001", "formulas").await;
    let file = "serial_number,product_id,hostname,site\n\
        FORM1,C9300-48P,=HYPERLINK(\"http://evil\"),+1+1\n\
        FORM2,C9300-48P,@SUM(1),-2\n";
    upload_csv(&app, &token, file).await;
    let dana = login(&app, "dana.admin").await;
    let get = |path: &str| {
        Request::get(path)
            .header("cookie", dana.cookie.clone().unwrap())
            .body(Body::empty())
            .unwrap()
    };
    let response = app
        .send(get(
            "/api/library/devices.csv?status=not_covered&search=FORM",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"netcare-devices.csv\""
    );
    let csv = body_text(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("serial_number,product_id,hostname"));
    assert!(lines[1].starts_with("FORM1,C9300-48P,\"'=HYPERLINK(\"\"http://evil\"\")\",,,,'+1+1,not_covered,unknown_serial"), "{csv}");
    assert!(
        lines[2].starts_with("FORM2,C9300-48P,'@SUM(1),,,,'-2,"),
        "{csv}"
    );

    let response = app
        .send(get(
            "/api/library/devices.xlsx?status=not_covered&search=FORM",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let bytes = body_bytes(response).await;
    let (rows, formulas, quoted) = read_workbook(&bytes);
    assert_eq!(rows.len(), 3, "a header and the two devices: {rows:?}");
    assert_eq!(&rows[0][..3], ["serial_number", "product_id", "hostname"]);
    // The values are the text as uploaded, whole; none is a formula; each formula-like one is
    // a cell with the quote-prefix style (Excel shows it as text and never evaluates it).
    let form1 = rows.iter().find(|r| r[0] == "FORM1").unwrap();
    assert_eq!(form1[2], "=HYPERLINK(\"http://evil\")");
    assert_eq!(form1[6], "+1+1");
    let form2 = rows.iter().find(|r| r[0] == "FORM2").unwrap();
    assert_eq!((form2[2].as_str(), form2[6].as_str()), ("@SUM(1)", "-2"));
    assert_eq!(formulas, 0, "no cell of the workbook is a formula");
    assert_eq!(
        quoted,
        ["=HYPERLINK(\"http://evil\")", "+1+1", "@SUM(1)", "-2"],
        "exactly the formula-like cells carry the quote prefix"
    );

    // Devices selected one by one: exactly those of the caller's company, in the view's order;
    // another company's id is not found, a mangled selection selects nothing (never everything).
    contoso_uploads_its_own(&app).await;
    let id_of = |serial: &'static str| {
        let sql = format!("SELECT id FROM devices WHERE identity_key LIKE 'S|{serial}|%'");
        let pool = app.db().pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (form1, form2) = (id_of("FORM1").await, id_of("FORM2").await);
    let foreign: i64 = sqlx::query_scalar(&format!(
        "SELECT MIN(id) FROM devices WHERE company_id <> (SELECT company_id FROM devices WHERE id = {form1})"
    ))
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    let selected = |query: String| {
        let request = get(&format!("/api/library/devices.csv?{query}"));
        let app = &app;
        async move {
            let response = app.send(request).await;
            assert_eq!(response.status(), StatusCode::OK);
            let csv = body_text(response).await;
            csv.lines()
                .skip(1)
                .map(|line| line.split(',').next().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        selected(format!(
            "ids={form2}%2C{foreign}%2C{form1}&sort=serial&descending=true"
        ))
        .await,
        ["FORM2", "FORM1"]
    );
    assert_eq!(
        selected(format!("ids={foreign}")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        selected("ids=x%2C-3".to_owned()).await,
        Vec::<String>::new()
    );
    let mut dana = dana;
    let only = page(&mut dana, |f| f.ids = format!("{form1},{foreign}"), 0).await;
    assert_eq!((only.total, serials(&only)), (1, vec!["FORM1".to_owned()]));

    // Without a session there is nothing to export.
    let anonymous = Request::get("/api/library/devices.csv")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(anonymous).await.status(), StatusCode::UNAUTHORIZED);
}

/// The dashboard's coverage: devices by status, not covered by reason, contracts expiring soon;
/// only the caller's company, and zeros (not nothing) before any upload.
async fn the_coverage_summary_counts_the_company(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let empty = ben.run(LoadCoverageSummary {}).await.unwrap();
    assert_eq!(
        empty.by_status,
        Status::ALL.iter().map(|s| (*s, 0)).collect::<Vec<_>>(),
        "every status, in order, zeros included"
    );
    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    let summary = ben.run(LoadCoverageSummary {}).await.unwrap();
    fn count<T: PartialEq>(list: &[(T, u64)], key: T) -> u64 {
        list.iter().find(|(k, _)| *k == key).unwrap().1
    }
    assert_eq!(summary.total(), 6);
    assert_eq!(count(&summary.by_status, Status::NotCovered), 2);
    assert_eq!(count(&summary.by_reason, ReasonCode::PidMismatch), 1);
    assert_eq!(count(&summary.by_reason, ReasonCode::UnknownSerial), 1);
    assert!(summary.expiring.len() as u64 <= count(&summary.by_status, Status::Expiring).min(10));
    let ending = summary
        .expiring
        .iter()
        .find(|c| c.contract_number == "91000002")
        .unwrap_or_else(|| panic!("{summary:?}"));
    // What ends is the lines covering these devices; the contract's own end is said beside.
    let contract_end = ending
        .contract_end
        .as_deref()
        .expect("the contract is listed");
    assert!(contract_end >= ending.end_date.as_str(), "{ending:?}");
    // Another company's dashboard counts only its own devices.
    contoso_uploads_its_own(&app).await;
    assert_eq!(ben.run(LoadCoverageSummary {}).await.unwrap(), summary);
    if matches!(backend, Backend::Sqlite) {
        // Both counts read the status index alone, not each device: at 100,000 devices the
        // reasons' count otherwise looked up every device not covered in the table.
        for counts in [STATUS_COUNTS, REASON_COUNTS] {
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {counts}"))
                    .bind("NW-1001")
                    .fetch_all(&mut *app.db().conn().await.unwrap())
                    .await
                    .unwrap();
            let steps: Vec<&str> = plan.iter().map(|step| step.3.as_str()).collect();
            assert!(
                steps
                    .iter()
                    .any(|step| step.contains("COVERING INDEX devices_library_status")),
                "{counts}: {steps:?}"
            );
        }
    }
    let refused = Browser::new(&app)
        .run(LoadCoverageSummary {})
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        (
            StatusCode::UNAUTHORIZED,
            LibraryError::App(AppError::NotSignedIn)
        )
    );
}

/// A dashboard layout is each person's own: saved cleaned, loaded back, never another's.
async fn each_person_keeps_their_dashboard_layout(backend: Backend) {
    use app::dashboard::{LoadDashboardLayout, SaveDashboardLayout};
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let (status, default) = ben.call(LoadDashboardLayout::PATH, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        default["order"],
        json!([
            "coverage",
            "account",
            "uploads",
            "requests",
            "end_of_life",
            "security_advisories",
            "field_notices"
        ])
    );
    let (status, saved) = ben
        .call_json(
            SaveDashboardLayout::PATH,
            json!({"layout": {"order": ["uploads", "<script>", "coverage"], "hidden": ["account", "x"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["order"],
        json!([
            "uploads",
            "coverage",
            "account",
            "requests",
            "end_of_life",
            "security_advisories",
            "field_notices"
        ])
    );
    assert_eq!(saved["hidden"], json!(["account"]));
    assert_eq!(ben.call(LoadDashboardLayout::PATH, &[]).await.1, saved);
    let mut dana = login(&app, "dana.admin").await;
    assert_eq!(dana.call(LoadDashboardLayout::PATH, &[]).await.1, default);
    let mut nobody = Browser::new(&app);
    assert_eq!(
        nobody.call(LoadDashboardLayout::PATH, &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// An exported workbook read back: its first sheet's cells as text, how many cells hold a
/// formula, and the values of the cells whose style has the quote prefix.
fn read_workbook(bytes: &[u8]) -> (Vec<Vec<String>>, usize, Vec<String>) {
    use calamine::{Reader, Xlsx};
    use std::io::{Cursor, Read};
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&sheet).unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect();
    let formulas = workbook
        .worksheet_formula(&sheet)
        .unwrap()
        .used_cells()
        .filter(|(_, _, formula)| !formula.is_empty())
        .count();
    // The quote prefix is a style (`quotePrefix="1"` on a cell format): find which formats
    // have it, then which cells use them, in the zip's XML parts.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let styles = part("xl/styles.xml");
    let sheet_xml = part("xl/worksheets/sheet1.xml");
    let cell_formats = styles.split("<cellXfs").nth(1).unwrap();
    let cell_formats = cell_formats.split("</cellXfs>").next().unwrap();
    let prefixed: Vec<usize> = cell_formats
        .split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| xf.split('>').next().unwrap().contains("quotePrefix=\"1\""))
        .map(|(index, _)| index)
        .collect();
    assert!(
        !prefixed.is_empty(),
        "a quote-prefix format exists: {styles}"
    );
    let mut quoted = Vec::new();
    for cell in sheet_xml.split("<c ").skip(1) {
        let head = cell.split('>').next().unwrap();
        let style = head
            .split("s=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|s| s.parse::<usize>().ok());
        if style.is_some_and(|s| prefixed.contains(&s)) {
            let reference = head
                .split("r=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let column = reference
                .bytes()
                .take_while(u8::is_ascii_alphabetic)
                .fold(0, |n, b| n * 26 + (b - b'A' + 1) as usize)
                - 1;
            let row: usize = reference
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .parse::<usize>()
                .unwrap()
                - 1;
            quoted.push(rows[row][column].clone());
        }
    }
    (rows, formulas, quoted)
}
