//! Correcting a device's product ID from its page: the registry's product ID in one click, kept
//! with who and when, applied to every later upload that reports the device the old way, undone
//! on request; refused with a reason when there is nothing to correct or it would make a
//! duplicate; read-only under support access. (Another company's people find no such device: the
//! isolation suite.)

use app::{
    coverage::{Cause, ReasonCode, Status},
    inventory::DeviceRecord,
    library::{
        CorrectProductId, CorrectProductIds, LibraryError, LoadDevice, LoadPidCorrection,
        UndoPidCorrection,
    },
};
use axum::http::StatusCode;

use crate::support::{
    both_databases,
    library::page,
    uploads::{
        agent_on_northwind, api_upload_with, count, delete_inventory, demo_app, login, token_for,
        upload_csv, NORTHWIND_FILE,
    },
    Backend, Browser,
};

both_databases!(
    a_corrected_product_id_stays_corrected_in_later_uploads_until_undone,
    a_correction_that_would_make_a_duplicate_is_refused,
    the_selected_devices_product_ids_are_corrected_at_once,
);

const MISMATCHED: &str = "FOC2101A0AB";

async fn device(browser: &mut Browser<'_>, serial: &str) -> DeviceRecord {
    let shown = page(browser, |f| f.search = serial.into()).await;
    let found = shown
        .devices
        .into_iter()
        .filter(|d| d.serial_number == serial);
    let found: Vec<DeviceRecord> = found.collect();
    assert_eq!(found.len(), 1, "one device {serial}: {found:?}");
    found.into_iter().next().unwrap()
}

fn correct(device_id: i64, product_id: &str) -> CorrectProductId {
    CorrectProductId {
        device_id,
        product_id: product_id.to_owned(),
    }
}

async fn a_corrected_product_id_stays_corrected_in_later_uploads_until_undone(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    assert_eq!(
        upload_csv(&app, &token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    let mut ben = login(&app, "ben.user").await;
    let before = device(&mut ben, MISMATCHED).await;
    assert_eq!(before.product_id, "C9300-24T");
    assert_eq!(before.coverage.reason, Some(ReasonCode::PidMismatch));
    assert_eq!(
        before.coverage.registry_product_id.as_deref(),
        Some("C9300-48P")
    );
    let id = before.id;
    assert_eq!(
        ben.run(LoadPidCorrection { device_id: id }).await.unwrap(),
        None
    );

    // What the page showed is checked: a product ID the registry does not have is refused.
    assert_eq!(
        ben.run(correct(id, "C9300-24P")).await.unwrap_err(),
        (
            StatusCode::CONFLICT,
            LibraryError::RegistryPidChanged("C9300-48P".into())
        )
    );
    let done = ben.run(correct(id, "C9300-48P")).await.unwrap();
    assert_eq!(done.reported_product_id, "C9300-24T");
    assert_eq!(done.corrected_product_id, "C9300-48P");
    assert_eq!(done.corrected_by, "Ben User");
    assert_eq!(
        ben.run(LoadPidCorrection { device_id: id }).await.unwrap(),
        Some(done.clone())
    );
    let after = ben.run(LoadDevice { device_id: id }).await.unwrap();
    assert_eq!(after.product_id, "C9300-48P");
    assert_eq!(after.coverage.reason, None, "{:?}", after.coverage);
    assert!(
        after.coverage.contract_number.is_some(),
        "{:?}",
        after.coverage
    );
    assert_ne!(after.coverage.status, Status::NotCovered);
    // The coverage it had is history, and the new period says what started it.
    let timeline = ben
        .run(app::coverage::DeviceCoverageTimeline { device_id: id })
        .await
        .unwrap();
    assert_eq!(timeline[0].cause, Cause::Correction);
    assert_eq!(timeline[1].reason, Some(ReasonCode::PidMismatch));
    // The alert summaries count it under its new product ID.
    let groups_of = |pid: &str| {
        format!(
            "SELECT CAST(COALESCE(SUM(devices), 0) AS BIGINT) FROM device_groups \
             WHERE company_id = 'NW-1001' AND pid_key = '{pid}'"
        )
    };
    assert_eq!(count(&app, &groups_of("C9300-24T")).await, 0);
    assert_eq!(count(&app, &groups_of("C9300-48P")).await, 3);
    // Nothing to correct any more (nor on a covered device).
    assert_eq!(
        ben.run(correct(id, "C9300-48P")).await.unwrap_err(),
        (StatusCode::CONFLICT, LibraryError::NoPidMismatch)
    );
    let covered = device(&mut ben, "FOC2101A0AA").await;
    assert_eq!(
        ben.run(correct(covered.id, "C9300-48P")).await.unwrap_err(),
        (StatusCode::CONFLICT, LibraryError::NoPidMismatch)
    );

    // The collector reports the device as before (written its own way): the same device, read
    // corrected; nothing retired, nothing added.
    let again = NORTHWIND_FILE.replace("FOC2101A0AB,C9300-24T", "foc2101a0ab,c9300-24t=");
    let (status, summary) = api_upload_with(&app, &token, "mode=replace", &again).await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    assert_eq!(summary["added"], 0, "{summary}");
    assert_eq!(summary["no_longer_seen"], 0, "{summary}");
    let reread = ben.run(LoadDevice { device_id: id }).await.unwrap();
    assert_eq!(reread.product_id, "C9300-48P");
    assert_eq!(reread.serial_number, "foc2101a0ab", "the rest as uploaded");
    assert_eq!(reread.coverage.reason, None);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM devices WHERE company_id = 'NW-1001'"
        )
        .await,
        6
    );

    // Read-only under support access: the agent sees the correction, changes nothing.
    let mut dana = login(&app, "dana.admin").await;
    let mut agent = agent_on_northwind(&app, &mut dana).await;
    assert_eq!(
        agent
            .run(LoadPidCorrection { device_id: id })
            .await
            .unwrap(),
        Some(done)
    );
    assert_eq!(
        agent
            .run(UndoPidCorrection { device_id: id })
            .await
            .unwrap_err()
            .0,
        StatusCode::FORBIDDEN
    );

    // Undone by someone else of the company: the inventory's product ID again, the mismatch
    // again, and the next upload is read as it is.
    assert_eq!(
        dana.run(UndoPidCorrection { device_id: id }).await.unwrap(),
        "C9300-24T"
    );
    let undone = dana.run(LoadDevice { device_id: id }).await.unwrap();
    assert_eq!(undone.product_id, "C9300-24T");
    assert_eq!(undone.coverage.reason, Some(ReasonCode::PidMismatch));
    assert_eq!(
        dana.run(LoadPidCorrection { device_id: id }).await.unwrap(),
        None
    );
    assert_eq!(
        dana.run(UndoPidCorrection { device_id: id })
            .await
            .unwrap_err(),
        (StatusCode::CONFLICT, LibraryError::NoPidCorrection)
    );
    let (status, summary) = upload_csv(&app, &token, NORTHWIND_FILE).await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    assert_eq!(summary["added"], 0, "{summary}");
    let last = dana.run(LoadDevice { device_id: id }).await.unwrap();
    assert_eq!(last.product_id, "C9300-24T");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pid_corrections").await, 0);
}

/// The inventory lists the serial under both product IDs: the wrong line is a duplicate to
/// remove, not a device to rename onto the other (nothing changes).
async fn a_correction_that_would_make_a_duplicate_is_refused(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    let both = format!("{NORTHWIND_FILE}FOC2101A0AB,C9300-48P,core-2b,,,,HQ,\n");
    let (status, summary) = upload_csv(&app, &token, &both).await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    assert_eq!(summary["accepted"], 7, "{summary}");
    let mut ben = login(&app, "ben.user").await;
    let shown = page(&mut ben, |f| f.search = MISMATCHED.into()).await;
    let wrong = shown
        .devices
        .iter()
        .find(|d| d.product_id == "C9300-24T")
        .unwrap();
    assert_eq!(
        ben.run(correct(wrong.id, "C9300-48P")).await.unwrap_err(),
        (
            StatusCode::CONFLICT,
            LibraryError::AlreadyListedUnder("C9300-48P".into())
        )
    );
    let unchanged = ben
        .run(LoadDevice {
            device_id: wrong.id,
        })
        .await
        .unwrap();
    assert_eq!(unchanged.product_id, "C9300-24T");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pid_corrections").await, 0);
}

/// The selection's product IDs corrected at once: the mismatched devices take the registry's
/// product ID; the others are listed as left, each with why (another company's device reads as
/// one that is not there); bounds on the selection; read-only under support access.
async fn the_selected_devices_product_ids_are_corrected_at_once(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    // Two devices under a product ID the registry does not have for their serial numbers.
    let file = NORTHWIND_FILE.replace("FOC1907X1Y1,WS-C3850-24T", "FOC1907X1Y1,WS-C3850-48T");
    assert_eq!(upload_csv(&app, &token, &file).await.0, StatusCode::CREATED);
    let mut ben = login(&app, "ben.user").await;
    let first = device(&mut ben, MISMATCHED).await;
    let second = device(&mut ben, "FOC1907X1Y1").await;
    assert_eq!(second.coverage.reason, Some(ReasonCode::PidMismatch));
    let covered = device(&mut ben, "FOC2101A0AA").await;
    let unknown = device(&mut ben, "NOPE0000001").await;
    let selected = vec![
        second.id,
        covered.id,
        first.id,
        unknown.id,
        987_654_321,
        first.id,
    ];
    let done = ben
        .run(CorrectProductIds {
            device_ids: selected,
        })
        .await
        .unwrap();
    let corrected: Vec<(&str, &str, &str)> = done
        .corrected
        .iter()
        .map(|d| (d.name.as_str(), d.from.as_str(), d.to.as_str()))
        .collect();
    let mut expected = vec![
        (MISMATCHED, "C9300-24T", "C9300-48P"),
        ("FOC1907X1Y1", "WS-C3850-48T", "WS-C3850-24T"),
    ];
    expected.sort_by_key(|(name, ..)| {
        if *name == MISMATCHED {
            first.id
        } else {
            second.id
        }
    });
    assert_eq!(corrected, expected, "in id order, each once");
    let left: Vec<(&str, &str)> = done
        .left
        .iter()
        .map(|d| (d.name.as_str(), d.why.as_str()))
        .collect();
    let not_mismatched = LibraryError::NoPidMismatch.to_string();
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left.contains(&("FOC2101A0AA", not_mismatched.as_str())));
    assert!(left.contains(&("NOPE0000001", not_mismatched.as_str())));
    assert!(left.contains(&("", "No such device in your inventory.")));
    for id in [first.id, second.id] {
        let now = ben.run(LoadDevice { device_id: id }).await.unwrap();
        assert_ne!(
            now.coverage.reason,
            Some(ReasonCode::PidMismatch),
            "{now:?}"
        );
        assert!(ben
            .run(LoadPidCorrection { device_id: id })
            .await
            .unwrap()
            .is_some());
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pid_corrections").await, 2);

    // Nothing to correct: nothing written, each one said.
    let again = ben
        .run(CorrectProductIds {
            device_ids: vec![first.id],
        })
        .await
        .unwrap();
    assert!(again.corrected.is_empty());
    assert_eq!(again.left[0].why, not_mismatched);
    for (ids, error) in [
        (vec![], LibraryError::NothingSelected),
        ((1..=501).collect(), LibraryError::TooManySelected),
    ] {
        assert_eq!(
            ben.run(CorrectProductIds { device_ids: ids })
                .await
                .unwrap_err(),
            (StatusCode::UNPROCESSABLE_ENTITY, error)
        );
    }
    let mut dana = login(&app, "dana.admin").await;
    let mut agent = agent_on_northwind(&app, &mut dana).await;
    assert_eq!(
        agent
            .run(CorrectProductIds {
                device_ids: vec![first.id]
            })
            .await
            .unwrap_err()
            .0,
        StatusCode::FORBIDDEN
    );
    // Deleting the inventory is a fresh start: the corrections go with the devices.
    delete_inventory(&mut dana).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pid_corrections").await, 0);
}
