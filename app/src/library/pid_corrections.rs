//! Correcting a device's product ID in one click, from its device page: for a device whose serial
//! number the registry knows under another product ID, the company takes the registry's. The
//! correction is kept (who, when, from what) and applied to every later upload that reports the
//! device the old way (`inventory::corrections`), until someone undoes it. The SQL is in
//! `pid_correction_queries`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::LibraryError;
#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;

/// A product ID correction as the device page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PidCorrection {
    /// What the company's inventory reports (and its uploads will go on reporting).
    pub reported_product_id: String,
    /// What NetCare reads instead: the registry's product ID when it was corrected.
    pub corrected_product_id: String,
    /// Who corrected it (their name when they did).
    pub corrected_by: String,
    /// When (UTC timestamp).
    pub corrected_at: String,
}

/// The correction device `device_id` was given, if any. Another company's device is simply not
/// found.
#[server(endpoint = "library/device/pid-correction")]
pub async fn load_pid_correction(device_id: i64) -> Result<Option<PidCorrection>, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        let device = server::device(&mut conn, company_id, device_id).await?;
        let correction =
            queries::correction_of(&mut conn, company_id, &device.identity_key).await?;
        Ok(correction.map(|(_, correction)| correction))
    })
    .await
}

/// Gives device `device_id` the product ID `product_id` the registry knows its serial number
/// under (as its page showed it), now and in every later upload.
#[server(endpoint = "library/device/correct-pid")]
pub async fn correct_product_id(
    device_id: i64,
    product_id: String,
) -> Result<PidCorrection, LibraryError> {
    serve(async |state, caller| {
        let company_id = caller.member()?.company_id.as_str();
        let by = server::Corrector::of(&caller);
        server::correct(state, company_id, device_id, &product_id, &by).await
    })
    .await
}

/// What correcting the product IDs of selected devices did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCorrection {
    pub corrected: Vec<CorrectedDevice>,
    /// Selected devices left as they were.
    pub left: Vec<LeftDevice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectedDevice {
    pub device_id: i64,
    /// Its serial number (its MAC address without one).
    pub name: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftDevice {
    pub device_id: i64,
    /// Empty when no such device is in the company's inventory.
    pub name: String,
    pub why: String,
}

/// Gives each of the selected devices whose serial number the registry knows under another
/// product ID the registry's (at most [`MAX_SELECTED`](super::filter::MAX_SELECTED) at once);
/// the others are left as they are, each with why. All or nothing: one transaction.
#[server(endpoint = "library/devices/correct-pids", input = leptos::server_fn::codec::Json)]
pub async fn correct_product_ids(device_ids: Vec<i64>) -> Result<BulkCorrection, LibraryError> {
    serve(async |state, caller| {
        let company_id = caller.member()?.company_id.as_str();
        let mut ids = device_ids;
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(LibraryError::NothingSelected);
        }
        if ids.len() > super::filter::MAX_SELECTED {
            return Err(LibraryError::TooManySelected);
        }
        let by = server::Corrector::of(&caller);
        server::correct_many(state, company_id, &ids, &by).await
    })
    .await
}

/// Gives device `device_id` back the product ID its inventory reports, and stops correcting it.
#[server(endpoint = "library/device/undo-pid-correction")]
pub async fn undo_pid_correction(device_id: i64) -> Result<String, LibraryError> {
    serve(async |state, caller| {
        let company_id = caller.member()?.company_id.as_str();
        server::undo(state, company_id, device_id).await
    })
    .await
}

#[cfg(feature = "ssr")]
use super::pid_correction_queries as queries;

#[cfg(feature = "ssr")]
mod server {
    use sqlx::AnyConnection;

    use super::{
        queries, BulkCorrection, CorrectedDevice, LeftDevice, LibraryError, PidCorrection,
    };
    use crate::{
        accounts::caller::Caller,
        coverage::{
            decision::DeviceKeys as Keys,
            lines::{candidate_lines, clock_now},
            ReasonCode,
        },
        inventory::{
            corrections::{rekeyed, Rekeyed},
            queries::refresh_device_summaries,
        },
        platform::{clock::timestamp_now, AppState},
    };

    pub async fn device(
        conn: &mut AnyConnection,
        company_id: &str,
        device_id: i64,
    ) -> Result<queries::DeviceKeys, LibraryError> {
        queries::device_keys(conn, company_id, device_id)
            .await?
            .ok_or(LibraryError::DeviceNotFound)
    }

    /// Who corrects, and when.
    pub struct Corrector<'a> {
        pub account_id: i64,
        pub name: &'a str,
        pub now: String,
    }

    impl<'a> Corrector<'a> {
        /// The caller, named as people know them, now.
        pub fn of(caller: &'a Caller) -> Self {
            let name = if caller.full_name.is_empty() {
                caller.email.as_str()
            } else {
                caller.full_name.as_str()
            };
            Corrector {
                account_id: caller.account_id,
                name,
                now: timestamp_now(),
            }
        }
    }

    pub async fn correct(
        state: &AppState,
        company_id: &str,
        device_id: i64,
        product_id: &str,
        by: &Corrector<'_>,
    ) -> Result<PidCorrection, LibraryError> {
        let mut tx = state.db.begin_write().await?;
        let device = device(&mut tx, company_id, device_id).await?;
        let done = correct_in(
            state,
            &mut tx,
            company_id,
            device_id,
            &device,
            Some(product_id),
            by,
        )
        .await?;
        refresh_device_summaries(&mut tx, company_id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Each of `device_ids` the registry knows under another product ID takes the registry's, in
    /// one transaction; the others are left as they are, with why.
    pub async fn correct_many(
        state: &AppState,
        company_id: &str,
        device_ids: &[i64],
        by: &Corrector<'_>,
    ) -> Result<BulkCorrection, LibraryError> {
        let mut outcome = BulkCorrection::default();
        let mut tx = state.db.begin_write().await?;
        for &device_id in device_ids {
            let found = queries::device_keys(&mut tx, company_id, device_id).await?;
            let name = found.as_ref().map(|d| d.name.clone()).unwrap_or_default();
            let done = match &found {
                Some(device) => {
                    correct_in(state, &mut tx, company_id, device_id, device, None, by).await
                }
                None => Err(LibraryError::DeviceNotFound),
            };
            match done {
                Ok(done) => outcome.corrected.push(CorrectedDevice {
                    device_id,
                    name,
                    from: done.reported_product_id,
                    to: done.corrected_product_id,
                }),
                Err(
                    why @ (LibraryError::DeviceNotFound
                    | LibraryError::NoPidMismatch
                    | LibraryError::AlreadyListedUnder(_)),
                ) => outcome.left.push(LeftDevice {
                    device_id,
                    name,
                    why: why.to_string(),
                }),
                Err(other) => return Err(other),
            }
        }
        if !outcome.corrected.is_empty() {
            refresh_device_summaries(&mut tx, company_id).await?;
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// Corrects device `device_id` (as the caller read it, in this transaction) to the registry's
    /// product ID, which must be `expected` when given (what the person saw); the caller refreshes
    /// the groups and commits.
    async fn correct_in(
        state: &AppState,
        tx: &mut AnyConnection,
        company_id: &str,
        device_id: i64,
        device: &queries::DeviceKeys,
        expected: Option<&str>,
        by: &Corrector<'_>,
    ) -> Result<PidCorrection, LibraryError> {
        let product_id = match (device.reason, device.registry_pid.as_deref()) {
            (Some(ReasonCode::PidMismatch), Some(pid)) => pid.to_owned(),
            _ => return Err(LibraryError::NoPidMismatch),
        };
        if expected.is_some_and(|expected| expected != product_id) {
            return Err(LibraryError::RegistryPidChanged(product_id));
        }
        // Corrected before (the registry changed since): uploads still report the first one.
        let earlier = queries::correction_of(tx, company_id, &device.identity_key).await?;
        let (reported_identity, reported_product_id) = match &earlier {
            Some((identity, earlier)) => (identity.clone(), earlier.reported_product_id.clone()),
            None => (device.identity_key.clone(), device.product_id.clone()),
        };
        let keys = rekey(
            state,
            tx,
            company_id,
            device_id,
            device,
            &product_id,
            &by.now,
        )
        .await?;
        queries::forget_correction(tx, company_id, &device.identity_key).await?;
        if keys.identity_key != reported_identity {
            let new = queries::NewCorrection {
                reported_identity: &reported_identity,
                reported_product_id: &reported_product_id,
                corrected: &keys,
                corrected_product_id: &product_id,
                account_id: by.account_id,
                corrected_by: by.name,
                now: &by.now,
            };
            queries::record_correction(tx, company_id, &new).await?;
        }
        Ok(PidCorrection {
            reported_product_id,
            corrected_product_id: product_id,
            corrected_by: by.name.to_owned(),
            corrected_at: by.now.clone(),
        })
    }

    /// The product ID the device has again.
    pub async fn undo(
        state: &AppState,
        company_id: &str,
        device_id: i64,
    ) -> Result<String, LibraryError> {
        let mut tx = state.db.begin_write().await?;
        let device = device(&mut tx, company_id, device_id).await?;
        let Some((_, correction)) =
            queries::correction_of(&mut tx, company_id, &device.identity_key).await?
        else {
            return Err(LibraryError::NoPidCorrection);
        };
        let reported = correction.reported_product_id;
        let now = timestamp_now();
        rekey(
            state, &mut tx, company_id, device_id, &device, &reported, &now,
        )
        .await?;
        queries::forget_correction(&mut tx, company_id, &device.identity_key).await?;
        refresh_device_summaries(&mut tx, company_id).await?;
        tx.commit().await?;
        Ok(reported)
    }

    /// Gives the device `product_id` with the keys and the coverage that go with it; refused
    /// when another device of the company already has that identity.
    async fn rekey(
        state: &AppState,
        conn: &mut AnyConnection,
        company_id: &str,
        device_id: i64,
        device: &queries::DeviceKeys,
        product_id: &str,
        now: &str,
    ) -> Result<Rekeyed, LibraryError> {
        let keys = rekeyed(&device.serial_key, &device.mac_key, product_id);
        if let Some(other) =
            queries::device_with_identity(conn, company_id, &keys.identity_key).await?
        {
            if other != device_id {
                return Err(LibraryError::AlreadyListedUnder(product_id.to_owned()));
            }
        }
        let (serials, macs): (Vec<&str>, Vec<&str>) = if device.serial_key.is_empty() {
            (vec![], vec![device.mac_key.as_str()])
        } else {
            (vec![device.serial_key.as_str()], vec![])
        };
        let lines = candidate_lines(conn, state.db.backend(), &serials, &macs).await?;
        let decision = lines.decide(
            &Keys {
                serial_key: device.serial_key.clone(),
                pid_key: keys.pid_key.clone(),
                mac_key: device.mac_key.clone(),
            },
            &clock_now(state.settings.expiring_window_days),
        );
        queries::rekey_device(
            conn, company_id, device_id, product_id, &keys, &decision, now,
        )
        .await?;
        Ok(keys)
    }
}
