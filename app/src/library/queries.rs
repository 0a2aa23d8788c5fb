//! The Library's SQL; every function takes the company id.

use sqlx::AnyConnection;

use super::{
    filter::DeviceFilter, ContractStanding, ContractSummary, CoverageChange, CoverageSummary,
    DevicePage, ExpiringContract,
};
use crate::{
    coverage::{decision::Clock, ReasonCode, Status},
    inventory::{
        queries::{
            bulk_read::{self, GroupedRecords},
            DeviceRow, DEVICE_COLUMNS, DEVICE_COLUMNS_WITHOUT_FROM, DEVICE_TABLES,
        },
        DeviceRecord,
    },
    platform::{sql, Backend, Database},
};

fn placeholder(backend: Backend) -> impl Fn(usize) -> String {
    move |n| sql::placeholder(backend, n)
}

/// The devices matching `filter`, `limit` of them from `offset` (a Library page is
/// `PAGE_SIZE`), and how many match in all.
pub async fn device_page(
    conn: &mut AnyConnection,
    backend: Backend,
    company_id: &str,
    filter: &DeviceFilter,
    offset: u64,
    limit: u64,
) -> Result<DevicePage, sqlx::Error> {
    // Counted up to a limit past this page: beyond it the person sees "more than".
    let cap = offset + super::COUNT_LIMIT + 1;
    // A search inside values reads the company's hostname index end to end when few devices
    // match: once here, rather than once to count and again for the page. When all of them are
    // found, they are the devices to filter, count and page; many take the usual way.
    // Many found by a search alone: that is the count (no second read to count them again).
    let narrowed;
    let mut counted_already = None;
    let filter = if filter.search.trim().is_empty() {
        filter
    } else {
        let found = search_ids(conn, backend, company_id, &filter.search, cap).await?;
        if (found.len() as u64) < cap {
            narrowed = filter.narrowed_to(found);
            &narrowed
        } else {
            if filter.only_searches() {
                counted_already = Some(cap);
            }
            filter
        }
    };
    let today = crate::platform::clock::date_today();
    let counted = match counted_already {
        Some(counted) => counted,
        None => count_matching_up_to(conn, backend, company_id, filter, &today, cap).await?,
    };
    let more = counted >= cap;
    let page = Page {
        limit,
        offset,
        few_matches: (counted <= super::COUNT_LIMIT).then_some(cap),
    };
    let devices = devices_matching(conn, backend, company_id, filter, page, &today).await?;
    Ok(DevicePage {
        devices,
        total: counted.min(cap - 1),
        more,
        offset,
    })
}

/// How many devices match `filter`, counted up to `cap`.
async fn count_matching_up_to(
    conn: &mut AnyConnection,
    backend: Backend,
    company_id: &str,
    filter: &DeviceFilter,
    today: &str,
    cap: u64,
) -> Result<u64, sqlx::Error> {
    let sql = filter.to_sql(company_id, today, Some(cap), placeholder(backend));
    let count_sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM devices d WHERE {} LIMIT {}) counted",
        sql.clause,
        placeholder(backend)(sql.binds.len() + 1)
    );
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for value in &sql.binds {
        count = count.bind(value);
    }
    Ok(count.bind(cap as i64).fetch_one(conn).await? as u64)
}

/// The ids of at most `limit` of the company's devices a search finds.
async fn search_ids(
    conn: &mut AnyConnection,
    backend: Backend,
    company_id: &str,
    search: &str,
    limit: u64,
) -> Result<Vec<i64>, sqlx::Error> {
    let sql = super::filter::search_sql(company_id, search, limit, placeholder(backend));
    let mut query = sqlx::query_scalar::<_, i64>(&sql.clause);
    for value in &sql.binds {
        query = query.bind(value);
    }
    query.fetch_all(conn).await
}

/// Which part of the matching devices to read.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
    /// `Some(n)` when few devices match (at most `n`): they are found by the filters' indexes,
    /// each search range read up to `n` (see [`DeviceFilter::to_sql`]), and sorted (see
    /// `order_by`). `None`: many match, a page is read in the order's index.
    pub few_matches: Option<u64>,
}

/// The devices matching `filter`, in its order, that `page` asks for.
pub async fn devices_matching(
    conn: &mut AnyConnection,
    backend: Backend,
    company_id: &str,
    filter: &DeviceFilter,
    page: Page,
    today: &str,
) -> Result<Vec<DeviceRecord>, sqlx::Error> {
    let sql = filter.to_sql(company_id, today, page.few_matches, placeholder(backend));
    let next = sql.binds.len() + 1;
    let clause = match page.few_matches {
        // Devices chosen by id (a selection, or what a search found) are looked up by id: told
        // "at most N" around them, PostgreSQL hash-joined every device of the company to them
        // (5.6 s for the 11 a search found among a million; 2.4 ms bare).
        Some(_) if filter.selected_ids().is_some() => sql.clause,
        // Found as the count found them, the database told how few there are at most:
        // PostgreSQL otherwise judges a set of a few releases to hold most of the company and
        // reads every device to sort them (2.6 s for 3,845 of a million devices, 0.4 s told).
        Some(at_most) => format!(
            "d.id IN (SELECT d.id FROM devices d WHERE {} LIMIT {at_most})",
            sql.clause
        ),
        None => sql.clause,
    };
    let query_sql = format!(
        "SELECT {DEVICE_COLUMNS} WHERE {clause} ORDER BY {} LIMIT {} OFFSET {}",
        filter.order_by(page.few_matches.is_some()),
        placeholder(backend)(next),
        placeholder(backend)(next + 1),
    );
    let mut query = sqlx::query_as::<_, DeviceRow>(&query_sql);
    for value in &sql.binds {
        query = query.bind(value);
    }
    let rows = query
        .bind(page.limit as i64)
        .bind(page.offset as i64)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|row| row.record(today)).collect())
}

/// The company's device `device_id`, if it has it.
pub async fn device_by_id(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<Option<DeviceRecord>, sqlx::Error> {
    let row: Option<DeviceRow> = sqlx::query_as(&format!(
        "SELECT {DEVICE_COLUMNS} WHERE d.company_id = $1 AND d.id = $2"
    ))
    .bind(company_id)
    .bind(device_id)
    .fetch_optional(conn)
    .await?;
    let today = crate::platform::clock::date_today();
    Ok(row.map(|row| row.record(&today)))
}

/// Whether the company has a device `device_id`.
pub async fn device_exists(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM devices WHERE company_id = $1 AND id = $2")
            .bind(company_id)
            .bind(device_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

#[derive(sqlx::FromRow)]
struct ExpiringRow {
    contract_number: String,
    service_level: String,
    end_date: String,
    devices: i64,
    contract_end: Option<String>,
}

/// A company's devices by status, and its devices not covered by reason: both read the status
/// index alone (its last column is the reason), not each device (migration 34).
pub const STATUS_COUNTS: &str =
    "SELECT status, COUNT(*) FROM devices WHERE company_id = $1 GROUP BY status";
pub const REASON_COUNTS: &str = "SELECT reason, COUNT(*) FROM devices
     WHERE company_id = $1 AND status = 'not_covered' GROUP BY reason";

/// Devices by status and reason, and the contracts expiring soonest (from the status index).
pub async fn coverage_summary(
    conn: &mut AnyConnection,
    company_id: &str,
    expiring_window_days: u32,
) -> Result<CoverageSummary, sqlx::Error> {
    let statuses: Vec<(Status, i64)> = sqlx::query_as(STATUS_COUNTS)
        .bind(company_id)
        .fetch_all(&mut *conn)
        .await?;
    let reasons: Vec<(Option<ReasonCode>, i64)> = sqlx::query_as(REASON_COUNTS)
        .bind(company_id)
        .fetch_all(&mut *conn)
        .await?;
    let expiring: Vec<ExpiringRow> = sqlx::query_as(
        "SELECT d.contract_number, COALESCE(d.service_level, '') AS service_level,
                MIN(d.coverage_end) AS end_date, COUNT(*) AS devices, MAX(c.end_date) AS contract_end
         FROM devices d LEFT JOIN contracts c ON c.contract_number = d.contract_number
         WHERE d.company_id = $1 AND d.status = 'expiring' AND d.contract_number IS NOT NULL
         GROUP BY d.contract_number, COALESCE(d.service_level, '') ORDER BY 3, 1 LIMIT 10",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    fn count_of<T: PartialEq>(rows: &[(T, i64)], key: T) -> u64 {
        rows.iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, n)| *n as u64)
    }
    let reasons: Vec<(ReasonCode, i64)> = reasons
        .into_iter()
        .filter_map(|(reason, n)| reason.map(|r| (r, n)))
        .collect();
    Ok(CoverageSummary {
        by_status: Status::ALL
            .iter()
            .map(|status| (*status, count_of(&statuses, *status)))
            .collect(),
        by_reason: ReasonCode::ALL
            .iter()
            .map(|reason| (*reason, count_of(&reasons, *reason)))
            .collect(),
        expiring: expiring
            .into_iter()
            .map(|row| ExpiringContract {
                contract_number: row.contract_number,
                service_level: row.service_level,
                end_date: row.end_date,
                devices: row.devices as u64,
                contract_end: row.contract_end,
            })
            .collect(),
        expiring_window_days,
    })
}

pub async fn company_contracts(
    conn: &mut AnyConnection,
    company_id: &str,
    clock: &Clock,
) -> Result<Vec<ContractSummary>, sqlx::Error> {
    let rows: Vec<ContractRow> = sqlx::query_as(
        "SELECT c.contract_number, c.service_level, c.start_date, c.end_date,
                COALESCE(d.devices, 0) AS devices,
                CASE WHEN a.contract_number IS NULL THEN 0 ELSE 1 END AS added,
                COALESCE(s.name, '') AS site
         FROM contracts c
         LEFT JOIN (SELECT contract_number, COUNT(*) AS devices FROM devices
                    WHERE company_id = $1 AND contract_number IS NOT NULL
                    GROUP BY contract_number) d ON d.contract_number = c.contract_number
         LEFT JOIN company_contracts a ON a.contract_number = c.contract_number AND a.company_id = $1
         LEFT JOIN sites s ON s.id = c.site_id
         WHERE d.contract_number IS NOT NULL OR a.contract_number IS NOT NULL
         ORDER BY c.end_date, c.contract_number",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let standing = ContractStanding::of(
                &row.start_date,
                &row.end_date,
                &clock.today,
                &clock.expiring_until,
            );
            let days_left = matches!(
                standing,
                ContractStanding::Active | ContractStanding::Expiring
            )
            .then(|| crate::platform::clock::days_between(&clock.today, &row.end_date))
            .flatten();
            ContractSummary {
                contract_number: row.contract_number,
                service_level: row.service_level,
                start_date: row.start_date,
                end_date: row.end_date,
                devices: row.devices as u64,
                added: row.added != 0,
                site: row.site,
                standing,
                days_left,
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    contract_number: String,
    service_level: String,
    start_date: String,
    end_date: String,
    devices: i64,
    added: i64,
    site: String,
}

/// Whether the registry has this contract under this company.
pub async fn holds_contract(
    conn: &mut AnyConnection,
    company_id: &str,
    contract_number: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT contract_number FROM contracts WHERE contract_number = $1 AND company_id = $2",
    )
    .bind(contract_number)
    .bind(company_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

pub async fn add_contract(
    conn: &mut AnyConnection,
    company_id: &str,
    contract_number: &str,
    account_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO company_contracts (company_id, contract_number, added_by, added_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (company_id, contract_number) DO NOTHING",
    )
    .bind(company_id)
    .bind(contract_number)
    .bind(account_id)
    .bind(crate::platform::clock::timestamp_now())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn changes_since_last_upload(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<CoverageChange>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id AS device_id, d.serial_number, d.product_id, h.status AS status_before,
                d.status AS status_now, d.contract_number, h.valid_until AS changed_at,
                h.ended_by AS cause
         FROM coverage_history h
         JOIN devices d ON d.id = h.device_id AND d.company_id = h.company_id
         WHERE h.company_id = $1
           AND h.valid_until >= COALESCE((SELECT MAX(created_at) FROM uploads WHERE company_id = $1), '')
         ORDER BY h.valid_until DESC, d.identity_key
         LIMIT 200",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await
}

/// What the API narrows the Library's filter by, and where its page starts: keyset paging in
/// identity order, stable while devices are added or change.
#[derive(Debug, Clone, Default)]
pub struct IdentityPage {
    /// One serial number's key (`normalise::serial_key`): the device under each product ID it was
    /// uploaded with.
    pub serial_key: Option<String>,
    /// Coverage (status or deciding contract) changed at or after this stored timestamp.
    pub changed_since: Option<String>,
    /// The identity key the page starts after.
    pub after: Option<String>,
    pub limit: u64,
}

/// The WHERE clause of the filter and the page's narrowing, and its values (the company's id
/// first). `after` is left out for counting.
fn identity_clause(
    backend: Backend,
    company_id: &str,
    filter: &DeviceFilter,
    page: &IdentityPage,
    with_after: bool,
    today: &str,
) -> (String, Vec<String>) {
    // A page is read in identity order, each device checked against the filter; a count finds
    // every match first (a search's, and the sets of products or releases, by their indexes).
    let search_limit = (!with_after).then_some(u64::MAX);
    let sql = filter.to_sql(company_id, today, search_limit, placeholder(backend));
    let (mut clause, mut binds) = (sql.clause, sql.binds);
    let mut add = |condition: &str, value: String| {
        binds.push(value);
        clause.push_str(&condition.replace('?', &placeholder(backend)(binds.len())));
    };
    if let Some(key) = &page.serial_key {
        let prefix = format!("S|{key}|");
        add(" AND d.identity_key < ?", format!("{prefix}{}", char::MAX));
        add(" AND d.identity_key >= ?", prefix);
    }
    if let Some(since) = &page.changed_since {
        add(" AND d.coverage_since >= ?", since.clone());
    }
    if let (Some(after), true) = (&page.after, with_after) {
        add(" AND d.identity_key > ?", after.clone());
    }
    (clause, binds)
}

#[derive(sqlx::FromRow)]
struct KeyedDeviceRow {
    #[sqlx(flatten)]
    device: DeviceRow,
    identity_key: String,
}

/// The SELECT of `columns` (ending with their `FROM …`) for the devices matching `filter` and
/// `page`, in identity order, and its values (all text: the page's size is written in).
fn identity_order_sql(
    backend: Backend,
    company_id: &str,
    filter: &DeviceFilter,
    page: &IdentityPage,
    columns: &str,
) -> (String, Vec<String>) {
    let today = crate::platform::clock::date_today();
    let (clause, binds) = identity_clause(backend, company_id, filter, page, true, &today);
    let sql = format!(
        "SELECT {columns} WHERE {clause} ORDER BY d.identity_key LIMIT {}",
        page.limit
    );
    (sql, binds)
}

/// One page of the devices matching `filter` and `page`, in identity order, each with its identity
/// key (the next page starts after the last one's).
pub async fn devices_in_identity_order(
    conn: &mut AnyConnection,
    backend: Backend,
    company_id: &str,
    filter: &DeviceFilter,
    page: &IdentityPage,
) -> Result<Vec<(String, DeviceRecord)>, sqlx::Error> {
    let today = crate::platform::clock::date_today();
    let columns = format!("{DEVICE_COLUMNS_WITHOUT_FROM}, d.identity_key {DEVICE_TABLES}");
    let (sql, binds) = identity_order_sql(backend, company_id, filter, page, &columns);
    let mut query = sqlx::query_as::<_, KeyedDeviceRow>(&sql);
    for value in &binds {
        query = query.bind(value);
    }
    let rows = query.fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.identity_key, row.device.record(&today)))
        .collect())
}

/// [`devices_in_identity_order`] for one of many pages read in turn: each product and release's
/// alerts come from `records`.
pub async fn grouped_devices_in_identity_order(
    db: &Database,
    records: &mut GroupedRecords,
    company_id: &str,
    filter: &DeviceFilter,
    page: &IdentityPage,
) -> Result<Vec<(String, DeviceRecord)>, sqlx::Error> {
    let columns = bulk_read::device_columns();
    let (sql, binds) = identity_order_sql(db.backend(), company_id, filter, page, &columns);
    records.read_all(db, sql, binds, page.limit as usize).await
}

/// How many devices match `filter` and `page`'s narrowing, on every page together.
pub async fn count_matching(
    conn: &mut AnyConnection,
    backend: Backend,
    company_id: &str,
    filter: &DeviceFilter,
    page: &IdentityPage,
) -> Result<u64, sqlx::Error> {
    let today = crate::platform::clock::date_today();
    let (clause, binds) = identity_clause(backend, company_id, filter, page, false, &today);
    let sql = format!("SELECT COUNT(*) FROM devices d WHERE {clause}");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for value in &binds {
        query = query.bind(value);
    }
    Ok(query.fetch_one(conn).await? as u64)
}

/// How many values of each filter are offered at most.
pub const CHOICES: u32 = 500;

/// The distinct sites, product IDs and contracts of a company's devices. Each is a walk over its
/// Library index that jumps from one value to the next (a seek per distinct value, not a read
/// of every device), so a million devices with a few hundred sites answer at once.
pub async fn filter_choices(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<super::FilterChoices, sqlx::Error> {
    Ok(super::FilterChoices {
        sites: distinct_values(&mut *conn, company_id, "site").await?,
        pids: distinct_values(&mut *conn, company_id, "pid_key").await?,
        contracts: distinct_values(conn, company_id, "contract_number").await?,
    })
}

/// `column`'s distinct non-empty values among the company's devices, in order. `column` is one
/// of ours (never input) and leads an index after `company_id`.
async fn distinct_values(
    conn: &mut AnyConnection,
    company_id: &str,
    column: &'static str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "WITH RECURSIVE walk(value, n) AS (
             SELECT MIN({column}), 1 FROM devices WHERE company_id = $1 AND {column} > ''
             UNION ALL
             SELECT (SELECT MIN({column}) FROM devices WHERE company_id = $1 AND {column} > walk.value), n + 1
             FROM walk WHERE walk.value IS NOT NULL AND n < {CHOICES}
         )
         SELECT value FROM walk WHERE value IS NOT NULL"
    );
    sqlx::query_scalar(&sql)
        .bind(company_id)
        .fetch_all(conn)
        .await
}
