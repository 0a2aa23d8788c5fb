//! Keeping coverage current after the registry changes, or on request: devices are read a page at
//! a time, decided again from the registry, and only those whose coverage changed are rewritten
//! (their earlier period goes to `coverage_history` through the database trigger); the rest get a
//! new `coverage_computed_at`. Each page is its own short transaction, so a big recompute never
//! holds the write lock for long.

use std::collections::HashSet;

use sqlx::AnyConnection;

use super::{
    decision::{Decision, DeviceKeys},
    lines::{candidate_lines, clock_now},
    Recomputed,
};
use crate::{
    inventory::queries::{reason_parts, status_text},
    server::{
        db::{push_placeholders, push_value_rows, timestamp_now},
        Backend, Database,
    },
};

const PAGE: usize = 2000;

/// Why coverage is being computed again; recorded as what started a device's new period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Registry,
    Refresh,
}

impl Cause {
    fn as_str(self) -> &'static str {
        match self {
            Cause::Registry => "registry",
            Cause::Refresh => "refresh",
        }
    }
}

/// Which devices to decide again.
enum Scope<'a> {
    Company(&'a str),
    /// Devices, in every company, with one of these serial keys (or, without a serial, MAC keys).
    Keys {
        serials: &'a [String],
        macs: &'a [String],
    },
}

#[derive(sqlx::FromRow)]
struct CurrentRow {
    id: i64,
    serial_key: String,
    pid_key: String,
    mac_key: String,
    status: String,
    reason: Option<String>,
    registry_pid: Option<String>,
    contract_number: Option<String>,
    service_level: Option<String>,
    coverage_start: Option<String>,
    coverage_end: Option<String>,
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
        let (reason, registry_pid) = reason_parts(&decision.reason);
        let line = decision.line.as_ref();
        self.status != status_text(decision.status)
            || self.reason.as_deref() != reason
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
    recompute(db, Scope::Company(company_id), window_days, cause).await
}

/// Decides again, in every company, the devices whose serial numbers (or MAC addresses) registry
/// change `change_id` touched: its new or changed lines, and the lines of its changed contracts.
pub async fn recompute_change(
    db: &Database,
    change_id: i64,
    window_days: u32,
) -> Result<Recomputed, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let touched: Vec<(String, String)> = sqlx::query_as(
        "SELECT serial_key, mac_key FROM contract_lines WHERE change_id = $1
         UNION
         SELECT l.serial_key, l.mac_key FROM contract_lines l
           JOIN contracts c ON c.contract_number = l.contract_number WHERE c.change_id = $1",
    )
    .bind(change_id)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
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
        .map(|slice| Scope::Keys {
            serials: slice,
            macs: &[],
        })
        .chain(macs.chunks(PAGE).map(|slice| Scope::Keys {
            serials: &[],
            macs: slice,
        }));
    for scope in scopes {
        let done = recompute(db, scope, window_days, Cause::Registry).await?;
        total.devices += done.devices;
        total.changed += done.changed;
    }
    Ok(total)
}

const CURRENT_COLUMNS: &str =
    "SELECT id, serial_key, pid_key, mac_key, status, reason, registry_pid, \
     contract_number, service_level, coverage_start, coverage_end FROM devices WHERE ";

async fn page_of(
    conn: &mut AnyConnection,
    backend: Backend,
    scope: &Scope<'_>,
    after: i64,
) -> Result<Vec<CurrentRow>, sqlx::Error> {
    match scope {
        Scope::Company(company_id) => {
            sqlx::query_as(&format!(
                "{CURRENT_COLUMNS} company_id = $1 AND id > $2 ORDER BY id LIMIT $3"
            ))
            .bind(*company_id)
            .bind(after)
            .bind(PAGE as i64)
            .fetch_all(conn)
            .await
        }
        Scope::Keys { serials, macs } => {
            // Every device of these keys, in one go (the caller keeps the key lists short).
            if after > 0 {
                return Ok(Vec::new());
            }
            let mut sql = String::from(CURRENT_COLUMNS);
            let keys: &[String] = if serials.is_empty() {
                sql.push_str("serial_key = '' AND mac_key IN (");
                macs
            } else {
                sql.push_str("serial_key IN (");
                serials
            };
            if keys.is_empty() {
                return Ok(Vec::new());
            }
            push_placeholders(&mut sql, backend, 1, keys.len());
            sql.push_str(") ORDER BY id");
            let mut query = sqlx::query_as(&sql);
            for key in keys {
                query = query.bind(key);
            }
            query.fetch_all(conn).await
        }
    }
}

async fn recompute(
    db: &Database,
    scope: Scope<'_>,
    window_days: u32,
    cause: Cause,
) -> Result<Recomputed, sqlx::Error> {
    let backend = db.backend();
    let clock = clock_now(window_days);
    let started_at = timestamp_now();
    let mut done = Recomputed::default();
    let mut after = 0i64;
    loop {
        let mut conn = db.pool().acquire().await?;
        let page = page_of(&mut conn, backend, &scope, after).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let serials: Vec<&str> = page
            .iter()
            .filter(|d| !d.serial_key.is_empty())
            .map(|d| d.serial_key.as_str())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let macs: Vec<&str> = page
            .iter()
            .filter(|d| d.serial_key.is_empty())
            .map(|d| d.mac_key.as_str())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let lines = candidate_lines(&mut conn, backend, &serials, &macs).await?;
        drop(conn);
        let changed: Vec<(i64, Decision)> = page
            .iter()
            .map(|device| (device, lines.decide(&device.keys(), &clock)))
            .filter(|(device, decision)| device.differs_from(decision))
            .map(|(device, decision)| (device.id, decision))
            .collect();
        // A whole company's unchanged devices are stamped at once, at the end.
        let stamped: Vec<i64> = match scope {
            Scope::Company(_) => Vec::new(),
            Scope::Keys { .. } => page.iter().map(|d| d.id).collect(),
        };
        write_page(db, &stamped, &changed, cause, &started_at).await?;
        done.devices += page.len() as u64;
        done.changed += changed.len() as u64;
        if page.len() < PAGE {
            break;
        }
    }
    if let Scope::Company(company_id) = scope {
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "INSERT INTO coverage_refreshes (company_id, computed_at) VALUES ($1, $2)
             ON CONFLICT (company_id) DO UPDATE SET computed_at = excluded.computed_at",
        )
        .bind(company_id)
        .bind(&started_at)
        .execute(&mut *tx)
        .await?;
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
    if !changed.is_empty() {
        let mut sql = String::from(
            "UPDATE devices SET status = v.column2, reason = v.column3, registry_pid = v.column4, \
             contract_number = v.column5, service_level = v.column6, coverage_start = v.column7, \
             coverage_end = v.column8, coverage_computed_at = ",
        );
        push_placeholders(&mut sql, backend, 1, 1);
        sql.push_str(", coverage_since = ");
        push_placeholders(&mut sql, backend, 2, 1);
        sql.push_str(", coverage_cause = ");
        push_placeholders(&mut sql, backend, 3, 1);
        sql.push_str(" FROM (VALUES ");
        push_value_rows(&mut sql, backend, 4, 8, changed.len());
        sql.push_str(") AS v WHERE devices.id = v.column1");
        let mut query = sqlx::query(&sql).bind(now).bind(now).bind(cause.as_str());
        for (id, decision) in changed {
            let (reason, registry_pid) = reason_parts(&decision.reason);
            let line = decision.line.as_ref();
            query = query
                .bind(*id)
                .bind(status_text(decision.status))
                .bind(reason)
                .bind(registry_pid)
                .bind(line.map(|l| l.contract_number.clone()))
                .bind(line.map(|l| l.service_level.clone()))
                .bind(line.map(|l| l.start_date.clone()))
                .bind(line.map(|l| l.end_date.clone()));
        }
        query.execute(&mut *tx).await?;
    }
    if !stamped.is_empty() {
        let mut sql = String::from("UPDATE devices SET coverage_computed_at = ");
        push_placeholders(&mut sql, backend, 1, 1);
        sql.push_str(" WHERE id IN (");
        push_placeholders(&mut sql, backend, 2, stamped.len());
        sql.push(')');
        let mut query = sqlx::query(&sql).bind(now);
        for id in stamped {
            query = query.bind(*id);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await
}
