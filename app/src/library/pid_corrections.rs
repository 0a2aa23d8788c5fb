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
        let by = if caller.full_name.is_empty() {
            caller.email.as_str()
        } else {
            caller.full_name.as_str()
        };
        server::correct(
            state,
            company_id,
            device_id,
            &product_id,
            caller.account_id,
            by,
        )
        .await
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

    use super::{queries, LibraryError, PidCorrection};
    use crate::{
        coverage::{
            decision::DeviceKeys as Keys,
            lines::{candidate_lines, clock_now},
            ReasonCode,
        },
        inventory::{
            corrections::{rekeyed, Rekeyed},
            queries::refresh_device_groups,
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

    pub async fn correct(
        state: &AppState,
        company_id: &str,
        device_id: i64,
        product_id: &str,
        account_id: i64,
        by: &str,
    ) -> Result<PidCorrection, LibraryError> {
        let mut tx = state.db.begin_write().await?;
        let device = device(&mut tx, company_id, device_id).await?;
        let registry_pid = match (device.reason, device.registry_pid.as_deref()) {
            (Some(ReasonCode::PidMismatch), Some(pid)) => pid.to_owned(),
            _ => return Err(LibraryError::NoPidMismatch),
        };
        if registry_pid != product_id {
            return Err(LibraryError::RegistryPidChanged(registry_pid));
        }
        // Corrected before (the registry changed since): uploads still report the first one.
        let earlier = queries::correction_of(&mut tx, company_id, &device.identity_key).await?;
        let (reported_identity, reported_product_id) = match &earlier {
            Some((identity, earlier)) => (identity.clone(), earlier.reported_product_id.clone()),
            None => (device.identity_key.clone(), device.product_id.clone()),
        };
        let now = timestamp_now();
        let keys = rekey(
            state, &mut tx, company_id, device_id, &device, product_id, &now,
        )
        .await?;
        queries::forget_correction(&mut tx, company_id, &device.identity_key).await?;
        if keys.identity_key != reported_identity {
            let new = queries::NewCorrection {
                reported_identity: &reported_identity,
                reported_product_id: &reported_product_id,
                corrected: &keys,
                corrected_product_id: product_id,
                account_id,
                corrected_by: by,
                now: &now,
            };
            queries::record_correction(&mut tx, company_id, &new).await?;
        }
        refresh_device_groups(&mut tx, company_id).await?;
        tx.commit().await?;
        Ok(PidCorrection {
            reported_product_id,
            corrected_product_id: product_id.to_owned(),
            corrected_by: by.to_owned(),
            corrected_at: now,
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
        refresh_device_groups(&mut tx, company_id).await?;
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
