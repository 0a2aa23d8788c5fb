//! The inventory's SQL. Every function takes the company id and reads or writes only that
//! company's rows.

pub mod bulk_read;
pub mod rejections;
pub mod tokens;

use std::collections::{HashMap, HashSet};

use sqlx::{AnyConnection, Row};

use super::{rows::CheckedDevice, DeviceCoverage, DeviceRecord, UploadItem, UploadMethod};
use crate::{
    alerts::{
        advisories::{assess, AdvisoryMatches},
        HardwareEndOfLife, Milestones, Severity, SoftwareEndOfLife,
    },
    coverage::{
        decision::Decision,
        queries::bind_decision,
        Cause, ReasonCode, Status,
    },
    platform::{
        sql::{push_placeholders, push_value_rows},
        Backend,
    },
};

/// Locks the company's quota row for `day` (creating it) until the transaction ends, and returns
/// how many uploads have landed that day. Concurrent uploads of one company wait here in turn.
pub async fn lock_quota(
    conn: &mut AnyConnection,
    company_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO upload_quota (company_id, quota_day, used) VALUES ($1, $2, 0)
         ON CONFLICT (company_id, quota_day) DO UPDATE SET used = upload_quota.used
         RETURNING used",
    )
    .bind(company_id)
    .bind(day)
    .fetch_one(conn)
    .await
}

pub async fn consume_quota(
    conn: &mut AnyConnection,
    company_id: &str,
    day: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE upload_quota SET used = used + 1 WHERE company_id = $1 AND quota_day = $2")
        .bind(company_id)
        .bind(day)
        .execute(conn)
        .await?;
    Ok(())
}

/// Uploads refused whole on `day`, without locking.
pub async fn refused_uploads(
    conn: &mut AnyConnection,
    company_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    quota_count(conn, QuotaCount::Refused, company_id, day).await
}

/// Uploads on `day` that named mostly unknown serial numbers (see `inventory::probing`).
pub async fn probing_uploads(
    conn: &mut AnyConnection,
    company_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    quota_count(conn, QuotaCount::Probing, company_id, day).await
}

/// Counts one upload of `day` that named mostly unknown serial numbers.
pub async fn count_probing_upload(
    conn: &mut AnyConnection,
    company_id: &str,
    day: &str,
) -> Result<(), sqlx::Error> {
    add_to_count(conn, QuotaCount::Probing, company_id, day).await?;
    Ok(())
}

/// The counts of a company's quota day.
enum QuotaCount {
    Used,
    Refused,
    Probing,
}

impl QuotaCount {
    fn column(&self) -> &'static str {
        match self {
            QuotaCount::Used => "used",
            QuotaCount::Refused => "refused",
            QuotaCount::Probing => "probing",
        }
    }
}

/// Adds one to a side count of the company's quota day (refused, probing; uploads that land are
/// counted under the upload's lock instead). The day's row is made when missing. Returns the
/// count with this one.
async fn add_to_count(
    conn: &mut AnyConnection,
    which: QuotaCount,
    company_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    debug_assert!(!matches!(which, QuotaCount::Used), "landed uploads count elsewhere");
    let column = which.column();
    sqlx::query_scalar(&format!(
        "INSERT INTO upload_quota (company_id, quota_day, used, {column}) VALUES ($1, $2, 0, 1)
         ON CONFLICT (company_id, quota_day) DO UPDATE SET {column} = upload_quota.{column} + 1
         RETURNING {column}"
    ))
    .bind(company_id)
    .bind(day)
    .fetch_one(conn)
    .await
}

async fn quota_count(
    conn: &mut AnyConnection,
    which: QuotaCount,
    company_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    let column = which.column();
    let count: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT {column} FROM upload_quota WHERE company_id = $1 AND quota_day = $2"
    ))
    .bind(company_id)
    .bind(day)
    .fetch_optional(conn)
    .await?;
    Ok(count.unwrap_or(0))
}

/// Counts one upload refused whole on `day`; the day's refusals with it.
pub async fn count_refused_upload(
    conn: &mut AnyConnection,
    company_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    add_to_count(conn, QuotaCount::Refused, company_id, day).await
}

/// Uploads landed on `day`, without locking (for display and early refusals).
pub async fn quota_used(
    conn: &mut AnyConnection,
    company_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    quota_count(conn, QuotaCount::Used, company_id, day).await
}

/// The answer given to an earlier upload of this token with this idempotency key, since `since`.
#[derive(sqlx::FromRow)]
pub struct KeyedAnswer {
    pub summary: String,
    /// `None` for uploads recorded before fingerprints were kept.
    pub fingerprint: Option<String>,
}

pub async fn answer_for_key(
    conn: &mut AnyConnection,
    company_id: &str,
    token_id: Option<i64>,
    key: &str,
    since: &str,
) -> Result<Option<KeyedAnswer>, sqlx::Error> {
    sqlx::query_as(
        "SELECT summary, idempotency_fingerprint AS fingerprint FROM uploads
         WHERE company_id = $1 AND token_id = $2 AND idempotency_key = $3 AND created_at >= $4",
    )
    .bind(company_id)
    .bind(token_id)
    .bind(key)
    .bind(since)
    .fetch_optional(conn)
    .await
}

/// Frees a token's key last used before `since`, so it may name a new upload.
pub async fn expire_key(
    conn: &mut AnyConnection,
    company_id: &str,
    token_id: Option<i64>,
    key: &str,
    since: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE uploads SET idempotency_key = NULL
         WHERE company_id = $1 AND token_id = $2 AND idempotency_key = $3 AND created_at < $4",
    )
    .bind(company_id)
    .bind(token_id)
    .bind(key)
    .bind(since)
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewUpload<'a> {
    pub company_id: &'a str,
    pub method: UploadMethod,
    pub account_id: Option<i64>,
    pub token_id: Option<i64>,
    pub file_name: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub idempotency_fingerprint: Option<&'a str>,
    pub quota_day: &'a str,
    pub now: &'a str,
}

/// Records the upload (its counts are filled in by [`finish_upload`] before commit).
pub async fn insert_upload(
    conn: &mut AnyConnection,
    upload: &NewUpload<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO uploads (company_id, method, account_id, token_id, file_name, idempotency_key,
             idempotency_fingerprint, quota_day, rows_read, accepted, rejected, summary, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, 0, '', $9) RETURNING id",
    )
    .bind(upload.company_id)
    .bind(upload.method.as_str())
    .bind(upload.account_id)
    .bind(upload.token_id)
    .bind(upload.file_name)
    .bind(upload.idempotency_key)
    .bind(upload.idempotency_fingerprint)
    .bind(upload.quota_day)
    .bind(upload.now)
    .fetch_one(conn)
    .await
}

pub struct UploadCounts {
    pub rows: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub no_longer_seen: u64,
}

pub async fn finish_upload(
    conn: &mut AnyConnection,
    company_id: &str,
    upload_id: i64,
    counts: &UploadCounts,
    summary_json: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE uploads SET rows_read = $1, accepted = $2, rejected = $3, no_longer_seen = $4, summary = $5
         WHERE company_id = $6 AND id = $7",
    )
    .bind(counts.rows as i64)
    .bind(counts.accepted as i64)
    .bind(counts.rejected as i64)
    .bind(counts.no_longer_seen as i64)
    .bind(summary_json)
    .bind(company_id)
    .bind(upload_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What one device write of an upload shares.
pub struct DeviceWrite<'a> {
    pub backend: Backend,
    pub company_id: &'a str,
    pub upload_id: i64,
    pub token_id: Option<i64>,
    pub now: &'a str,
}

/// One accepted device with its line in the file and its coverage decision.
pub struct DecidedDevice {
    pub line: u64,
    pub device: CheckedDevice,
    pub decision: Decision,
}

/// What writing a chunk of devices wrote. A device the upload already wrote from an earlier line
/// (the same identity twice in one file) is not written again.
pub enum Written {
    /// Each device written, and whether this upload added it (PostgreSQL).
    Each(Vec<(String, bool)>),
    /// How many were written (SQLite: sqlx's driver hands each returned row to the async side
    /// with a thread wake-up, 7 µs a row; the upload counts what it added from the company's
    /// devices before and after instead, exact since its transaction is the only writer).
    Count(u64),
}

/// Adds or updates a chunk of devices (identities distinct within the chunk): on PostgreSQL each
/// device written with whether it is new, on SQLite how many were written.
pub async fn upsert_devices(
    conn: &mut AnyConnection,
    write: &DeviceWrite<'_>,
    chunk: &[DecidedDevice],
) -> Result<Written, sqlx::Error> {
    // What every row shares is bound once per statement (7 parameters); each row binds 21.
    let mut sql = String::from(
        "INSERT INTO devices (company_id, coverage_computed_at, coverage_since, coverage_cause, \
         first_upload_id, last_upload_id, seen_by_token_id, identity_key, serial_number, product_id, \
         hostname, ip_address, mac_address, software_type, software_version, site, serial_key, \
         pid_key, mac_key, release_key, upload_line, status, reason, registry_pid, contract_number, \
         service_level, coverage_start, coverage_end) SELECT ",
    );
    push_placeholders(&mut sql, write.backend, 1, 7);
    sql.push_str(
        ", v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, \
         v.column9, v.column10, v.column11, v.column12, v.column13, v.column14, v.column15, \
         v.column16, v.column17, v.column18, v.column19, v.column20, v.column21 \
         FROM (VALUES ",
    );
    push_value_rows(&mut sql, write.backend, 8, 21, chunk.len());
    sql.push_str(
        ") AS v WHERE true \
         ON CONFLICT (company_id, identity_key) DO UPDATE SET serial_number = excluded.serial_number, \
         product_id = excluded.product_id, hostname = excluded.hostname, ip_address = excluded.ip_address, \
         mac_address = excluded.mac_address, software_type = excluded.software_type, \
         software_version = excluded.software_version, \
         site = excluded.site, serial_key = excluded.serial_key, pid_key = excluded.pid_key, \
         mac_key = excluded.mac_key, release_key = excluded.release_key, \
         last_upload_id = excluded.last_upload_id, upload_line = excluded.upload_line, \
         seen_by_token_id = COALESCE(excluded.seen_by_token_id, devices.seen_by_token_id), \
         no_longer_seen_at = NULL, status = excluded.status, reason = excluded.reason, \
         registry_pid = excluded.registry_pid, contract_number = excluded.contract_number, \
         service_level = excluded.service_level, coverage_start = excluded.coverage_start, \
         coverage_end = excluded.coverage_end, coverage_computed_at = excluded.coverage_computed_at, \
         coverage_since = CASE WHEN devices.status = excluded.status \
             AND devices.contract_number IS NOT DISTINCT FROM excluded.contract_number \
             THEN devices.coverage_since ELSE excluded.coverage_since END, \
         coverage_cause = CASE WHEN devices.status = excluded.status \
             AND devices.contract_number IS NOT DISTINCT FROM excluded.contract_number \
             THEN devices.coverage_cause ELSE excluded.coverage_cause END \
         WHERE devices.last_upload_id <> excluded.last_upload_id",
    );
    if write.backend == Backend::Postgres {
        sql.push_str(" RETURNING identity_key, first_upload_id");
    }
    let mut query = sqlx::query(&sql)
        .bind(write.company_id)
        .bind(write.now)
        .bind(write.now)
        .bind(Cause::Upload)
        .bind(write.upload_id)
        .bind(write.upload_id)
        .bind(write.token_id);
    for decided in chunk {
        let device = &decided.device;
        let fields = &device.fields;
        query = query
            .bind(&device.identity_key)
            .bind(&fields.serial_number)
            .bind(&fields.product_id)
            .bind(&fields.hostname)
            .bind(&fields.ip_address)
            .bind(&fields.mac_address)
            .bind(&fields.software_type)
            .bind(&fields.software_version)
            .bind(&fields.site)
            .bind(&device.serial_key)
            .bind(&device.pid_key)
            .bind(&device.mac_key)
            .bind(&device.release_key)
            .bind(decided.line as i64);
        query = bind_decision(query, &decided.decision);
    }
    if write.backend == Backend::Sqlite {
        return Ok(Written::Count(query.execute(conn).await?.rows_affected()));
    }
    let mut written = Vec::with_capacity(chunk.len());
    for row in query.fetch_all(conn).await? {
        let (identity, first_upload): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
        written.push((identity, first_upload == write.upload_id));
    }
    Ok(Written::Each(written))
}

/// All the company's device rows, seen or not (what an upload on SQLite added is the difference
/// before and after it; see [`Written::Count`]).
pub async fn device_rows(conn: &mut AnyConnection, company_id: &str) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE company_id = $1")
        .bind(company_id)
        .fetch_one(conn)
        .await?;
    Ok(count as u64)
}

/// The lines this upload wrote some devices from (to name a duplicate's first occurrence).
pub async fn upload_lines(
    conn: &mut AnyConnection,
    write: &DeviceWrite<'_>,
    identities: &HashSet<&str>,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    // Every placeholder from the builder: on SQLite sqlx numbers plain `?` from the first argument
    // whatever `$N` precede them, so `$1 … IN (?, …)` bound the company id as an identity.
    let mut sql = String::from("SELECT identity_key, upload_line FROM devices WHERE company_id = ");
    push_placeholders(&mut sql, write.backend, 1, 1);
    sql.push_str(" AND last_upload_id = ");
    push_placeholders(&mut sql, write.backend, 2, 1);
    sql.push_str(" AND identity_key IN (");
    push_placeholders(&mut sql, write.backend, 3, identities.len());
    sql.push(')');
    let mut query = sqlx::query_as::<_, (String, i64)>(&sql)
        .bind(write.company_id)
        .bind(write.upload_id);
    for identity in identities {
        query = query.bind(*identity);
    }
    Ok(query.fetch_all(conn).await?.into_iter().collect())
}

/// The devices a collector reported before that are missing from its upload `write.upload_id`.
pub async fn count_missing_from_upload(
    conn: &mut AnyConnection,
    write: &DeviceWrite<'_>,
) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM devices
         WHERE company_id = $1 AND seen_by_token_id = $2 AND last_upload_id <> $3 AND no_longer_seen_at IS NULL",
    )
    .bind(write.company_id)
    .bind(write.token_id)
    .bind(write.upload_id)
    .fetch_one(conn)
    .await?;
    Ok(count as u64)
}

/// The company's devices still seen (its inventory, less what collectors no longer report).
pub async fn devices_seen(conn: &mut AnyConnection, company_id: &str) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM devices WHERE company_id = $1 AND no_longer_seen_at IS NULL",
    )
    .bind(company_id)
    .fetch_one(conn)
    .await?;
    Ok(count as u64)
}

/// After a collector's replace upload: its devices it did not report this time are no longer
/// seen.
pub async fn mark_no_longer_seen(
    conn: &mut AnyConnection,
    write: &DeviceWrite<'_>,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE devices SET no_longer_seen_at = $1
         WHERE company_id = $2 AND seen_by_token_id = $3 AND last_upload_id <> $4 AND no_longer_seen_at IS NULL",
    )
    .bind(write.now)
    .bind(write.company_id)
    .bind(write.token_id)
    .bind(write.upload_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Whether the company has an upload with this id (without reading its summary, which may be
/// megabytes).
pub async fn upload_exists(
    conn: &mut AnyConnection,
    company_id: &str,
    upload_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM uploads WHERE company_id = $1 AND id = $2")
            .bind(company_id)
            .bind(upload_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// The stored summary (JSON) of one of the company's uploads.
pub async fn upload_summary(
    conn: &mut AnyConnection,
    company_id: &str,
    upload_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT summary FROM uploads WHERE company_id = $1 AND id = $2")
        .bind(company_id)
        .bind(upload_id)
        .fetch_optional(conn)
        .await
}

pub async fn recent_uploads(
    conn: &mut AnyConnection,
    company_id: &str,
    limit: i64,
) -> Result<Vec<UploadItem>, sqlx::Error> {
    let rows: Vec<UploadRow> = sqlx::query_as(
        "SELECT u.id, u.created_at, u.method, a.full_name AS person, t.name AS token_name, u.file_name,
                u.accepted, u.rejected, u.no_longer_seen
         FROM uploads u
         LEFT JOIN accounts a ON a.id = u.account_id
         LEFT JOIN collector_tokens t ON t.id = u.token_id AND t.company_id = u.company_id
         WHERE u.company_id = $1
         ORDER BY u.id DESC LIMIT $2",
    )
    .bind(company_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| UploadItem {
            upload_id: row.id,
            received_at: row.created_at,
            method: UploadMethod::parse(&row.method).unwrap_or(UploadMethod::Csv),
            by: row
                .person
                .or(row.token_name.map(|name| format!("token “{name}”")))
                .unwrap_or_default(),
            file_name: row.file_name,
            accepted: row.accepted as u64,
            rejected: row.rejected as u64,
            no_longer_seen: row.no_longer_seen as u64,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct UploadRow {
    id: i64,
    created_at: String,
    method: String,
    person: Option<String>,
    token_name: Option<String>,
    file_name: String,
    accepted: i64,
    rejected: i64,
    no_longer_seen: i64,
}

pub async fn device_count(conn: &mut AnyConnection, company_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE company_id = $1")
        .bind(company_id)
        .fetch_one(conn)
        .await
}

/// Counts the company's devices again for what the alert summaries read instead of them: per
/// (product, software type, release) into `device_groups`, then those field notices narrowed to
/// serial numbers affect; run in the transaction that changed them.
pub async fn refresh_device_summaries(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM device_groups WHERE company_id = $1")
        .bind(company_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO device_groups (company_id, pid_key, software_type, release_key, devices)
         SELECT company_id, pid_key, software_type, release_key, COUNT(*) FROM devices
         WHERE company_id = $1 GROUP BY company_id, pid_key, software_type, release_key",
    )
    .bind(company_id)
    .execute(&mut *conn)
    .await?;
    crate::alerts::queries::refresh_notice_serial_matches(conn, Some(company_id)).await
}

/// Removes the company's devices and the product ID corrections made on them; its upload history
/// stays.
pub async fn delete_devices(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM devices WHERE company_id = $1")
        .bind(company_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    // A fresh start: corrections made on those devices would otherwise rewrite the next upload.
    sqlx::query("DELETE FROM pid_corrections WHERE company_id = $1")
        .bind(company_id)
        .execute(&mut *conn)
        .await?;
    refresh_device_summaries(conn, company_id).await?;
    Ok(deleted)
}

/// The columns of a device with its coverage, over `devices d`. When it was first and last seen
/// come from its uploads; it was last computed at its own time or the company's last refresh,
/// whichever is later (a refresh rewrites only the devices whose coverage changed).
/// What is the device's own ([`DeviceFacts`])…
macro_rules! device_fact_columns {
    () => {
        "d.id, d.serial_number, d.product_id, d.hostname, d.ip_address, d.mac_address,
    d.software_type, d.software_version, d.site, COALESCE(f.created_at, '') AS first_seen_at,
    COALESCE(l.created_at, '') AS last_seen_at, d.no_longer_seen_at, d.status, d.reason,
    d.registry_pid, d.contract_number, d.service_level, d.coverage_start, d.coverage_end,
    CASE WHEN r.computed_at > d.coverage_computed_at THEN r.computed_at ELSE d.coverage_computed_at END
        AS coverage_computed_at"
    };
}

/// …and the tables they come from: `devices d`, when it was first and last uploaded, the
/// company's last refresh.
macro_rules! device_fact_tables {
    () => {
        "FROM devices d
    LEFT JOIN uploads f ON f.id = d.first_upload_id AND f.company_id = d.company_id
    LEFT JOIN uploads l ON l.id = d.last_upload_id AND l.company_id = d.company_id
    LEFT JOIN coverage_refreshes r ON r.company_id = d.company_id"
    };
}

/// What every device of a product and release shares ([`GroupAlerts`]), over a row `d` with
/// `pid_key`, `software_type` and `release_key` (a device, or a `device_groups` row)… Whether
/// advisory data covers its software type is asked of `release_exposure` (a row per release an
/// advisory lists, so the same types): PostgreSQL hashes the whole table to answer, and
/// `advisory_releases` (250,000 rows at the benchmark's scale) cost every page 30-90 ms.
macro_rules! group_alert_columns {
    () => {
        "eb.bulletin_number AS eox_bulletin, COALESCE(eb.title, '') AS eox_title,
    COALESCE(eb.url, '') AS eox_url, COALESCE(ep.replacement_pid, '') AS eox_replacement,
    COALESCE(ep.migration_note, '') AS eox_migration_note,
    COALESCE(eb.announcement_date, '') AS announcement_date,
    COALESCE(eb.end_of_sale, '') AS end_of_sale, COALESCE(eb.last_ship, '') AS last_ship,
    COALESCE(eb.end_of_software_maintenance, '') AS end_of_software_maintenance,
    COALESCE(eb.end_of_security_support, '') AS end_of_security_support,
    COALESCE(eb.end_of_routine_failure_analysis, '') AS end_of_routine_failure_analysis,
    COALESCE(eb.end_of_new_service_attachment, '') AS end_of_new_service_attachment,
    COALESCE(eb.end_of_service_contract_renewal, '') AS end_of_service_contract_renewal,
    COALESCE(eb.last_date_of_support, '') AS last_date_of_support,
    se.release_train AS sw_train, se.bulletin_number AS sw_bulletin,
    COALESCE(se.title, '') AS sw_title, COALESCE(se.url, '') AS sw_url,
    se.announcement_date || ' ' || se.end_of_sale || ' ' || se.last_ship || ' '
        || se.end_of_software_maintenance || ' ' || se.end_of_security_support || ' '
        || se.end_of_routine_failure_analysis || ' ' || se.end_of_new_service_attachment || ' '
        || se.end_of_service_contract_renewal || ' ' || se.last_date_of_support AS sw_milestones,
    COALESCE(rx.vulnerable, 0) AS advisories_vulnerable,
    COALESCE(rx.potentially, 0) AS advisories_potentially_vulnerable,
    rx.worst_rank AS advisories_worst_rank,
    CAST(CASE WHEN EXISTS (SELECT 1 FROM release_exposure ac
        WHERE ac.software_type = d.software_type) THEN 1 ELSE 0 END AS BIGINT)
        AS advisory_type_covered"
    };
}

/// …joined from the end-of-life bulletin listing its product, its release's exposure to
/// advisories and its release train's end of life.
macro_rules! group_alert_tables {
    () => {
        concat!(
            "LEFT JOIN eox_products ep ON ep.pid_key = d.pid_key
    LEFT JOIN eox_bulletins eb ON eb.bulletin_number = ep.bulletin_number
    LEFT JOIN release_exposure rx
        ON rx.software_type = d.software_type AND rx.release_key = d.release_key
    LEFT JOIN software_eox se ON ",
            crate::train_match_sql!()
        )
    };
}

/// A device's facts, its group's alerts and the field notices affecting it, evaluated listing by
/// listing…
macro_rules! device_columns {
    () => {
        concat!(
            device_fact_columns!(),
            ",\n    ",
            group_alert_columns!(),
            ",\n    (SELECT COUNT(*) FROM field_notice_products fp WHERE ",
            crate::notice_affected_sql!(),
            ") AS field_notices"
        )
    };
}

/// `SELECT {DEVICE_COLUMNS} WHERE …` reads [`DeviceRow`]s (for a page of devices; a whole
/// inventory is read through [`bulk_read`]).
pub const DEVICE_COLUMNS: &str = concat!(
    device_columns!(),
    "\n    ",
    device_fact_tables!(),
    "\n    ",
    group_alert_tables!()
);
/// The columns of [`DEVICE_COLUMNS`] alone, to add others before [`DEVICE_TABLES`].
pub const DEVICE_COLUMNS_WITHOUT_FROM: &str = device_columns!();
pub const DEVICE_TABLES: &str = concat!(device_fact_tables!(), "\n    ", group_alert_tables!());
/// [`DeviceFacts`] columns and their tables, for [`bulk_read`].
pub(crate) const DEVICE_FACT_COLUMNS: &str = device_fact_columns!();
pub(crate) const DEVICE_FACT_TABLES: &str = device_fact_tables!();
/// [`GroupAlerts`] columns and their tables over a row `d`, for [`bulk_read`].
pub(crate) const GROUP_ALERT_COLUMNS: &str = group_alert_columns!();
pub(crate) const GROUP_ALERT_TABLES: &str = group_alert_tables!();

/// A device as its own row says.
#[derive(sqlx::FromRow)]
pub struct DeviceFacts {
    id: i64,
    serial_number: String,
    product_id: String,
    hostname: String,
    ip_address: String,
    mac_address: String,
    software_type: String,
    software_version: String,
    site: String,
    first_seen_at: String,
    last_seen_at: String,
    no_longer_seen_at: Option<String>,
    status: Status,
    reason: Option<ReasonCode>,
    registry_pid: Option<String>,
    contract_number: Option<String>,
    service_level: Option<String>,
    coverage_start: Option<String>,
    coverage_end: Option<String>,
    coverage_computed_at: String,
}

/// What every device of one product and release shares: the end-of-life bulletins of its product
/// and release train, and its release's exposure to advisories.
#[derive(sqlx::FromRow, Clone)]
pub struct GroupAlerts {
    /// The bulletin listing the device's product; the fields below are empty without one.
    eox_bulletin: Option<String>,
    eox_title: String,
    eox_url: String,
    eox_replacement: String,
    eox_migration_note: String,
    #[sqlx(flatten)]
    eox_milestones: Milestones,
    advisories_vulnerable: i64,
    advisories_potentially_vulnerable: i64,
    advisories_worst_rank: Option<i64>,
    advisory_type_covered: i64,
    /// The release train's end of life; the fields below are empty without one.
    sw_train: Option<String>,
    sw_bulletin: Option<String>,
    sw_title: String,
    sw_url: String,
    sw_milestones: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct DeviceRow {
    #[sqlx(flatten)]
    pub(crate) facts: DeviceFacts,
    #[sqlx(flatten)]
    pub(crate) alerts: GroupAlerts,
    pub(crate) field_notices: i64,
}

impl DeviceRow {
    /// The device as shown on `today` (`YYYY-MM-DD`: where it stands in its end of life).
    pub fn record(self, today: &str) -> DeviceRecord {
        let DeviceRow {
            facts: f,
            alerts: a,
            field_notices,
        } = self;
        let hardware_end_of_life = a.eox_bulletin.map(|bulletin| {
            HardwareEndOfLife::on(
                today,
                bulletin,
                a.eox_title,
                a.eox_url,
                a.eox_milestones,
                a.eox_replacement,
                a.eox_migration_note,
            )
        });
        let software_end_of_life = match (a.sw_train, a.sw_bulletin, &a.sw_milestones) {
            (Some(train), Some(bulletin), Some(joined)) => Milestones::from_joined(joined)
                .map(|milestones| {
                    SoftwareEndOfLife::on(
                        today,
                        f.software_type.clone(),
                        train,
                        bulletin,
                        a.sw_title,
                        a.sw_url,
                        milestones,
                    )
                }),
            _ => None,
        };
        let security = assess(&AdvisoryMatches {
            software_type: &f.software_type,
            software_version: &f.software_version,
            type_covered: a.advisory_type_covered > 0,
            vulnerable: a.advisories_vulnerable as u32,
            potentially_vulnerable: a.advisories_potentially_vulnerable as u32,
            highest_severity: a.advisories_worst_rank.and_then(Severity::from_rank),
        });
        let days_left = matches!(f.status, Status::Covered | Status::Expiring)
            .then(|| {
                f.coverage_end
                    .as_deref()
                    .and_then(|end| crate::platform::clock::days_between(today, end))
            })
            .flatten();
        let coverage = DeviceCoverage {
            days_left,
            status: f.status,
            reason: f.reason,
            registry_product_id: f.registry_pid,
            contract_number: f.contract_number,
            service_level: f.service_level,
            start_date: f.coverage_start,
            end_date: f.coverage_end,
            computed_at: f.coverage_computed_at,
        };
        DeviceRecord {
            id: f.id,
            serial_number: f.serial_number,
            product_id: f.product_id,
            hostname: f.hostname,
            ip_address: f.ip_address,
            mac_address: f.mac_address,
            software_type: f.software_type,
            software_version: f.software_version,
            site: f.site,
            first_seen_at: f.first_seen_at,
            last_seen_at: f.last_seen_at,
            no_longer_seen_at: f.no_longer_seen_at,
            coverage,
            hardware_end_of_life,
            security,
            field_notices: field_notices as u32,
            software_end_of_life,
        }
    }
}


/// The company's product ID corrections, to read its uploads with.
pub async fn pid_corrections(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<crate::inventory::corrections::PidCorrections, sqlx::Error> {
    let pairs: Vec<(String, String)> = sqlx::query_as(
        "SELECT reported_identity, corrected_product_id FROM pid_corrections WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    Ok(crate::inventory::corrections::PidCorrections::new(pairs))
}

/// The company's remembered column choices: header signature → choice text
/// (`inventory::columns::column_choice_text`).
pub async fn column_choices(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT header_signature, columns FROM column_choices WHERE company_id = $1")
        .bind(company_id)
        .fetch_all(conn)
        .await
}

pub async fn remember_column_choice(
    conn: &mut AnyConnection,
    company_id: &str,
    signature: &str,
    columns: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO column_choices (company_id, header_signature, columns, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (company_id, header_signature)
         DO UPDATE SET columns = excluded.columns, updated_at = excluded.updated_at",
    )
    .bind(company_id)
    .bind(signature)
    .bind(columns)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn forget_column_choice(
    conn: &mut AnyConnection,
    company_id: &str,
    signature: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM column_choices WHERE company_id = $1 AND header_signature = $2")
        .bind(company_id)
        .bind(signature)
        .execute(conn)
        .await?;
    Ok(())
}

/// Refreshes PostgreSQL's statistics of the devices table (after a bulk load).
pub async fn analyze_devices(pool: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("ANALYZE devices").execute(pool).await?;
    Ok(())
}
