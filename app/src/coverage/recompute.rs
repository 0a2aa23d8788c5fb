//! Keeping coverage current after the registry changes, or on request: devices are read a page at
//! a time, decided again from the registry, and only those whose coverage changed are rewritten
//! (their earlier period goes to `coverage_history` through the database trigger); the rest get a
//! new `coverage_computed_at`. Each page is its own short transaction, so a big recompute never
//! holds the write lock for long.

use std::collections::HashSet;

use tokio::sync::mpsc;

use super::{
    decision::{Decision, DeviceKeys, Reason},
    lines::{candidate_lines, clock_now, CandidateLines},
    queries, sqlite_read, Cause, ReasonCode, Recomputed, Status,
};
use crate::platform::{
    clock::timestamp_now, db::sqlite_read_failure, retry::retry_conflicts, Database,
};

const PAGE: usize = 2000;

/// Which devices to decide again.
#[derive(Debug, Clone)]
pub(super) enum Scope {
    Company(String),
    /// Devices, in every company, with one of these serial keys.
    Serials(Vec<String>),
    /// Devices without a serial number, in every company, with one of these MAC keys.
    Macs(Vec<String>),
}

/// Devices to decide, with the registry lines that can decide them.
pub(super) struct Batch {
    pub devices: Vec<CurrentRow>,
    pub lines: CandidateLines,
}

#[derive(sqlx::FromRow)]
pub(super) struct CurrentRow {
    pub id: i64,
    pub serial_key: String,
    pub pid_key: String,
    pub mac_key: String,
    pub status: Status,
    pub reason: Option<ReasonCode>,
    pub registry_pid: Option<String>,
    pub contract_number: Option<String>,
    pub service_level: Option<String>,
    pub coverage_start: Option<String>,
    pub coverage_end: Option<String>,
}

impl CurrentRow {
    fn keys(&self) -> DeviceKeys {
        DeviceKeys {
            serial_key: self.serial_key.clone(),
            pid_key: self.pid_key.clone(),
            mac_key: self.mac_key.clone(),
        }
    }

    /// Whether `decision` says something else than what the device shows.
    fn differs_from(&self, decision: &Decision) -> bool {
        let (reason, registry_pid) = Reason::stored(&decision.reason);
        let line = decision.line.as_ref();
        self.status != decision.status
            || self.reason != reason
            || self.registry_pid.as_deref() != registry_pid
            || self.contract_number.as_deref() != line.map(|l| l.contract_number.as_str())
            || self.service_level.as_deref() != line.map(|l| l.service_level.as_str())
            || self.coverage_start.as_deref() != line.map(|l| l.start_date.as_str())
            || self.coverage_end.as_deref() != line.map(|l| l.end_date.as_str())
    }
}

/// Decides every device of one company again (*Refresh coverage now*).
pub async fn recompute_company(
    db: &Database,
    company_id: &str,
    window_days: u32,
    cause: Cause,
) -> Result<Recomputed, sqlx::Error> {
    recompute(
        db,
        Scope::Company(company_id.to_owned()),
        window_days,
        cause,
    )
    .await
}

/// Decides again, in every company, the devices whose serial numbers (or MAC addresses) registry
/// change `change_id` touched: its new or changed lines, and the lines of its changed contracts.
pub async fn recompute_change(
    db: &Database,
    change_id: i64,
    window_days: u32,
) -> Result<Recomputed, sqlx::Error> {
    let touched = match db.sqlite_reader() {
        Some(reader) => tokio::task::spawn_blocking(move || {
            reader.and_then(|conn| sqlite_read::keys_touched_by(&conn, change_id))
        })
        .await
        .map_err(sqlite_read_failure)?
        .map_err(sqlite_read_failure)?,
        None => queries::keys_touched_by(&mut *db.pool().acquire().await?, change_id).await?,
    };
    let mut serials = HashSet::new();
    let mut macs = HashSet::new();
    for (serial, mac) in touched {
        if !serial.is_empty() {
            serials.insert(serial);
        }
        if !mac.is_empty() {
            macs.insert(mac);
        }
    }
    let serials: Vec<String> = serials.into_iter().collect();
    let macs: Vec<String> = macs.into_iter().collect();
    let mut total = Recomputed::default();
    // In slices, so each statement stays within the parameter limits.
    let scopes = serials
        .chunks(PAGE)
        .map(|slice| Scope::Serials(slice.to_vec()))
        .chain(macs.chunks(PAGE).map(|slice| Scope::Macs(slice.to_vec())));
    for scope in scopes {
        let done = recompute(db, scope, window_days, Cause::Registry).await?;
        total.devices += done.devices;
        total.changed += done.changed;
    }
    Ok(total)
}

/// Reads the devices of `scope` with their candidate lines in batches, on their own thread or
/// task, so the next batch is read while the last one is decided and written.
fn read_in_background(db: &Database, scope: Scope) -> mpsc::Receiver<Result<Batch, sqlx::Error>> {
    let (sender, receiver) = mpsc::channel(2);
    match db.sqlite_reader() {
        Some(reader) => {
            tokio::task::spawn_blocking(move || {
                let read = reader.and_then(|conn| {
                    sqlite_read::read_batches(&conn, &scope, PAGE, |batch| {
                        sender.blocking_send(Ok(batch)).is_ok()
                    })
                });
                if let Err(error) = read {
                    let _ = sender.blocking_send(Err(sqlite_read_failure(error)));
                }
            });
        }
        None => {
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(error) = read_pages(&db, &scope, &sender).await {
                    let _ = sender.send(Err(error)).await;
                }
            });
        }
    }
    receiver
}

/// The pooled-driver reader (PostgreSQL): a company's devices a page at a time by id, or all the
/// devices of some keys at once (the caller keeps the key lists short).
async fn read_pages(
    db: &Database,
    scope: &Scope,
    sender: &mpsc::Sender<Result<Batch, sqlx::Error>>,
) -> Result<(), sqlx::Error> {
    let backend = db.backend();
    let paged = matches!(scope, Scope::Company(_));
    let mut after = 0i64;
    loop {
        let mut conn = db.pool().acquire().await?;
        let devices = queries::devices_to_decide(&mut conn, backend, scope, after, PAGE).await?;
        let Some(last) = devices.last() else {
            return Ok(());
        };
        after = last.id;
        let serials: Vec<&str> = distinct(
            devices
                .iter()
                .filter(|d| !d.serial_key.is_empty())
                .map(|d| d.serial_key.as_str()),
        );
        let macs: Vec<&str> = distinct(
            devices
                .iter()
                .filter(|d| d.serial_key.is_empty())
                .map(|d| d.mac_key.as_str()),
        );
        let lines = candidate_lines(&mut conn, backend, &serials, &macs).await?;
        drop(conn);
        let full = devices.len() == PAGE;
        if sender.send(Ok(Batch { devices, lines })).await.is_err() || !paged || !full {
            return Ok(());
        }
    }
}

fn distinct<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    keys.collect::<HashSet<_>>().into_iter().collect()
}

async fn recompute(
    db: &Database,
    scope: Scope,
    window_days: u32,
    cause: Cause,
) -> Result<Recomputed, sqlx::Error> {
    let clock = clock_now(window_days);
    let started_at = timestamp_now();
    // A whole company's unchanged devices are stamped at once, at the end (`coverage_refreshes`).
    let refreshed_company = match &scope {
        Scope::Company(company_id) => Some(company_id.clone()),
        Scope::Serials(_) | Scope::Macs(_) => None,
    };
    let mut done = Recomputed::default();
    let mut batches = read_in_background(db, scope);
    while let Some(batch) = batches.recv().await {
        let Batch { devices, lines } = batch?;
        let changed: Vec<(i64, Decision)> = devices
            .iter()
            .map(|device| (device, lines.decide(&device.keys(), &clock)))
            .filter(|(device, decision)| device.differs_from(decision))
            .map(|(device, decision)| (device.id, decision))
            .collect();
        let stamped: Vec<i64> = match refreshed_company {
            Some(_) => Vec::new(),
            None => devices.iter().map(|d| d.id).collect(),
        };
        // A page's write is idempotent: when it loses a race (a deadlock with an upload on
        // PostgreSQL), it runs again.
        retry_conflicts(|| write_page(db, &stamped, &changed, cause, &started_at)).await?;
        done.devices += devices.len() as u64;
        done.changed += changed.len() as u64;
    }
    if let Some(company_id) = refreshed_company {
        let mut tx = db.begin_write().await?;
        queries::record_company_refresh(&mut tx, &company_id, &started_at).await?;
        tx.commit().await?;
    }
    Ok(done)
}

/// Rewrites the changed devices of a page and stamps the `stamped` ones as computed `now`.
async fn write_page(
    db: &Database,
    stamped: &[i64],
    changed: &[(i64, Decision)],
    cause: Cause,
    now: &str,
) -> Result<(), sqlx::Error> {
    if stamped.is_empty() && changed.is_empty() {
        return Ok(());
    }
    let backend = db.backend();
    let mut tx = db.begin_write().await?;
    queries::write_decisions(&mut tx, backend, changed, cause, now).await?;
    queries::stamp_computed(&mut tx, backend, stamped, now).await?;
    tx.commit().await
}
