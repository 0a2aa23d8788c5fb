//! Fetching the registry lines that can decide a set of devices, and deciding them. The registry
//! is the vendor's, not a company's: any company's device is matched against every holder's
//! contracts (partners' and resellers' count), and only the line's own terms are passed on.

use std::collections::HashMap;

use sqlx::AnyConnection;
use time::{Duration, OffsetDateTime};

use super::decision::{decide, Clock, Decision, DeviceKeys, Line};
use crate::platform::{sql::push_placeholders, Backend};

/// Today (UTC) and the last day of the expiring window.
pub fn clock_now(expiring_window_days: u32) -> Clock {
    let today = OffsetDateTime::now_utc().date();
    let until = today + Duration::days(i64::from(expiring_window_days));
    Clock {
        today: today.to_string(),
        expiring_until: until.to_string(),
    }
}

/// The registry lines of some serial numbers and MAC addresses, by key.
#[derive(Default)]
pub struct CandidateLines {
    by_serial: HashMap<String, Vec<Line>>,
    by_mac: HashMap<String, Vec<Line>>,
}

impl CandidateLines {
    /// Adds a line found by the device's serial key.
    pub(super) fn add_by_serial(&mut self, line: Line) {
        self.by_serial
            .entry(line.serial_key.clone())
            .or_default()
            .push(line);
    }

    /// Adds a line found by the device's MAC key (devices without a serial).
    pub(super) fn add_by_mac(&mut self, line: Line) {
        self.by_mac
            .entry(line.mac_key.clone())
            .or_default()
            .push(line);
    }

    /// Decides one device from the lines that share its serial (or MAC, without a serial).
    pub fn decide(&self, device: &DeviceKeys, clock: &Clock) -> Decision {
        let candidates = if device.serial_key.is_empty() {
            self.by_mac.get(&device.mac_key)
        } else {
            self.by_serial.get(&device.serial_key)
        };
        decide(device, candidates.map_or(&[][..], Vec::as_slice), clock)
    }
}

// The contract's service level is filled in afterwards from one small query per chunk: joining
// it onto every line cost a quarter of an upload's time.
pub(super) const LINE_COLUMNS: &str =
    "SELECT l.contract_number, l.serial_key, l.pid_key, l.mac_key, \
     l.product_id, l.start_date, l.end_date FROM contract_lines l WHERE ";

/// The conditions that find a device's candidate lines, followed by its key.
pub(super) const SERIAL_MATCH: &str = "l.serial_key";
pub(super) const MAC_MATCH: &str = "l.mac_key <> '' AND l.mac_key";

pub(super) type LineRow = (String, String, String, String, String, String, String);

pub(super) fn line_of(row: LineRow) -> Line {
    let (contract_number, serial_key, pid_key, mac_key, product_id, start, end) = row;
    Line {
        contract_number,
        service_level: String::new(),
        serial_key,
        pid_key,
        mac_key,
        product_id,
        start_date: start,
        end_date: end,
    }
}

/// Fills in each line's service level from its contract.
async fn add_service_levels(
    conn: &mut AnyConnection,
    backend: Backend,
    lines: &mut CandidateLines,
) -> Result<(), sqlx::Error> {
    let numbers: Vec<String> = lines
        .by_serial
        .values()
        .chain(lines.by_mac.values())
        .flatten()
        .map(|line| line.contract_number.clone())
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .collect();
    let mut levels: HashMap<String, String> = HashMap::with_capacity(numbers.len());
    for batch in numbers.chunks(2000) {
        let mut sql = String::from(
            "SELECT contract_number, service_level FROM contracts WHERE contract_number IN (",
        );
        push_placeholders(&mut sql, backend, 1, batch.len());
        sql.push(')');
        let mut query = sqlx::query_as::<_, (String, String)>(&sql);
        for number in batch {
            query = query.bind(number);
        }
        levels.extend(query.fetch_all(&mut *conn).await?);
    }
    for line in lines
        .by_serial
        .values_mut()
        .chain(lines.by_mac.values_mut())
        .flatten()
    {
        if let Some(level) = levels.get(&line.contract_number) {
            line.service_level.clone_from(level);
        }
    }
    Ok(())
}

/// Adds to `lines`, with `add`, every line whose `column` is one of `keys`.
async fn lines_where(
    conn: &mut AnyConnection,
    backend: Backend,
    column: &str,
    keys: &[&str],
    lines: &mut CandidateLines,
    add: fn(&mut CandidateLines, Line),
) -> Result<(), sqlx::Error> {
    for batch in keys.chunks(2000) {
        let mut sql = format!("{LINE_COLUMNS} {column} IN (");
        push_placeholders(&mut sql, backend, 1, batch.len());
        sql.push(')');
        let mut query = sqlx::query_as::<_, LineRow>(&sql);
        for key in batch {
            query = query.bind(*key);
        }
        for row in query.fetch_all(&mut *conn).await? {
            add(lines, line_of(row));
        }
    }
    Ok(())
}

/// Loads every line whose serial key is in `serial_keys` or whose MAC key is in `mac_keys`.
pub async fn candidate_lines(
    conn: &mut AnyConnection,
    backend: Backend,
    serial_keys: &[&str],
    mac_keys: &[&str],
) -> Result<CandidateLines, sqlx::Error> {
    let mut lines = CandidateLines::default();
    lines_where(
        conn,
        backend,
        SERIAL_MATCH,
        serial_keys,
        &mut lines,
        CandidateLines::add_by_serial,
    )
    .await?;
    lines_where(
        conn,
        backend,
        MAC_MATCH,
        mac_keys,
        &mut lines,
        CandidateLines::add_by_mac,
    )
    .await?;
    add_service_levels(conn, backend, &mut lines).await?;
    Ok(lines)
}
