//! The SQL of product ID corrections. Every statement names the company: a device and its
//! correction are only ever found in their own company.

use sqlx::{AnyConnection, FromRow};

use super::pid_corrections::PidCorrection;
use crate::{
    coverage::{decision::Decision, queries::bind_decision, Cause, ReasonCode},
    inventory::corrections::Rekeyed,
};

/// What a correction needs of a device.
#[derive(FromRow)]
pub struct DeviceKeys {
    /// Its serial number, or its MAC address without one.
    pub name: String,
    pub identity_key: String,
    pub serial_key: String,
    pub mac_key: String,
    pub product_id: String,
    pub reason: Option<ReasonCode>,
    pub registry_pid: Option<String>,
}

pub async fn device_keys(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<Option<DeviceKeys>, sqlx::Error> {
    sqlx::query_as(
        "SELECT CASE WHEN serial_number = '' THEN mac_address ELSE serial_number END AS name,
                identity_key, serial_key, mac_key, product_id, reason, registry_pid
         FROM devices WHERE company_id = $1 AND id = $2",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_optional(conn)
    .await
}

/// Another device of the company already known under `identity_key`: its id.
pub async fn device_with_identity(
    conn: &mut AnyConnection,
    company_id: &str,
    identity_key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM devices WHERE company_id = $1 AND identity_key = $2")
        .bind(company_id)
        .bind(identity_key)
        .fetch_optional(conn)
        .await
}

#[derive(FromRow)]
struct CorrectionRow {
    reported_identity: String,
    reported_product_id: String,
    corrected_product_id: String,
    corrected_by: String,
    corrected_at: String,
}

/// The correction that gave a device its identity `corrected_identity`, if one did, with the
/// identity uploads report it under.
pub async fn correction_of(
    conn: &mut AnyConnection,
    company_id: &str,
    corrected_identity: &str,
) -> Result<Option<(String, PidCorrection)>, sqlx::Error> {
    let row: Option<CorrectionRow> = sqlx::query_as(
        "SELECT reported_identity, reported_product_id, corrected_product_id, corrected_by,
                corrected_at
         FROM pid_corrections WHERE company_id = $1 AND corrected_identity = $2",
    )
    .bind(company_id)
    .bind(corrected_identity)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| {
        let correction = PidCorrection {
            reported_product_id: row.reported_product_id,
            corrected_product_id: row.corrected_product_id,
            corrected_by: row.corrected_by,
            corrected_at: row.corrected_at,
        };
        (row.reported_identity, correction)
    }))
}

/// A correction to keep: uploads reporting `reported_identity` are read as `corrected`.
pub struct NewCorrection<'a> {
    pub reported_identity: &'a str,
    pub reported_product_id: &'a str,
    pub corrected: &'a Rekeyed,
    pub corrected_product_id: &'a str,
    pub account_id: i64,
    pub corrected_by: &'a str,
    pub now: &'a str,
}

/// Keeps a correction; one of the same reported identity (corrected again) is replaced.
pub async fn record_correction(
    conn: &mut AnyConnection,
    company_id: &str,
    new: &NewCorrection<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pid_corrections (company_id, reported_identity, reported_product_id,
             corrected_identity, corrected_product_id, account_id, corrected_by, corrected_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (company_id, reported_identity) DO UPDATE SET
             corrected_identity = excluded.corrected_identity,
             corrected_product_id = excluded.corrected_product_id,
             account_id = excluded.account_id, corrected_by = excluded.corrected_by,
             corrected_at = excluded.corrected_at",
    )
    .bind(company_id)
    .bind(new.reported_identity)
    .bind(new.reported_product_id)
    .bind(&new.corrected.identity_key)
    .bind(new.corrected_product_id)
    .bind(new.account_id)
    .bind(new.corrected_by)
    .bind(new.now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the correction that gave a device `corrected_identity`.
pub async fn forget_correction(
    conn: &mut AnyConnection,
    company_id: &str,
    corrected_identity: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM pid_corrections WHERE company_id = $1 AND corrected_identity = $2")
        .bind(company_id)
        .bind(corrected_identity)
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives device `device_id` another product ID, its keys and its coverage decided under it. A
/// new status or contract starts a new coverage period (the database trigger keeps the old one).
pub async fn rekey_device(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
    product_id: &str,
    keys: &Rekeyed,
    decision: &Decision,
    now: &str,
) -> Result<(), sqlx::Error> {
    let query = sqlx::query(
        "UPDATE devices SET product_id = $1, pid_key = $2, identity_key = $3,
             coverage_since = CASE WHEN status = $4 AND contract_number IS NOT DISTINCT FROM $7
                 THEN coverage_since ELSE $11 END,
             coverage_cause = CASE WHEN status = $4 AND contract_number IS NOT DISTINCT FROM $7
                 THEN coverage_cause ELSE $12 END,
             status = $4, reason = $5, registry_pid = $6, contract_number = $7,
             service_level = $8, coverage_start = $9, coverage_end = $10,
             coverage_computed_at = $11
         WHERE company_id = $13 AND id = $14",
    )
    .bind(product_id)
    .bind(&keys.pid_key)
    .bind(&keys.identity_key);
    bind_decision(query, decision)
        .bind(now)
        .bind(Cause::Correction)
        .bind(company_id)
        .bind(device_id)
        .execute(conn)
        .await?;
    Ok(())
}
