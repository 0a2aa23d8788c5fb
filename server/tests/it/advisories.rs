//! Security advisories (issue 22): the advisory files of the registry, where each device stands
//! (vulnerable, potentially vulnerable, not vulnerable, not assessed and why), the Library's
//! filters, the API and exports, a device's advisories and the dashboard's summary, on the demo's
//! advisories and on hand-made ones.

use app::{
    alerts::{AdvisoryState, LoadAdvisorySummary, SecurityAssessment, Severity},
    library::{DevicePage, LoadDeviceAdvisories},
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
    },
    support::{body_text, both_databases, Backend, TestApp, TestDb},
};

both_databases!(
    advisories_import_and_reimport_changes_nothing,
    bad_advisories_are_refused_whole,
    each_device_is_assessed_with_its_reason,
    a_new_advisory_reaches_devices_at_once,
    the_summary_counts_devices_once_per_severity,
);

const ADVISORY_HEADER: &str = "advisory_id,title,url,severity,cvss_base_score,cve_ids,\
first_published,last_updated,configuration_dependent\n";
const RELEASE_HEADER: &str = "advisory_id,software_type,affected_release,first_fixed\n";

fn advisories(rows: &[&str]) -> String {
    format!("{ADVISORY_HEADER}{}\n", rows.join("\n"))
}

fn releases(rows: &[&str]) -> String {
    format!("{RELEASE_HEADER}{}\n", rows.join("\n"))
}

/// Northwind's inventory with the software each device runs: IOS XE 17.9.4 (the demo's critical
/// advisory and a configuration-dependent one), IOS XE 16.12.4 (only the configuration-dependent
/// one), IOS 15.2(7)E3 (a medium one and the configuration-dependent one), a codec's software no
/// advisory covers, IOS XE 17.9.4a (fixed) and a device without software.
const NORTHWIND_SOFTWARE: &str =
    "serial_number,product_id,hostname,software_type,software_version,site\n\
    FOC2101A0AA,C9300-48P,core-1,IOS XE,17.9.4,HQ\n\
    FOC1907X1Y1,WS-C3850-24T,access-1,ios-xe,16.12.04,HQ\n\
    FOC1601Z9Z9,WS-C2960X-48FPD-L,old-1,Cisco IOS,15.2(7)E3,DC\n\
    FTX2001T1P1,CTS-SX80,room-1,RoomOS,11.5.1,HQ\n\
    FOC2101A0AB,C9300-24T,core-2,IOS XE,17.9.4a,HQ\n\
    NOPE0000001,C9300-48P,lab-1,,,Lab\n";

const GOOD: &str = "SA-1,Web UI escalation,https://sec.example/sa-1,Critical,10,CVE-2026-0001,2026-01-10,2026-02-01,false";

async fn advisories_import_and_reimport_changes_nothing(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    import(&t.db, full_registry()).await.unwrap();
    let listed = advisories(&[
        GOOD,
        "SA-2,\"SNMP, denial of service\",,high,7.7,cve-2026-0002;CVE-2026-0003,2026-03-01,2026-03-01,TRUE",
    ]);
    let affected = releases(&[
        "SA-1,IOS XE,17.9.4,17.9.4a;17.12.4",
        "SA-1,iosxe,17.12.3,17.12.4",
        "SA-2,NX-OS,9.3(12),",
    ]);
    let files = || {
        source(&[
            (RegistryFile::SecurityAdvisories, &listed),
            (RegistryFile::AdvisoryReleases, &affected),
        ])
    };
    let report = import(&t.db, files()).await.expect("import");
    let counts: Vec<(u64, u64)> = report.files.iter().map(|f| (f.rows, f.changed)).collect();
    assert_eq!(counts, [(2, 2), (3, 3)]);
    // Stored as NetCare names them: the score with one decimal, CVEs in upper case, the type
    // as the vendor writes it, the release under its key.
    let (score, cves, severity, rank): (String, String, String, i64) = sqlx::query_as(
        "SELECT cvss_base_score, cve_ids, severity, severity_rank FROM security_advisories
         WHERE advisory_id = 'SA-1'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (score.as_str(), cves.as_str(), severity.as_str(), rank),
        ("10.0", "CVE-2026-0001", "critical", 4)
    );
    let types: Vec<(String, String)> = sqlx::query_as(
        "SELECT software_type, release_key FROM advisory_releases ORDER BY software_type, release_key",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        types,
        [
            ("IOS XE".into(), "17.12.3".into()),
            ("IOS XE".into(), "17.9.4".into()),
            ("NX-OS".into(), "9.3.12".into())
        ]
    );
    let again = import(&t.db, files()).await.unwrap();
    assert!(
        again.files.iter().all(|f| f.changed == 0),
        "{:?}",
        again.files
    );
    // A fix published later changes that release, and only it.
    let fixed = affected.replace("SA-2,NX-OS,9.3(12),", "SA-2,NX-OS,9.3(12),9.3(13)");
    let changed = import(&t.db, source(&[(RegistryFile::AdvisoryReleases, &fixed)]))
        .await
        .unwrap();
    assert_eq!(changed.files[0].changed, 1);
}

async fn bad_advisories_are_refused_whole(backend: Backend) {
    use RegistryFile::*;
    let with_releases = |rows: &[&str]| {
        vec![
            (SecurityAdvisories, advisories(&[GOOD])),
            (AdvisoryReleases, releases(rows)),
        ]
    };
    let cases: Vec<(Vec<(RegistryFile, String)>, RowError)> = vec![
        (
            vec![(SecurityAdvisories, advisories(&["SA-2,Bad,,Severe,5.0,,2026-01-10,2026-01-10,false"]))],
            row_error(SecurityAdvisories, 2, "severity", "`Severe` is not a severity (Critical, High, Medium, Low or Informational)"),
        ),
        (
            vec![(SecurityAdvisories, advisories(&["SA-2,Bad,,High,12,,2026-01-10,2026-01-10,false"]))],
            row_error(SecurityAdvisories, 2, "cvss_base_score", "`12` is not a CVSS base score (0.0 to 10.0, one decimal)"),
        ),
        (
            vec![(SecurityAdvisories, advisories(&["SA-2,Bad,,High,5.0,CVE-26-1,2026-01-10,2026-01-10,false"]))],
            row_error(SecurityAdvisories, 2, "cve_ids", "`CVE-26-1` is not a CVE id (CVE-YYYY-NNNN)"),
        ),
        (
            vec![(SecurityAdvisories, advisories(&["SA-2,Bad,,High,5.0,,2026-02-10,2026-01-10,false"]))],
            row_error(SecurityAdvisories, 2, "last_updated", "last_updated 2026-01-10 is before first_published 2026-02-10"),
        ),
        (
            vec![(SecurityAdvisories, advisories(&["SA-2,Bad,,High,5.0,,2026-01-10,2026-01-10,maybe"]))],
            row_error(SecurityAdvisories, 2, "configuration_dependent", "`maybe` is not true or false"),
        ),
        (
            vec![(SecurityAdvisories, advisories(&[GOOD, GOOD]))],
            row_error(SecurityAdvisories, 3, "advisory_id", "duplicate advisory id: already on line 2"),
        ),
        (
            with_releases(&["SA-404,IOS XE,17.9.4,"]),
            row_error(AdvisoryReleases, 2, "advisory_id", "unknown advisory `SA-404` (list it in security_advisories.csv)"),
        ),
        (
            with_releases(&["SA-1,JunOS,21.4R3,"]),
            row_error(AdvisoryReleases, 2, "software_type", "`JunOS` is not a software type NetCare reads (IOS, IOS XE, IOS XR, NX-OS, ASA)"),
        ),
        (
            with_releases(&["SA-1,IOS XE,latest,"]),
            row_error(AdvisoryReleases, 2, "affected_release", "`latest` is not a release of IOS XE: a release starts with major.minor, as in 17.9.4a"),
        ),
        (
            with_releases(&["SA-1,IOS XE,17.9.5,17.9.4a"]),
            row_error(AdvisoryReleases, 2, "affected_release", "17.9.5 is at or above a first fixed release of its train (17.9.4a): a fixed release is not affected"),
        ),
        (
            with_releases(&["SA-1,IOS XE,17.9.4,", "SA-1,IOS-XE,17.9.04,"]),
            row_error(AdvisoryReleases, 3, "affected_release", "duplicate affected release of this advisory and software type: already on line 2"),
        ),
    ];
    each_is_refused(backend, cases, "security_advisories").await;
}

/// The demo's registry and advisories, Northwind's inventory with its software (through a
/// collector token) and Contoso's own devices.
async fn northwind_with_software(backend: Backend) -> (TestApp, String, String) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_SOFTWARE).await.0,
        StatusCode::CREATED
    );
    let contoso = contoso_uploads_its_own(&app).await;
    (app, token, contoso)
}

fn states(page: &DevicePage) -> Vec<(String, AdvisoryState)> {
    page.devices
        .iter()
        .map(|d| (d.serial_number.clone(), d.security.state))
        .collect()
}

fn security_of(page: &DevicePage, serial: &str) -> SecurityAssessment {
    page.devices
        .iter()
        .find(|d| d.serial_number == serial)
        .map(|d| d.security.clone())
        .unwrap_or_else(|| panic!("{serial} not on the page"))
}

async fn each_device_is_assessed_with_its_reason(backend: Backend) {
    use AdvisoryState::*;
    let (app, token, contoso_token) = northwind_with_software(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let all = page(&mut ben, |_| {}).await;
    assert_eq!(
        states(&all),
        [
            ("FOC1601Z9Z9".into(), Vulnerable),
            ("FOC1907X1Y1".into(), PotentiallyVulnerable),
            ("FOC2101A0AA".into(), Vulnerable),
            ("FOC2101A0AB".into(), NotVulnerable),
            ("FTX2001T1P1".into(), NotAssessed),
            ("NOPE0000001".into(), NotAssessed),
        ]
    );
    // The software type is stored as the vendor writes it, whatever the file's spelling.
    let types: Vec<&str> = all
        .devices
        .iter()
        .map(|d| d.software_type.as_str())
        .collect();
    assert_eq!(types, ["IOS", "IOS XE", "IOS XE", "IOS XE", "RoomOS", ""]);
    let core = security_of(&all, "FOC2101A0AA");
    assert_eq!(
        (
            core.vulnerable_advisories,
            core.potentially_vulnerable_advisories,
            core.highest_severity
        ),
        (1, 1, Some(Severity::Critical))
    );
    assert_eq!(
        security_of(&all, "FTX2001T1P1").reason.as_deref(),
        Some("no advisory data covers RoomOS")
    );
    assert!(security_of(&all, "NOPE0000001")
        .reason
        .unwrap()
        .starts_with("no software type uploaded"));

    // Each state's filter finds exactly the devices showing it, and none of Contoso's.
    for state in AdvisoryState::ALL {
        let shown = page(&mut ben, |f| f.advisory_state = Some(state)).await;
        let expected: Vec<_> = states(&all)
            .into_iter()
            .filter(|(_, s)| *s == state)
            .collect();
        assert_eq!(states(&shown), expected, "{state:?}");
    }
    let critical = page(&mut ben, |f| f.advisory_severity = Some(Severity::Critical)).await;
    assert_eq!(states(&critical), [("FOC2101A0AA".into(), Vulnerable)]);
    let snmp = page(&mut ben, |f| f.advisory = "NC-SA-2026-0002".into()).await;
    let serials: Vec<String> = snmp
        .devices
        .iter()
        .map(|d| d.serial_number.clone())
        .collect();
    assert_eq!(serials, ["FOC1601Z9Z9", "FOC1907X1Y1", "FOC2101A0AA"]);

    // A device's advisories, worst first, with the releases that fix them.
    let core_id = all
        .devices
        .iter()
        .find(|d| d.serial_number == "FOC2101A0AA")
        .unwrap()
        .id;
    let listed = ben
        .run(LoadDeviceAdvisories { device_id: core_id })
        .await
        .unwrap();
    let summary: Vec<(&str, Severity, AdvisoryState, Vec<String>)> = listed
        .iter()
        .map(|a| {
            (
                a.advisory_id.as_str(),
                a.severity,
                a.state,
                a.first_fixed.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "NC-SA-2026-0001",
                Severity::Critical,
                Vulnerable,
                vec!["17.9.4a".to_owned()]
            ),
            (
                "NC-SA-2026-0002",
                Severity::High,
                PotentiallyVulnerable,
                vec!["17.9.5".to_owned()]
            ),
        ]
    );
    assert_eq!(
        app::alerts::advisories::upgrade_advice("IOS XE", "17.9.4", &listed).unwrap(),
        "Upgrade IOS XE 17.9.4 to 17.9.5 or later: it fixes all 2 advisories affecting this device."
    );
    // An integration reads the same through the API, filters included.
    let body = api_get_json(&app, &token, "/api/v1/devices?advisory_severity=critical").await;
    let devices = body["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 1, "{body}");
    assert_eq!(devices[0]["software_type"], "IOS XE");
    assert_eq!(devices[0]["security"]["state"], "vulnerable");
    assert_eq!(devices[0]["security"]["highest_severity"], "critical");
    let request = Request::get("/api/v1/devices?advisory_state=sideways")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status(), StatusCode::BAD_REQUEST);

    // What affects the company, for an integration: Northwind's advisories, worst first.
    let alerts = |token: String| {
        let app = &app;
        async move { api_get_json(app, &token, "/api/v1/alerts").await }
    };
    let northwind = alerts(token.clone()).await;
    let listed: Vec<(String, u64)> = northwind["advisories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["advisory_id"].as_str().unwrap().to_owned(),
                a["devices"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("NC-SA-2026-0001".into(), 1),
            ("NC-SA-2026-0002".into(), 3),
            ("NC-SA-2026-0003".into(), 1)
        ]
    );
    assert_eq!(
        northwind["bulletins"][0]["stage"], "past_last_date_of_support",
        "{northwind}"
    );
    // Contoso's one switch has no software given and is in no notice's range: only its bulletin.
    let contoso = alerts(contoso_token).await;
    assert_eq!(contoso["advisories"], serde_json::json!([]), "{contoso}");
    assert_eq!(contoso["notices"], serde_json::json!([]), "{contoso}");
    assert_eq!(contoso["bulletins"][0]["bulletin_number"], "EOL-10005");
    assert_eq!(contoso["bulletins"][0]["devices"], 1);

    // The export follows the filter and carries the software type and advisory columns.
    let request = Request::get("/api/library/devices.csv?advisory_state=not_assessed")
        .header("cookie", ben.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csv = body_text(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].contains(",software_type,advisory_state,vulnerable_advisories,potentially_vulnerable_advisories,highest_advisory_severity,"),
        "{csv}"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].contains(",RoomOS,not_assessed,,,,0,"), "{csv}");
}

async fn a_new_advisory_reaches_devices_at_once(backend: Backend) {
    let (app, _, _) = northwind_with_software(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let before = page(&mut ben, |f| f.search = "FOC2101A0AB".into()).await;
    assert_eq!(
        security_of(&before, "FOC2101A0AB").state,
        AdvisoryState::NotVulnerable
    );
    // The vendor publishes an advisory for 17.9.4a: no upload, no refresh, the device shows it.
    import(
        app.db(),
        source(&[
            (
                RegistryFile::SecurityAdvisories,
                &advisories(&["SA-NEW,New one,,Medium,5.0,,2026-11-30,2026-11-30,false"]),
            ),
            (
                RegistryFile::AdvisoryReleases,
                &releases(&["SA-NEW,IOS XE,17.9.4a,17.9.6"]),
            ),
        ]),
    )
    .await
    .unwrap();
    let after = page(&mut ben, |f| f.search = "FOC2101A0AB".into()).await;
    let security = security_of(&after, "FOC2101A0AB");
    assert_eq!(
        (security.state, security.highest_severity),
        (AdvisoryState::Vulnerable, Some(Severity::Medium))
    );
}

async fn the_summary_counts_devices_once_per_severity(backend: Backend) {
    let (app, _, _) = northwind_with_software(backend).await;
    let mut ben = login(&app, "ben.user").await;
    let summary = ben.run(LoadAdvisorySummary {}).await.unwrap();
    let counts: Vec<(Severity, u64, u64, u64)> = summary
        .by_severity
        .iter()
        .map(|c| {
            (
                c.severity,
                c.advisories,
                c.vulnerable_devices,
                c.potentially_vulnerable_devices,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            (Severity::Critical, 1, 1, 0),
            (Severity::High, 1, 0, 3),
            (Severity::Medium, 1, 1, 0),
            (Severity::Low, 0, 0, 0),
            (Severity::Informational, 0, 0, 0),
        ]
    );
    let listed: Vec<(&str, u64)> = summary
        .advisories
        .iter()
        .map(|a| (a.advisory_id.as_str(), a.devices))
        .collect();
    assert_eq!(
        listed,
        [
            ("NC-SA-2026-0001", 1),
            ("NC-SA-2026-0002", 3),
            ("NC-SA-2026-0003", 1)
        ]
    );
    assert_eq!(
        (
            summary.advisories_total,
            summary.not_assessed,
            summary.devices
        ),
        (3, 2, 6),
        "Northwind's alone"
    );

    // A High advisory regardless of configuration for core-1's 17.9.4: core-1 is vulnerable to a
    // High one now, and no longer counted among the potentially vulnerable.
    import(
        app.db(),
        source(&[
            (
                RegistryFile::SecurityAdvisories,
                &advisories(&["SA-SURE,Sure,,High,8.1,,2026-11-30,2026-11-30,false"]),
            ),
            (
                RegistryFile::AdvisoryReleases,
                &releases(&["SA-SURE,IOS XE,17.9.4,17.9.5"]),
            ),
        ]),
    )
    .await
    .unwrap();
    let summary = ben.run(LoadAdvisorySummary {}).await.unwrap();
    let high = summary
        .by_severity
        .iter()
        .find(|c| c.severity == Severity::High)
        .unwrap();
    assert_eq!(
        (
            high.advisories,
            high.vulnerable_devices,
            high.potentially_vulnerable_devices
        ),
        (2, 1, 2)
    );
    assert_eq!(summary.advisories_total, 4);
}
