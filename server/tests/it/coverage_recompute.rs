//! Coverage kept current: a registry change decides again exactly the devices whose serials it
//! touched (in every company), *Refresh coverage now* decides a company's devices again, and each
//! device keeps its coverage timeline.

use app::{
    coverage::{DeviceCoverageTimeline, RefreshCoverage},
    registry::ImportRegistryFiles,
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::support::registry::*;
use crate::{
    support::people::signed_in_agent,
    support::uploads::{demo_app, devices_json, login, token_for, upload_csv, NORTHWIND_FILE},
    support::{both_databases, Backend, TestApp},
};

both_databases!(
    a_registry_change_decides_again_only_what_it_touched,
    refresh_decides_the_company_again,
    a_pending_change_is_taken_once_unless_its_lease_ends,
);

async fn device_id(app: &TestApp, company: &str, serial: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM devices WHERE company_id = $1 AND serial_number = $2")
        .bind(company)
        .bind(serial)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

/// Each device's company, serial and when its coverage was computed, as the Library shows it.
async fn computed_at(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT d.company_id, d.serial_number,
                CASE WHEN r.computed_at > d.coverage_computed_at THEN r.computed_at
                     ELSE d.coverage_computed_at END
         FROM devices d LEFT JOIN coverage_refreshes r ON r.company_id = d.company_id
         ORDER BY d.id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap()
}

async fn a_registry_change_decides_again_only_what_it_touched(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let northwind = token_for(&app, "NW-1001", "nw").await;
    let contoso = token_for(&app, "CT-2002", "ct").await;
    assert_eq!(
        upload_csv(&app, &northwind, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    let (status, _) = upload_csv(
        &app,
        &contoso,
        "serial_number,product_id\nNOPE0000001,C9300-48P\nCT0000002,C9300-48P\n",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let before = computed_at(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    // An agent adds a line for the unknown serial to a Northwind contract.
    let today = time::OffsetDateTime::now_utc().date();
    let lines = format!(
        "contract_number,serial_number,product_id,mac_address,start_date,end_date\n91000001,nope0000001,C9300-48P,,{},{}\n",
        today - time::Duration::days(10),
        today + time::Duration::days(400)
    );
    let mut agent = signed_in_agent(&app).await;
    let (status, body) = agent
        .call_json(
            ImportRegistryFiles::PATH,
            json!({"files": [["contract_lines.csv", lines]]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let after = computed_at(&app).await;
    for (old, new) in before.iter().zip(&after) {
        let touched = old.1 == "NOPE0000001";
        assert_eq!(old.2 != new.2, touched, "{old:?} → {new:?}");
    }
    // Both companies' devices with that serial are covered now, whoever holds the contract.
    for token in [&northwind, &contoso] {
        let devices = devices_json(&app, token).await;
        let device = devices
            .iter()
            .find(|d| d["serial_number"] == "NOPE0000001")
            .unwrap();
        assert_eq!(device["coverage"]["status"], "covered");
        assert_eq!(device["coverage"]["contract_number"], "91000001");
    }
    let mut dana = login(&app, "dana.admin").await;
    let id = device_id(&app, "NW-1001", "NOPE0000001").await;
    let (status, timeline) = dana
        .call(
            DeviceCoverageTimeline::PATH,
            &[("device_id", &id.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    let periods = timeline.as_array().unwrap();
    assert_eq!(periods.len(), 2, "{timeline}");
    assert_eq!(
        (periods[0]["status"].as_str(), periods[0]["cause"].as_str()),
        (Some("covered"), Some("registry"))
    );
    assert!(periods[0]["until"].is_null());
    assert_eq!(periods[1]["status"], "not_covered");
    assert_eq!(periods[1]["reason"], "unknown_serial");
    assert_eq!(periods[1]["cause"], "upload");
    assert_eq!(periods[1]["until"], periods[0]["from"]);
    // The change is listed among what changed since the last upload.
    let (_, changes) = dana
        .call(app::library::LoadCoverageChanges::PATH, &[])
        .await;
    let change = changes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["serial_number"] == "NOPE0000001")
        .cloned();
    let change = change.unwrap_or_else(|| panic!("{changes}"));
    assert_eq!(
        (
            change["before"].as_str(),
            change["now"].as_str(),
            change["cause"].as_str()
        ),
        (Some("not_covered"), Some("covered"), Some("registry"))
    );
    // Another company's device is not found, like a missing one.
    let theirs = device_id(&app, "CT-2002", "NOPE0000001").await;
    let mut answers = Vec::new();
    for missing in [theirs, 999_999] {
        let (status, body) = dana
            .call(
                DeviceCoverageTimeline::PATH,
                &[("device_id", &missing.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        answers.push(body);
    }
    assert_eq!(
        answers[0], answers[1],
        "no difference between theirs and missing"
    );
}

async fn refresh_decides_the_company_again(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let northwind = token_for(&app, "NW-1001", "nw").await;
    let contoso = token_for(&app, "CT-2002", "ct").await;
    upload_csv(&app, &northwind, NORTHWIND_FILE).await;
    upload_csv(&app, &contoso, "serial_number,product_id\nCT1,C9300-48P\n").await;
    let before = computed_at(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mut dana = login(&app, "dana.admin").await;
    let (status, body) = dana.call(RefreshCoverage::PATH, &[]).await;
    assert_eq!(
        (status, body.clone()),
        (StatusCode::OK, json!({"devices": 6, "changed": 0})),
        "{body}"
    );
    let after = computed_at(&app).await;
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(
            old.2 != new.2,
            old.0 == "NW-1001",
            "only Northwind's devices: {old:?}"
        );
    }
    let mut ben = login(&app, "ben.user").await;
    let (status, _): (StatusCode, Value) = ben.call(RefreshCoverage::PATH, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A registry change's recompute is a queued job: done once by whoever takes it; a claim whose
/// process died is taken again when its lease ends.
async fn a_pending_change_is_taken_once_unless_its_lease_ends(backend: Backend) {
    use app::{
        coverage::queue::{recompute_now, run_pending},
        registry::import::{import_registry, ChangeOrigin, RegistryFile},
    };
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    let db = app.db();
    // The demo registry's own change first.
    run_pending(db, 90).await.unwrap();
    let import = || async {
        let source =
            crate::support::registry::source(&[(RegistryFile::ContractLines, LINE_COVERING_NOPE)]);
        import_registry(db, source, ChangeOrigin::CommandLine, "test")
            .await
            .unwrap()
            .change_id
    };
    let runs = |id: i64| async move {
        sqlx::query_scalar::<_, i64>("SELECT recompute_runs FROM registry_changes WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let first = import().await;
    let done = run_pending(db, 90).await.unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!((done[0].0, done[0].1.devices), (first, 1));
    assert!(run_pending(db, 90).await.unwrap().is_empty(), "done once");
    assert_eq!(recompute_now(db, first, 90).await.unwrap(), None);
    assert_eq!(runs(first).await, 1);

    // Another process holds the next change: nobody else takes it until its lease ends.
    sqlx::query("UPDATE registry_changes SET recomputed_at = NULL, recompute_locked_until = '2999-01-01T00:00:00.000000Z' WHERE id = $1")
        .bind(first)
        .execute(db.pool())
        .await
        .unwrap();
    assert!(run_pending(db, 90).await.unwrap().is_empty());
    assert_eq!(recompute_now(db, first, 90).await.unwrap(), None);
    sqlx::query("UPDATE registry_changes SET recompute_locked_until = '2000-01-01T00:00:00.000000Z' WHERE id = $1")
        .bind(first)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(
        run_pending(db, 90).await.unwrap().len(),
        1,
        "the lapsed lease is taken"
    );
    assert_eq!(runs(first).await, 2);
}
