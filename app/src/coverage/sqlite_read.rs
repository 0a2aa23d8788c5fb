//! A recompute's reads on SQLite, through SQLite's own API (see `Database::sqlite_reader` for
//! why): the devices in scope in one statement, cut into batches, and for each batch the registry
//! lines of its distinct serial numbers (or MAC addresses) by indexed lookups. Blocking.

use std::collections::{HashMap, HashSet};

use rusqlite::{params_from_iter, Connection, Row};

use super::{
    lines::{line_of, CandidateLines, LineRow, LINE_COLUMNS, MAC_MATCH, SERIAL_MATCH},
    queries::{devices_sql, KEYS_TOUCHED_BY},
    recompute::{Batch, CurrentRow, Scope},
};
use crate::platform::{Backend, Database};

/// Reads the devices of `scope` and their candidate lines, handing them to `send` `batch_size`
/// devices at a time; stops early when `send` answers `false` (nobody is listening any more).
pub(super) fn read_batches(
    conn: &Connection,
    scope: &Scope,
    batch_size: usize,
    mut send: impl FnMut(Batch) -> bool,
) -> rusqlite::Result<()> {
    let (sql, keys) = devices_sql(scope, Backend::Sqlite);
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(params_from_iter(keys))?;
    let mut levels = HashMap::new();
    let mut devices = Vec::with_capacity(batch_size);
    loop {
        let row = rows.next()?;
        if let Some(row) = row {
            devices.push(current_row(row)?);
            if devices.len() < batch_size {
                continue;
            }
        }
        if devices.is_empty() {
            return Ok(());
        }
        let lines = candidate_lines(conn, &devices, &mut levels)?;
        let full = devices.len() == batch_size;
        if !send(Batch {
            devices: std::mem::replace(&mut devices, Vec::with_capacity(batch_size)),
            lines,
        }) || !full
        {
            return Ok(());
        }
    }
}

fn current_row(row: &Row<'_>) -> rusqlite::Result<CurrentRow> {
    Ok(CurrentRow {
        id: row.get(0)?,
        serial_key: row.get(1)?,
        pid_key: row.get(2)?,
        mac_key: row.get(3)?,
        status: row.get(4)?,
        reason: row.get(5)?,
        registry_pid: row.get(6)?,
        contract_number: row.get(7)?,
        service_level: row.get(8)?,
        coverage_start: row.get(9)?,
        coverage_end: row.get(10)?,
    })
}

/// The lines that can decide `devices`, with their contracts' service levels (`levels` remembers
/// them across batches: a registry has far fewer contracts than lines).
fn candidate_lines(
    conn: &Connection,
    devices: &[CurrentRow],
    levels: &mut HashMap<String, String>,
) -> rusqlite::Result<CandidateLines> {
    let serials: HashSet<&str> = devices
        .iter()
        .filter(|d| !d.serial_key.is_empty())
        .map(|d| d.serial_key.as_str())
        .collect();
    let macs: HashSet<&str> = devices
        .iter()
        .filter(|d| d.serial_key.is_empty())
        .map(|d| d.mac_key.as_str())
        .collect();
    lines_of_keys(conn, serials, macs, levels)
}

/// Every line whose serial key is one of `serials` or whose MAC key is one of `macs` (each given
/// once), with its contract's service level: one statement per kind of key, the keys bound as one
/// JSON array (a statement per key cost more than SQLite's lookups themselves).
fn lines_of_keys<'k>(
    conn: &Connection,
    serials: impl IntoIterator<Item = &'k str>,
    macs: impl IntoIterator<Item = &'k str>,
    levels: &mut HashMap<String, String>,
) -> rusqlite::Result<CandidateLines> {
    let mut lines = CandidateLines::default();
    let serials: Vec<&str> = serials.into_iter().collect();
    let macs: Vec<&str> = macs.into_iter().collect();
    let searches: [(&str, Vec<&str>, AddLine); 2] = [
        (SERIAL_MATCH, serials, CandidateLines::add_by_serial),
        (MAC_MATCH, macs, CandidateLines::add_by_mac),
    ];
    for (condition, keys, add) in searches {
        if keys.is_empty() {
            continue;
        }
        let mut lookup = conn.prepare_cached(&format!(
            "{LINE_COLUMNS} {condition} IN (SELECT value FROM json_each(?1))"
        ))?;
        let keys = serde_json::to_string(&keys).expect("a list of strings serialises");
        let mut rows = lookup.query([keys])?;
        while let Some(row) = rows.next()? {
            let mut line = line_of(line_row(row)?);
            line.service_level = service_level(conn, levels, &line.contract_number)?;
            add(&mut lines, line);
        }
    }
    Ok(lines)
}

/// The serial and MAC keys a registry change touched (see `queries::KEYS_TOUCHED_BY`): a change
/// of 1,000,000 lines names as many keys, which sqlx's driver would hand over one row at a time.
pub(super) fn keys_touched_by(
    conn: &Connection,
    change_id: i64,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut statement = conn.prepare(KEYS_TOUCHED_BY)?;
    let rows = statement.query_map([change_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

/// An upload's registry reads on SQLite: the lines of each chunk's serial numbers and MAC
/// addresses through SQLite's own API (see `Database::sqlite_reader`), remembering contracts'
/// service levels across chunks. Blocking.
pub struct UploadLines {
    conn: Connection,
    levels: HashMap<String, String>,
}

impl UploadLines {
    /// `None` on PostgreSQL.
    pub fn open(db: &Database) -> Option<rusqlite::Result<Self>> {
        Some(db.sqlite_reader()?.map(|conn| Self {
            conn,
            levels: HashMap::new(),
        }))
    }

    /// The lines that can decide devices of these keys (each given once).
    pub fn candidate_lines(
        &mut self,
        serials: &[&str],
        macs: &[&str],
    ) -> rusqlite::Result<CandidateLines> {
        lines_of_keys(
            &self.conn,
            serials.iter().copied(),
            macs.iter().copied(),
            &mut self.levels,
        )
    }
}

type AddLine = fn(&mut CandidateLines, super::decision::Line);

fn line_row(row: &Row<'_>) -> rusqlite::Result<LineRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn service_level(
    conn: &Connection,
    levels: &mut HashMap<String, String>,
    contract_number: &str,
) -> rusqlite::Result<String> {
    if let Some(level) = levels.get(contract_number) {
        return Ok(level.clone());
    }
    let level: String = conn
        .prepare_cached("SELECT service_level FROM contracts WHERE contract_number = ?1")?
        .query_row([contract_number], |row| row.get(0))
        .or_else(|error| match error {
            // A line whose contract is missing decides without a service level, as on PostgreSQL.
            rusqlite::Error::QueryReturnedNoRows => Ok(String::new()),
            other => Err(other),
        })?;
    levels.insert(contract_number.to_owned(), level.clone());
    Ok(level)
}
