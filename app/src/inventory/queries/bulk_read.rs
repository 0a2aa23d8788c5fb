//! Reading a whole inventory (the Library's exports, the API's device lists) at the speed of the
//! devices table. A page reads each device with its alerts in one row ([`super::DEVICE_COLUMNS`]),
//! which costs every device a walk of its product's notice listings and a dozen joined columns;
//! across a million devices that is most of the time. Here what a device shares with the others
//! of its product and release ([`GroupAlerts`], the notices affecting it whatever its serial) is
//! read once per group, and each device row carries only its own facts and the notices narrowed
//! to serial numbers that hold its serial. The answers are the page's (tested side by side).
//!
//! On SQLite the rows are read through SQLite's own API on a blocking thread (see
//! `Database::sqlite_reader`: sqlx's driver hands each row over with a thread wake-up), and on
//! PostgreSQL by sqlx; either way they arrive in batches over a channel ([`read`]).

use std::collections::HashMap;

use futures_util::TryStreamExt;
use tokio::sync::mpsc;

use super::{
    DeviceFacts, DeviceRow, GroupAlerts, DEVICE_FACT_COLUMNS, DEVICE_FACT_TABLES,
    GROUP_ALERT_COLUMNS, GROUP_ALERT_TABLES,
};
use crate::{
    alerts::notices::{listing_affects_whatever_the_serial_sql, serial_narrowed_notices_sql},
    inventory::DeviceRecord,
    platform::{db::sqlite_read_failure, Database},
};

/// A device row of [`device_columns`]: its facts and what finds its group.
#[derive(sqlx::FromRow)]
pub struct BulkDeviceRow {
    #[sqlx(flatten)]
    facts: DeviceFacts,
    pid_key: String,
    release_key: String,
    serial_notices: i64,
    /// Where a page in identity order ends.
    pub identity_key: String,
}

impl BulkDeviceRow {
    /// The row as SQLite's own API reads it, columns in [`device_columns`] order.
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(BulkDeviceRow {
            facts: DeviceFacts {
                id: row.get(0)?,
                serial_number: row.get(1)?,
                product_id: row.get(2)?,
                hostname: row.get(3)?,
                ip_address: row.get(4)?,
                mac_address: row.get(5)?,
                software_type: row.get(6)?,
                software_version: row.get(7)?,
                site: row.get(8)?,
                first_seen_at: row.get(9)?,
                last_seen_at: row.get(10)?,
                no_longer_seen_at: row.get(11)?,
                status: row.get(12)?,
                reason: row.get(13)?,
                registry_pid: row.get(14)?,
                contract_number: row.get(15)?,
                service_level: row.get(16)?,
                coverage_start: row.get(17)?,
                coverage_end: row.get(18)?,
                coverage_computed_at: row.get(19)?,
            },
            pid_key: row.get(20)?,
            release_key: row.get(21)?,
            serial_notices: row.get(22)?,
            identity_key: row.get(23)?,
        })
    }
}

/// `SELECT {device_columns()} WHERE …` reads [`BulkDeviceRow`]s of `devices d`.
pub fn device_columns() -> String {
    format!(
        "{DEVICE_FACT_COLUMNS}, d.pid_key, d.release_key, {} AS serial_notices, d.identity_key \
         {DEVICE_FACT_TABLES}",
        serial_narrowed_notices_sql()
    )
}

/// How many rows travel together from the reading thread or task.
const BATCH: usize = 1_000;

/// The longest a bulk read may last on PostgreSQL: 30 minutes.
const BULK_STATEMENT_TIMEOUT_MS: u64 = 30 * 60 * 1000;

/// The rows of `sql` (a `SELECT` of [`device_columns`] with `binds` for its placeholders, in
/// order), in batches: read on a connection of their own, so a reader may stop anywhere. An
/// error ends the rows.
pub fn read(
    db: &Database,
    sql: String,
    binds: Vec<String>,
) -> mpsc::Receiver<Result<Vec<BulkDeviceRow>, sqlx::Error>> {
    let (sender, receiver) = mpsc::channel(2);
    match db.sqlite_reader() {
        Some(reader) => {
            tokio::task::spawn_blocking(move || {
                let read = reader.and_then(|conn| {
                    let mut statement = conn.prepare(&sql)?;
                    let mut rows = statement.query(rusqlite::params_from_iter(binds))?;
                    let mut batch = Vec::with_capacity(BATCH);
                    while let Some(row) = rows.next()? {
                        batch.push(BulkDeviceRow::from_sqlite(row)?);
                        if batch.len() == BATCH {
                            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                            if sender.blocking_send(Ok(full)).is_err() {
                                return Ok(()); // nobody reads any more
                            }
                        }
                    }
                    if !batch.is_empty() {
                        let _ = sender.blocking_send(Ok(batch));
                    }
                    Ok(())
                });
                if let Err(error) = read {
                    let _ = sender.blocking_send(Err(sqlite_read_failure(error)));
                }
            });
        }
        None => {
            let db = db.clone();
            tokio::spawn(async move {
                let read = async {
                    let mut conn = db.dedicated_connection().await?;
                    // The statement lasts as long as its reader takes (a download of a million
                    // devices to a slow client), far past the pool's limit on one statement.
                    sqlx::query(&format!("SET statement_timeout = {}", BULK_STATEMENT_TIMEOUT_MS))
                        .execute(&mut conn)
                        .await?;
                    let mut query = sqlx::query_as::<_, BulkDeviceRow>(&sql);
                    for value in &binds {
                        query = query.bind(value);
                    }
                    let mut rows = query.fetch(&mut conn);
                    let mut batch = Vec::with_capacity(BATCH);
                    while let Some(row) = rows.try_next().await? {
                        batch.push(row);
                        if batch.len() == BATCH {
                            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                            if sender.send(Ok(full)).await.is_err() {
                                return Ok(());
                            }
                        }
                    }
                    if !batch.is_empty() {
                        let _ = sender.send(Ok(batch)).await;
                    }
                    Ok::<_, sqlx::Error>(())
                };
                if let Err(error) = read.await {
                    let _ = sender.send(Err(error)).await;
                }
            });
        }
    }
    receiver
}

/// A product and release: `(pid_key, software_type, release_key)`.
type GroupKey = (String, String, String);

#[derive(sqlx::FromRow)]
struct GroupRow {
    pid_key: String,
    software_type: String,
    release_key: String,
    #[sqlx(flatten)]
    alerts: GroupAlerts,
    notices_whatever_the_serial: i64,
}

/// The group columns over the rows `d` of `source` (`… d`) that meet `condition`.
fn group_sql(source: &str, condition: &str) -> String {
    format!(
        "SELECT d.pid_key, d.software_type, d.release_key, {GROUP_ALERT_COLUMNS}, \
         (SELECT COUNT(*) FROM field_notice_products fp WHERE fp.pid_key = d.pid_key AND {}) \
             AS notices_whatever_the_serial \
         FROM {source} {GROUP_ALERT_TABLES} WHERE {condition}",
        listing_affects_whatever_the_serial_sql("fp", "d")
    )
}

/// Turns [`BulkDeviceRow`]s of one company into records, with the alerts of each product and
/// release read once.
pub struct GroupedRecords {
    today: String,
    groups: HashMap<GroupKey, (GroupAlerts, i64)>,
}

impl GroupedRecords {
    /// Reads the alerts of the company's products and releases (its `device_groups`).
    pub async fn of_company(db: &Database, company_id: &str) -> Result<Self, sqlx::Error> {
        let rows: Vec<GroupRow> =
            sqlx::query_as(&group_sql("device_groups d", "d.company_id = $1"))
        .bind(company_id)
        .fetch_all(db.pool())
        .await?;
        let groups = rows
            .into_iter()
            .map(|row| {
                let key = (row.pid_key, row.software_type, row.release_key);
                (key, (row.alerts, row.notices_whatever_the_serial))
            })
            .collect();
        Ok(GroupedRecords {
            today: crate::platform::clock::date_today(),
            groups,
        })
    }

    /// The device of `row` as shown today. A group the company's counts did not have yet (an
    /// upload landed after they were read) is read then, once.
    pub async fn record(
        &mut self,
        db: &Database,
        row: BulkDeviceRow,
    ) -> Result<DeviceRecord, sqlx::Error> {
        let key = (row.pid_key, row.facts.software_type.clone(), row.release_key);
        if !self.groups.contains_key(&key) {
            let group: GroupRow = sqlx::query_as(&group_sql(
                "(SELECT CAST($1 AS TEXT) AS pid_key, CAST($2 AS TEXT) AS software_type, \
                 CAST($3 AS TEXT) AS release_key) d",
                "1 = 1",
            ))
            .bind(&key.0)
            .bind(&key.1)
            .bind(&key.2)
            .fetch_one(db.pool())
            .await?;
            self.groups.insert(
                key.clone(),
                (group.alerts, group.notices_whatever_the_serial),
            );
        }
        let (alerts, notices) = &self.groups[&key];
        Ok(DeviceRow {
            facts: row.facts,
            alerts: alerts.clone(),
            field_notices: notices + row.serial_notices,
        }
        .record(&self.today))
    }

    /// Every device `sql` (with `binds`, read by [`read`]) finds, in its order, each with its
    /// identity key.
    pub async fn read_all(
        &mut self,
        db: &Database,
        sql: String,
        binds: Vec<String>,
        capacity: usize,
    ) -> Result<Vec<(String, DeviceRecord)>, sqlx::Error> {
        let mut batches = read(db, sql, binds);
        let mut devices = Vec::with_capacity(capacity);
        while let Some(batch) = batches.recv().await {
            for mut row in batch? {
                let key = std::mem::take(&mut row.identity_key);
                devices.push((key, self.record(db, row).await?));
            }
        }
        Ok(devices)
    }
}

/// The company's devices after id `after`, in id order, at most `limit`: one of many pages read in
/// turn (keyset pages, so a million devices stream without a long-held read), each product and
/// release's alerts from `records`.
pub async fn devices_after(
    db: &Database,
    records: &mut GroupedRecords,
    company_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<DeviceRecord>, sqlx::Error> {
    // The numbers are written into the statement: every value bound is text.
    let sql = format!(
        "SELECT {} WHERE d.company_id = {} AND d.id > {after} ORDER BY d.id LIMIT {limit}",
        device_columns(),
        crate::platform::sql::placeholder(db.backend(), 1)
    );
    let binds = vec![company_id.to_owned()];
    let devices = records
        .read_all(db, sql, binds, limit.max(0) as usize)
        .await?;
    Ok(devices.into_iter().map(|(_, device)| device).collect())
}

