//! Coverage's SQL: a device's periods over time, and reading and writing the devices a recompute
//! decides again (the SQLite reader of a recompute is `sqlite_read`).

use sqlx::AnyConnection;

use super::{
    decision::{Decision, Reason},
    recompute::{CurrentRow, Scope},
    Cause, CoveragePeriod,
};
use crate::platform::{
    sql::{push_placeholders, push_value_rows, Bind},
    Backend,
};

/// A device's coverage periods, the current one first (empty when the company has no such
/// device).
pub async fn coverage_timeline(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<Vec<CoveragePeriod>, sqlx::Error> {
    sqlx::query_as(
        "SELECT status, reason, registry_pid, contract_number, service_level, coverage_end,
                coverage_since AS valid_from, NULL AS valid_until, coverage_cause AS cause
         FROM devices WHERE company_id = $1 AND id = $2
         UNION ALL
         SELECT h.status, h.reason, h.registry_pid, h.contract_number, h.service_level, h.coverage_end,
                h.valid_from, h.valid_until, COALESCE(p.ended_by, 'upload')
         FROM coverage_history h
         LEFT JOIN coverage_history p ON p.device_id = h.device_id AND p.valid_until = h.valid_from AND p.id <> h.id
         WHERE h.company_id = $1 AND h.device_id = $2
         ORDER BY 7 DESC",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_all(conn)
    .await
}

/// The serial and MAC keys registry change `$1` touched: its new or changed lines, and the lines
/// of its changed contracts (empty keys included; the caller skips them).
pub(super) const KEYS_TOUCHED_BY: &str =
    "SELECT serial_key, mac_key FROM contract_lines WHERE change_id = $1
     UNION
     SELECT l.serial_key, l.mac_key FROM contract_lines l
       JOIN contracts c ON c.contract_number = l.contract_number WHERE c.change_id = $1";

/// [`KEYS_TOUCHED_BY`] through the pooled driver (PostgreSQL; SQLite reads them with
/// `sqlite_read::keys_touched_by`).
pub async fn keys_touched_by(
    conn: &mut AnyConnection,
    change_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(KEYS_TOUCHED_BY)
        .bind(change_id)
        .fetch_all(conn)
        .await
}

const CURRENT_COLUMNS: &str =
    "SELECT id, serial_key, pid_key, mac_key, status, reason, registry_pid, \
     contract_number, service_level, coverage_start, coverage_end FROM devices WHERE ";

/// The statement that reads the devices of `scope` with what they show now, and the keys it
/// binds first (for a company, its id; the caller pages on `id`).
pub(super) fn devices_sql(scope: &Scope, backend: Backend) -> (String, Vec<String>) {
    let mut sql = String::from(CURRENT_COLUMNS);
    let keys = match scope {
        Scope::Company(company_id) => {
            sql.push_str("company_id = ");
            push_placeholders(&mut sql, backend, 1, 1);
            return (sql, vec![company_id.clone()]);
        }
        Scope::Serials(keys) => {
            sql.push_str("serial_key IN (");
            keys
        }
        Scope::Macs(keys) => {
            sql.push_str("serial_key = '' AND mac_key IN (");
            keys
        }
    };
    push_placeholders(&mut sql, backend, 1, keys.len());
    sql.push_str(") ORDER BY id");
    (sql, keys.clone())
}

/// The devices of `scope` with what they show now: for a company, the next `page` after id
/// `after`; for keys, all of them at once (the caller keeps the key lists short).
pub(super) async fn devices_to_decide(
    conn: &mut AnyConnection,
    backend: Backend,
    scope: &Scope,
    after: i64,
    page: usize,
) -> Result<Vec<CurrentRow>, sqlx::Error> {
    let (mut sql, keys) = devices_sql(scope, backend);
    let paged = matches!(scope, Scope::Company(_));
    if paged {
        sql.push_str(" AND id > ");
        push_placeholders(&mut sql, backend, 2, 1);
        sql.push_str(&format!(" ORDER BY id LIMIT {page}"));
    }
    let mut query = sqlx::query_as::<_, CurrentRow>(&sql);
    for key in &keys {
        query = query.bind(key);
    }
    if paged {
        query = query.bind(after);
    }
    query.fetch_all(conn).await
}

/// Notes that every device of the company was decided again at `at` (the unchanged ones are not
/// rewritten one by one).
pub(super) async fn record_company_refresh(
    conn: &mut AnyConnection,
    company_id: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO coverage_refreshes (company_id, computed_at) VALUES ($1, $2)
         ON CONFLICT (company_id) DO UPDATE SET computed_at = excluded.computed_at",
    )
    .bind(company_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes each device's new decision, started by `cause` at `now` (the database trigger keeps
/// the period it ends).
pub(super) async fn write_decisions(
    conn: &mut AnyConnection,
    backend: Backend,
    changed: &[(i64, Decision)],
    cause: Cause,
    now: &str,
) -> Result<(), sqlx::Error> {
    if changed.is_empty() {
        return Ok(());
    }
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
    let mut query = sqlx::query(&sql).bind(now).bind(now).bind(cause);
    for (id, decision) in changed {
        query = bind_decision(query.bind(*id), decision);
    }
    query.execute(conn).await?;
    Ok(())
}

/// Binds a decision as the devices table stores it, in its column order: status, reason, registry
/// PID, contract number, service level, coverage start and end.
pub fn bind_decision<'q, Q: Bind<'q>>(query: Q, decision: &'q Decision) -> Q {
    let (reason, registry_pid) = Reason::stored(&decision.reason);
    let line = decision.line.as_ref();
    query
        .bind_value(decision.status)
        .bind_value(reason)
        .bind_value(registry_pid)
        .bind_value(line.map(|l| l.contract_number.as_str()))
        .bind_value(line.map(|l| l.service_level.as_str()))
        .bind_value(line.map(|l| l.start_date.as_str()))
        .bind_value(line.map(|l| l.end_date.as_str()))
}

/// Stamps devices whose decision did not change as computed at `now`.
pub(super) async fn stamp_computed(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &[i64],
    now: &str,
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = String::from("UPDATE devices SET coverage_computed_at = ");
    push_placeholders(&mut sql, backend, 1, 1);
    sql.push_str(" WHERE id IN (");
    push_placeholders(&mut sql, backend, 2, ids.len());
    sql.push(')');
    let mut query = sqlx::query(&sql).bind(now);
    for id in ids {
        query = query.bind(*id);
    }
    query.execute(conn).await?;
    Ok(())
}
