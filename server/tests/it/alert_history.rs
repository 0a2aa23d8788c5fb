//! A device's alert history (issue 22): an upload that changes a device's software is kept (by
//! the database, like coverage history) and the device's page says which advisories it ended or
//! brought, beside the advisories, notices and milestones that concern it, newest first; and the counts per product and release the summaries read stay in step.

use app::{
    alerts::history::{AlertChange, AlertEvent},
    library::{DevicePage, LibraryError, LoadDeviceAlertHistory},
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use crate::{
    support::library::page,
    support::uploads::{demo_app, login, token_for, upload_csv, NORTHWIND_FILE},
    support::{both_databases, Backend},
};

both_databases!(
    an_upgrade_is_kept_with_the_advisories_it_ended,
    the_counts_the_summaries_read_follow_every_change,
);

fn id_of(page: &DevicePage, serial: &str) -> i64 {
    page.devices
        .iter()
        .find(|d| d.serial_number == serial)
        .unwrap()
        .id
}

async fn an_upgrade_is_kept_with_the_advisories_it_ended(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    let mut ben = login(&app, "ben.user").await;
    let all = page(&mut ben, |_| {}).await;
    let core = id_of(&all, "FOC2101A0AA");
    let history = |events: &[AlertEvent]| -> Vec<String> {
        events.iter().map(AlertEvent::sentence).collect()
    };

    // Before any change: the advisories of 17.9.4 as published, the notices, the milestones
    // passed (the C9300-48P's end of life is announced; 17.9's too), newest first.
    let before = ben
        .run(LoadDeviceAlertHistory { device_id: core })
        .await
        .unwrap();
    assert!(before
        .iter()
        .all(|e| !matches!(e.change, AlertChange::SoftwareChanged { .. })));
    let sentences = history(&before);
    for expected in [
        "Security advisory NC-SA-2026-0001 (Critical) published — it affects the release this device runs.",
        "Field notice FN-74002 published — it affects this device.",
        "End-of-life announcement of its product (EOL-10005).",
        "End-of-life announcement of its IOS XE 17.9 train (SW-EOL-2603).",
    ] {
        assert!(sentences.iter().any(|s| s == expected), "{expected} not in {sentences:#?}");
    }
    let dates: Vec<&str> = before.iter().map(|e| e.at.as_str()).collect();
    let mut newest_first = dates.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, newest_first);

    // The same file again changes nothing; an upgrade to 17.9.5 is kept with what it ended.
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    let upgraded = NORTHWIND_FILE.replace(",core-1,10.0.0.1,,17.9.4,", ",core-1,10.0.0.1,,17.9.5,");
    assert_ne!(upgraded, NORTHWIND_FILE);
    let (status, upload) = upload_csv(&app, &token, &upgraded).await;
    assert_eq!(status, StatusCode::CREATED, "{upload}");
    let upload_id = upload["upload_id"].as_i64().unwrap();
    let after = ben
        .run(LoadDeviceAlertHistory { device_id: core })
        .await
        .unwrap();
    let changes: Vec<String> = after
        .iter()
        .filter(|e| matches!(e.change, AlertChange::SoftwareChanged { .. }))
        .map(AlertEvent::sentence)
        .collect();
    assert_eq!(
        changes,
        [format!(
            "Upload #{upload_id} changed its software from IOS XE 17.9.4 to IOS XE 17.9.5: \
             no longer affected by NC-SA-2026-0001, NC-SA-2026-0002."
        )]
    );
    // The upgrade is the newest thing that happened; the advisories no longer concern it.
    assert!(matches!(
        after[0].change,
        AlertChange::SoftwareChanged { .. }
    ));
    assert!(history(&after)
        .iter()
        .all(|s| !s.starts_with("Security advisory")));

    // Another company's device, or none, is not found.
    let missing = ben
        .run(LoadDeviceAlertHistory {
            device_id: core + 1_000_000,
        })
        .await;
    assert_eq!(
        missing,
        Err((StatusCode::NOT_FOUND, LibraryError::DeviceNotFound))
    );
}

/// The company's devices per (product, software type, release) as `device_groups` holds them,
/// and as counted afresh from its devices.
async fn groups(
    app: &crate::support::TestApp,
    company: &str,
) -> (
    Vec<(String, String, String, i64)>,
    Vec<(String, String, String, i64)>,
) {
    let mut conn = app.state.db.conn().await.unwrap();
    let kept = sqlx::query_as(
        "SELECT pid_key, software_type, release_key, devices FROM device_groups
         WHERE company_id = $1 ORDER BY 1, 2, 3",
    )
    .bind(company)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let counted = sqlx::query_as(
        "SELECT pid_key, software_type, release_key, COUNT(*) FROM devices
         WHERE company_id = $1 GROUP BY pid_key, software_type, release_key ORDER BY 1, 2, 3",
    )
    .bind(company)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    (kept, counted)
}

async fn the_counts_the_summaries_read_follow_every_change(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    let (kept, counted) = groups(&app, "NW-1001").await;
    assert_eq!(kept.len(), 6, "{kept:?}");
    assert_eq!(kept, counted);
    // A merge that adds a device and upgrades another; a dry run changes nothing.
    let more = "serial_number,product_id,software_type,software_version\n\
                FOC2101A0AA,C9300-48P,IOS XE,17.9.5\nFOC2101A0ZZ,C9300-48P,IOS XE,17.9.5\n";
    assert_eq!(upload_csv(&app, &token, more).await.0, StatusCode::CREATED);
    let (kept, counted) = groups(&app, "NW-1001").await;
    assert!(
        kept.contains(&("C9300-48P".into(), "IOS XE".into(), "17.9.5".into(), 2)),
        "{kept:?}"
    );
    assert_eq!(kept, counted);
    let dry = "serial_number,product_id\nFOC2101A0YY,C9300-24T\n";
    let (status, _) =
        crate::support::uploads::api_upload_with(&app, &token, "dry_run=true", dry).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(groups(&app, "NW-1001").await.0, kept);
    // Deleting the inventory empties them; another company's stay.
    let contoso = crate::support::uploads::contoso_uploads_its_own(&app).await;
    assert!(!contoso.is_empty());
    let mut dana = login(&app, "dana.admin").await;
    assert_eq!(
        dana.call(
            app::inventory::DeleteInventory::PATH,
            &[("confirmation", "DELETE")]
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(groups(&app, "NW-1001").await, (vec![], vec![]));
    let (kept, counted) = groups(&app, "CT-2002").await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept, counted);
}
