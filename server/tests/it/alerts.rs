//! Hardware end of life (issue 22): the bulletin files of the registry, where each device stands,
//! the Library's filters and the dashboard's summary, on the demo's bulletins (one per stage,
//! dated relative to today) and on hand-made ones.

use app::{
    alerts::{EolStage, LoadEolSummary, MilestoneKind},
    library::{next_steps::next_steps, DevicePage, LibraryError, LoadDevice},
    registry::import::{ImportError, RegistryFile, RowError},
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
    bulletins_import_and_reimport_changes_nothing,
    bad_bulletins_are_refused_whole,
    each_device_shows_where_it_stands,
    a_later_stage_wins_over_one_to_be_announced,
    the_summary_counts_the_company_s_devices_by_stage,
    a_device_s_page_says_what_to_do_next,
    software_trains_have_an_end_of_life_too,
);

const BULLETIN_HEADER: &str = "bulletin_number,title,url,announcement_date,end_of_sale,last_ship,\
end_of_software_maintenance,end_of_security_support,end_of_routine_failure_analysis,\
end_of_new_service_attachment,end_of_service_contract_renewal,last_date_of_support\n";
const PRODUCT_HEADER: &str = "bulletin_number,product_id,replacement_pid,migration_note\n";

/// Today plus `offset` days, `YYYY-MM-DD`.
fn day(offset: i64) -> String {
    let date = time::OffsetDateTime::now_utc().date() + time::Duration::days(offset);
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn bulletins(rows: &[&str]) -> String {
    format!("{BULLETIN_HEADER}{}\n", rows.join("\n"))
}

fn products(rows: &[&str]) -> String {
    format!("{PRODUCT_HEADER}{}\n", rows.join("\n"))
}

async fn bulletins_import_and_reimport_changes_nothing(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    import(&t.db, full_registry()).await.unwrap();
    let eol = bulletins(&[
        "EOL-1,Catalyst 9300 end of life,https://vendor.example/eol/1,2024-01-15,2024-07-15,2024-10-13,2025-07-15,2027-07-15,2025-07-15,2025-07-15,2028-10-10,2029-07-31",
        "EOL-2,\"Routers, select models\",,2025-01-01,2026-01-01,tba,TBA,TBA,TBA,TBA,TBA,TBA",
    ]);
    let listed = products(&[
        "EOL-1,C9300-48P=,C9300X-48HX,Same uplinks",
        "EOL-1,C9300-24T,,",
        "EOL-2,ISR4331/K9,C8200-1N-4T,",
    ]);
    let files = || {
        source(&[
            (RegistryFile::EoxBulletins, &eol),
            (RegistryFile::EoxProducts, &listed),
        ])
    };
    let report = import(&t.db, files()).await.expect("import");
    let counts: Vec<(u64, u64)> = report.files.iter().map(|f| (f.rows, f.changed)).collect();
    assert_eq!(counts, [(2, 2), (3, 3)]);
    // A date to be announced is stored as such, in upper case; the product under its key.
    let (security, pid_key, product_id): (String, String, String) = sqlx::query_as(
        "SELECT eb.end_of_security_support, ep.pid_key, ep.product_id FROM eox_products ep
         JOIN eox_bulletins eb ON eb.bulletin_number = ep.bulletin_number
         WHERE ep.product_id = 'C9300-48P='",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (security.as_str(), pid_key.as_str(), product_id.as_str()),
        ("2027-07-15", "C9300-48P", "C9300-48P=")
    );
    let last_ship: String =
        sqlx::query_scalar("SELECT last_ship FROM eox_bulletins WHERE bulletin_number = 'EOL-2'")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(last_ship, "TBA");

    let again = import(&t.db, files()).await.unwrap();
    assert!(
        again.files.iter().all(|f| f.changed == 0),
        "{:?}",
        again.files
    );
    // A date announced later changes that bulletin, and only it.
    let announced = eol.replace(",2026-01-01,tba,", ",2026-01-01,2026-04-30,");
    let changed = import(&t.db, source(&[(RegistryFile::EoxBulletins, &announced)]))
        .await
        .unwrap();
    assert_eq!(changed.files[0].changed, 1);
}

async fn bad_bulletins_are_refused_whole(backend: Backend) {
    use RegistryFile::*;
    let good = "EOL-1,Good,https://vendor.example/eol/1,2024-01-15,2024-07-15,2024-10-13,2025-07-15,2027-07-15,2025-07-15,2025-07-15,2028-10-10,2029-07-31";
    let cases: Vec<(Vec<(RegistryFile, String)>, RowError)> = vec![
        (
            vec![(EoxBulletins, bulletins(&[good, "EOL-2,Bad date,,2024-01-15,15/07/2024,TBA,TBA,TBA,TBA,TBA,TBA,TBA"]))],
            row_error(EoxBulletins, 3, "end_of_sale", "`15/07/2024` is not a date in the form YYYY-MM-DD (or TBA)"),
        ),
        (
            vec![(EoxBulletins, bulletins(&["EOL-2,Blank,,2024-01-15,,TBA,TBA,TBA,TBA,TBA,TBA,TBA"]))],
            row_error(EoxBulletins, 2, "end_of_sale", "a date is required (YYYY-MM-DD, or TBA when the vendor has not announced it)"),
        ),
        (
            vec![(EoxBulletins, bulletins(&["EOL-2,Backwards,,2024-01-15,2024-07-15,TBA,TBA,2027-07-15,TBA,TBA,TBA,2026-01-01"]))],
            row_error(EoxBulletins, 2, "last_date_of_support", "last_date_of_support 2026-01-01 is before end_of_security_support 2027-07-15"),
        ),
        (
            vec![(EoxBulletins, bulletins(&["EOL-2,Script,javascript:alert(1),2024-01-15,TBA,TBA,TBA,TBA,TBA,TBA,TBA,TBA"]))],
            row_error(EoxBulletins, 2, "url", "`javascript:alert(1)` is not a web address (https://…)"),
        ),
        (
            vec![(EoxBulletins, bulletins(&[good, good]))],
            row_error(EoxBulletins, 3, "bulletin_number", "duplicate bulletin number: already on line 2"),
        ),
        (
            vec![
                (EoxBulletins, bulletins(&[good])),
                (EoxProducts, products(&["EOL-404,C9300-48P,,"])),
            ],
            row_error(EoxProducts, 2, "bulletin_number", "unknown bulletin `EOL-404` (list it in eox_bulletins.csv)"),
        ),
        (
            vec![
                (EoxBulletins, bulletins(&[good])),
                (EoxProducts, products(&["EOL-1,C9300-48P,,", "EOL-1,c9300-48p=,,"])),
            ],
            row_error(EoxProducts, 3, "product_id", "duplicate product ID: already on line 2"),
        ),
    ];
    each_is_refused(backend, cases, "eox_bulletins").await;
}

async fn northwind_with_devices(backend: Backend) -> TestApp {
    northwind_and_token(backend).await.0
}

async fn northwind_and_token(backend: Backend) -> (TestApp, String) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    contoso_uploads_its_own(&app).await;
    (app, token)
}

/// Serial numbers with the stage each device shows (`None`: no bulletin lists its product).
fn stages(page: &DevicePage) -> Vec<(String, Option<EolStage>)> {
    page.devices
        .iter()
        .map(|d| {
            (
                d.serial_number.clone(),
                d.hardware_end_of_life.as_ref().map(|e| e.stage),
            )
        })
        .collect()
}

async fn each_device_shows_where_it_stands(backend: Backend) {
    let (app, token) = northwind_and_token(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let all = page(&mut ben, |_| {}).await;
    assert_eq!(
        stages(&all),
        [
            ("FOC1601Z9Z9".into(), Some(EolStage::EndOfSecuritySupport)),
            ("FOC1907X1Y1".into(), Some(EolStage::PastLastDateOfSupport)),
            ("FOC2101A0AA".into(), Some(EolStage::Announced)),
            ("FOC2101A0AB".into(), None),
            (
                "FTX2001T1P1".into(),
                Some(EolStage::EndOfSoftwareMaintenance)
            ),
            ("NOPE0000001".into(), Some(EolStage::Announced)),
        ]
    );
    // What a device shows: its bulletin, the next dated milestone and the replacement.
    let old = all
        .devices
        .iter()
        .find(|d| d.serial_number == "FOC1601Z9Z9")
        .and_then(|d| d.hardware_end_of_life.clone())
        .unwrap();
    assert_eq!(old.bulletin_number, "EOL-10002");
    assert_eq!(old.replacement_product_id.as_deref(), Some("C9200L-48P-4G"));
    let next = old.next_milestone.unwrap();
    assert_eq!(
        (next.milestone, next.date),
        (MilestoneKind::EndOfServiceContractRenewal, day(200))
    );
    // The announced one's later milestones are all to be announced: its next is end of sale.
    let announced = all
        .devices
        .iter()
        .find(|d| d.serial_number == "FOC2101A0AA")
        .unwrap();
    let eol = announced.hardware_end_of_life.as_ref().unwrap();
    assert_eq!(eol.milestones.last_date_of_support, "TBA");
    assert_eq!(
        eol.next_milestone.as_ref().map(|n| n.milestone),
        Some(MilestoneKind::EndOfSale)
    );

    // Each stage's filter finds exactly the devices showing it, and none of Contoso's.
    for stage in EolStage::ORDER {
        let shown = page(&mut ben, |f| f.end_of_life = Some(stage)).await;
        let expected: Vec<_> = stages(&all)
            .into_iter()
            .filter(|(_, s)| *s == Some(stage))
            .collect();
        assert_eq!(stages(&shown), expected, "{stage:?}");
    }
    let by_bulletin = page(&mut ben, |f| f.bulletin = "EOL-10005".into()).await;
    assert_eq!(by_bulletin.total, 2, "the two C9300-48P, not Contoso's");

    // An integration reads the same through the API, filter included.
    let body = api_get_json(
        &app,
        &token,
        "/api/v1/devices?end_of_life=past_last_date_of_support",
    )
    .await;
    let devices = body["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 1, "{body}");
    let eol = &devices[0]["hardware_end_of_life"];
    assert_eq!(eol["stage"], "past_last_date_of_support");
    assert_eq!(eol["bulletin_number"], "EOL-10001");
    assert_eq!(eol["replacement_product_id"], "C9300-24T");
    assert_eq!(eol["next_milestone"], serde_json::Value::Null);

    // The export follows the filter and carries the stage, next milestone and replacement.
    let request = Request::get("/api/library/devices.csv?end_of_life=end_of_security_support")
        .header("cookie", ben.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csv = body_text(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].contains(",end_of_life_stage,end_of_life_bulletin,next_milestone,next_milestone_date,replacement_product_id,"),
        "{csv}"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with("FOC1601Z9Z9,")
            && lines[1].contains(&format!(
                ",end_of_security_support,EOL-10002,end_of_service_contract_renewal,{},C9200L-48P-4G,",
                day(200)
            )),
        "{csv}"
    );
}

async fn a_later_stage_wins_over_one_to_be_announced(backend: Backend) {
    let app = northwind_with_devices(backend).await;
    // End of software maintenance to be announced, security support already over.
    let eol = bulletins(&[&format!(
        "EOL-9,Gap,,{},{},TBA,TBA,{},TBA,TBA,TBA,{}",
        day(-400),
        day(-300),
        day(-10),
        day(90)
    )]);
    let listed = products(&["EOL-9,C9300-24T,,"]);
    import(
        app.db(),
        source(&[
            (RegistryFile::EoxBulletins, &eol),
            (RegistryFile::EoxProducts, &listed),
        ]),
    )
    .await
    .unwrap();
    let mut ben = login(&app, "ben.user").await;
    let device = page(&mut ben, |f| f.search = "FOC2101A0AB".into()).await;
    assert_eq!(
        stages(&device),
        [("FOC2101A0AB".into(), Some(EolStage::EndOfSecuritySupport))]
    );
    // The Library's filter decides the same in SQL.
    let security = page(&mut ben, |f| {
        f.end_of_life = Some(EolStage::EndOfSecuritySupport)
    })
    .await;
    assert!(
        stages(&security).contains(&("FOC2101A0AB".into(), Some(EolStage::EndOfSecuritySupport)))
    );
    let sale = page(&mut ben, |f| f.end_of_life = Some(EolStage::EndOfSale)).await;
    assert_eq!(sale.total, 0, "{:?}", stages(&sale));
}

async fn the_summary_counts_the_company_s_devices_by_stage(backend: Backend) {
    let app = northwind_with_devices(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let summary = ben.run(LoadEolSummary {}).await.unwrap();
    assert_eq!(
        summary.by_stage,
        [
            (EolStage::PastLastDateOfSupport, 1),
            (EolStage::EndOfSecuritySupport, 1),
            (EolStage::EndOfSoftwareMaintenance, 1),
            (EolStage::EndOfSale, 0),
            (EolStage::Announced, 2),
        ]
    );
    // (Contoso's C9300-48P is not among the announced: the summary is Northwind's alone.)
    assert_eq!(summary.not_announced, 1);
    // Within a year: the 2960-X's renewal and last date of support, the SX80's end of security
    // support is past a year (400 days), the C9300's end of sale; soonest first.
    let upcoming: Vec<(String, MilestoneKind, String, u64)> = summary
        .upcoming
        .iter()
        .map(|m| {
            (
                m.bulletin_number.clone(),
                m.milestone,
                m.date.clone(),
                m.devices,
            )
        })
        .collect();
    assert_eq!(
        upcoming,
        [
            ("EOL-10005".into(), MilestoneKind::EndOfSale, day(150), 2),
            (
                "EOL-10002".into(),
                MilestoneKind::EndOfServiceContractRenewal,
                day(200),
                1
            ),
            (
                "EOL-10002".into(),
                MilestoneKind::LastDateOfSupport,
                day(330),
                1
            ),
        ]
    );
}

async fn a_device_s_page_says_what_to_do_next(backend: Backend) {
    let app = northwind_with_devices(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let listed = page(&mut ben, |f| f.search = "FOC1907X1Y1".into()).await;
    let id = listed.devices[0].id;
    let device = ben.run(LoadDevice { device_id: id }).await.unwrap();
    assert_eq!(
        device, listed.devices[0],
        "the page shows what the Library row does"
    );
    let expiring_end = device.coverage.end_date.clone().unwrap();
    assert_eq!(
        next_steps(&device),
        [
            format!("Renew contract 91000002 before {expiring_end}, when its coverage ends."),
            format!(
                "Move its software to a supported train before {}: IOS XE 16.12 gets no more \
                 security fixes.",
                day(400)
            ),
            format!(
                "Replace it with C9300-24T: its last date of support was {}; no service, repair \
                 or fix is available.",
                day(-20)
            ),
        ]
    );
    // Contoso's device, or one that does not exist, is not found.
    let contoso: i64 = sqlx::query_scalar("SELECT id FROM devices WHERE company_id = 'CT-2002'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    for other in [contoso, 999_999] {
        let refused = ben.run(LoadDevice { device_id: other }).await.unwrap_err();
        assert_eq!(
            refused,
            (StatusCode::NOT_FOUND, LibraryError::DeviceNotFound)
        );
    }
}

async fn software_trains_have_an_end_of_life_too(backend: Backend) {
    // Refused: a release given as a train, an unknown software type, a train twice.
    let header = "software_type,release_train,bulletin_number,title,url,announcement_date,\
end_of_sale,last_ship,end_of_software_maintenance,end_of_security_support,\
end_of_routine_failure_analysis,end_of_new_service_attachment,end_of_service_contract_renewal,\
last_date_of_support\n";
    let dates = "2024-01-01,2024-06-01,TBA,2025-01-01,2026-01-01,TBA,TBA,TBA,2027-01-01";
    for (rows, expected) in [
        (
            vec![format!("IOS XE,17.9.4,SW-1,Train,,{dates}")],
            row_error(
                RegistryFile::SoftwareEox,
                2,
                "release_train",
                "`17.9.4` is a release, not a train: give the train it belongs to (17.9)",
            ),
        ),
        (
            vec![format!("JunOS,21.4,SW-1,Train,,{dates}")],
            row_error(
                RegistryFile::SoftwareEox,
                2,
                "software_type",
                "`JunOS` is not a software type NetCare reads (IOS, IOS XE, IOS XR, NX-OS, ASA)",
            ),
        ),
        (
            vec![
                format!("IOS XE,17.9,SW-1,Train,,{dates}"),
                format!("ios-xe,17.09,SW-2,Train,,{dates}"),
            ],
            row_error(
                RegistryFile::SoftwareEox,
                3,
                "release_train",
                "duplicate release train of this software type: already on line 2",
            ),
        ),
    ] {
        let t = TestDb::fresh(backend).await;
        let text = format!("{header}{}\n", rows.join("\n"));
        match import(&t.db, source(&[(RegistryFile::SoftwareEox, &text)])).await {
            Err(ImportError::Invalid(errors)) => {
                assert_eq!(errors, std::slice::from_ref(&expected))
            }
            other => panic!("expected {expected:?}, got {other:?}"),
        }
    }

    // The demo's trains: 16.12 at end of security support (a device on `16.12` itself), 17.9
    // announced; IOS `15.2` is not the 15.2E train.
    let (app, token) = northwind_and_token(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let all = page(&mut ben, |_| {}).await;
    let trains: Vec<(String, Option<(String, EolStage)>)> = all
        .devices
        .iter()
        .map(|d| {
            (
                d.serial_number.clone(),
                d.software_end_of_life
                    .as_ref()
                    .map(|s| (format!("{} {}", s.software_type, s.release_train), s.stage)),
            )
        })
        .collect();
    assert_eq!(
        trains,
        [
            ("FOC1601Z9Z9".into(), None),
            (
                "FOC1907X1Y1".into(),
                Some(("IOS XE 16.12".into(), EolStage::EndOfSecuritySupport))
            ),
            (
                "FOC2101A0AA".into(),
                Some(("IOS XE 17.9".into(), EolStage::Announced))
            ),
            ("FOC2101A0AB".into(), None),
            ("FTX2001T1P1".into(), None),
            ("NOPE0000001".into(), None),
        ]
    );
    let old = all
        .devices
        .iter()
        .find(|d| d.serial_number == "FOC1907X1Y1")
        .unwrap();
    assert!(next_steps(old).iter().any(|step| step
        .starts_with("Move its software to a supported train before ")
        && step.ends_with("IOS XE 16.12 gets no more security fixes.")));
    // The filter decides the same in SQL; the API and the export carry it.
    let shown = page(&mut ben, |f| {
        f.software_end_of_life = Some(EolStage::EndOfSecuritySupport)
    })
    .await;
    assert_eq!(stages(&shown).len(), 1);
    assert_eq!(shown.devices[0].serial_number, "FOC1907X1Y1");
    // Library → Alerts links a train's devices through its bulletin, as it does a product's.
    let by_bulletin = page(&mut ben, |f| f.bulletin = "SW-EOL-2204".into()).await;
    assert_eq!(stages(&by_bulletin).len(), 1);
    assert_eq!(by_bulletin.devices[0].serial_number, "FOC1907X1Y1");
    let body = api_get_json(
        &app,
        &token,
        "/api/v1/devices?software_end_of_life=announced",
    )
    .await;
    let devices = body["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 1, "{body}");
    assert_eq!(
        devices[0]["software_end_of_life"]["bulletin_number"],
        "SW-EOL-2603"
    );
    let request =
        Request::get("/api/library/devices.csv?software_end_of_life=end_of_security_support")
            .header("cookie", ben.cookie.clone().unwrap())
            .body(Body::empty())
            .unwrap();
    let csv = body_text(app.send(request).await).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].ends_with(",software_end_of_life_stage,software_end_of_life_bulletin"),
        "{csv}"
    );
    assert!(
        lines[1].ends_with(",end_of_security_support,SW-EOL-2204"),
        "{csv}"
    );
}
