//! The alerts' SQL; every function takes the company id.

use std::{cmp::Reverse, collections::HashMap};

use sqlx::AnyConnection;

use super::{
    AdvisoryState, AdvisorySummary, CompanyAdvisory, CompanyAlerts, CompanyBulletin, CompanySoftwareTrain, DeviceAdvisory, EolStage, EolSummary,
    MilestoneKind, Milestones, Severity, SeverityCount, UpcomingMilestone, ADVISORIES_SHOWN,
    UPCOMING_SHOWN,
};
use super::{
    notices::{
        affected_whatever_the_serial_sql, applies, listing_affects_whatever_the_serial_sql,
        company_serial_range_devices_sql, NoticeScope,
        SerialRange,
    },
    CompanyNotice, DeviceNotice, NoticeSummary, NoticeType, NOTICES_SHOWN,
};
use crate::platform::{
    db::{Backend, DbBool},
    sql::push_placeholders,
};

/// The milestone columns of a bulletin `eb`, in [`MilestoneKind::ALL`] order.
pub const MILESTONE_COLUMNS: &str = "eb.announcement_date, eb.end_of_sale, eb.last_ship, \
     eb.end_of_software_maintenance, eb.end_of_security_support, \
     eb.end_of_routine_failure_analysis, eb.end_of_new_service_attachment, \
     eb.end_of_service_contract_renewal, eb.last_date_of_support";

#[derive(sqlx::FromRow)]
struct BulletinDevices {
    bulletin_number: String,
    title: String,
    url: String,
    #[sqlx(flatten)]
    milestones: Milestones,
    devices: i64,
}

impl BulletinDevices {
    /// Where the bulletin's devices stand on `today`.
    fn on(self, today: &str) -> CompanyBulletin {
        CompanyBulletin {
            stage: self.milestones.stage_on(today),
            next_milestone: super::NextMilestone::after(&self.milestones, today),
            last_date_of_support: self.milestones.last_date_of_support.clone(),
            bulletin_number: self.bulletin_number,
            title: self.title,
            url: self.url,
            devices: self.devices as u64,
        }
    }
}

/// The bulletins listing the company's devices' products, with how many devices each lists.
async fn bulletins_listing(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<BulletinDevices>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT eb.bulletin_number, eb.title, eb.url, {MILESTONE_COLUMNS}, n.devices
         FROM (SELECT ep.bulletin_number, CAST(SUM(g.devices) AS BIGINT) AS devices
               FROM device_groups g JOIN eox_products ep ON ep.pid_key = g.pid_key
               WHERE g.company_id = $1 GROUP BY ep.bulletin_number) n
         JOIN eox_bulletins eb ON eb.bulletin_number = n.bulletin_number
         ORDER BY eb.bulletin_number"
    ))
    .bind(company_id)
    .fetch_all(conn)
    .await
}

/// The company's devices by stage on `today`, and the milestones of the next 12 months. Counted
/// per bulletin in SQL (a company has few bulletins, however many devices), decided per bulletin
/// by the same rule the device rows use.
pub async fn eol_summary(
    conn: &mut AnyConnection,
    company_id: &str,
    today: &str,
) -> Result<EolSummary, sqlx::Error> {
    let bulletins = bulletins_listing(&mut *conn, company_id).await?;
    let all = device_count(conn, company_id).await?;
    let a_year_on = a_year_after(today);
    let mut by_stage: Vec<(EolStage, u64)> =
        EolStage::ORDER.into_iter().rev().map(|s| (s, 0)).collect();
    let mut upcoming = Vec::new();
    let mut listed = 0;
    for bulletin in &bulletins {
        let milestones = &bulletin.milestones;
        let devices = bulletin.devices as u64;
        listed += devices;
        let stage = milestones.stage_on(today);
        if let Some(slot) = by_stage.iter_mut().find(|(s, _)| *s == stage) {
            slot.1 += devices;
        }
        for (milestone, date) in milestones.all() {
            if milestone != MilestoneKind::Announcement
                && date != super::milestones::TBA
                && date > today
                && date <= a_year_on.as_str()
            {
                upcoming.push(UpcomingMilestone {
                    bulletin_number: bulletin.bulletin_number.clone(),
                    title: bulletin.title.clone(),
                    milestone,
                    date: date.to_owned(),
                    devices,
                });
            }
        }
    }
    upcoming.sort_by(|a, b| {
        (a.date.as_str(), &a.bulletin_number).cmp(&(b.date.as_str(), &b.bulletin_number))
    });
    upcoming.truncate(UPCOMING_SHOWN);
    Ok(EolSummary {
        by_stage,
        not_announced: (all as u64).saturating_sub(listed),
        upcoming,
    })
}

/// The company's devices grouped by release (a company runs few releases, however many
/// devices): `g`, for `$1` the company.
macro_rules! company_releases {
    () => {
        "(SELECT software_type, release_key,
                 CAST(SUM(devices) AS BIGINT) AS devices FROM device_groups
               WHERE company_id = $1 AND release_key <> ''
               GROUP BY software_type, release_key) g"
    };
}
const COMPANY_RELEASES: &str = company_releases!();

/// [`COMPANY_RELEASES`] joined to the advisories affecting each: `g`, `ar` and `sa`.
const EXPOSED_GROUPS: &str = concat!(
    company_releases!(),
    "
         JOIN advisory_releases ar
           ON ar.software_type = g.software_type AND ar.release_key = g.release_key
         JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id"
);

#[derive(sqlx::FromRow)]
struct AdvisoryDevices {
    advisory_id: String,
    title: String,
    url: String,
    severity_rank: i64,
    cvss_base_score: String,
    configuration_dependent: DbBool,
    last_updated: String,
    devices: i64,
}

/// The advisories affecting the company's devices, the worst first, then the most devices:
/// summed per advisory over the company's releases in SQL, ranked here (PostgreSQL sorting
/// thousands of ids by its collation took longer than the rest of the query).
async fn company_advisories(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<CompanyAdvisory>, sqlx::Error> {
    let rows: Vec<AdvisoryDevices> = sqlx::query_as(&format!(
        "SELECT sa.advisory_id, sa.title, sa.url, sa.severity_rank, sa.cvss_base_score,
                sa.configuration_dependent, sa.last_updated, n.devices
         FROM (SELECT ar.advisory_id, CAST(SUM(g.devices) AS BIGINT) AS devices
               FROM {COMPANY_RELEASES}
               JOIN advisory_releases ar
                 ON ar.software_type = g.software_type AND ar.release_key = g.release_key
               GROUP BY ar.advisory_id) n
         JOIN security_advisories sa ON sa.advisory_id = n.advisory_id"
    ))
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    let mut advisories: Vec<CompanyAdvisory> =
        rows.into_iter().filter_map(AdvisoryDevices::advisory).collect();
    advisories.sort_by(|a, b| {
        worst_first(a.severity.rank(), a.devices, &a.advisory_id).cmp(&worst_first(
            b.severity.rank(),
            b.devices,
            &b.advisory_id,
        ))
    });
    Ok(advisories)
}

impl AdvisoryDevices {
    fn advisory(self) -> Option<CompanyAdvisory> {
        Some(CompanyAdvisory {
            severity: Severity::from_rank(self.severity_rank)?,
            advisory_id: self.advisory_id,
            title: self.title,
            url: self.url,
            cvss_base_score: self.cvss_base_score,
            configuration_dependent: self.configuration_dependent.0,
            last_updated: self.last_updated,
            devices: self.devices as u64,
        })
    }
}

/// An advisory affecting the company's devices: its id, severity rank and how many devices.
type RankedAdvisory = (String, i64, i64);

/// Each advisory affecting the company's devices, the worst first, then the most devices: one
/// pass over the company's releases and their advisories, for the counts per severity and the
/// advisories shown.
async fn advisories_ranked(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<RankedAdvisory>, sqlx::Error> {
    let mut ranked: Vec<RankedAdvisory> = sqlx::query_as(&format!(
        "SELECT sa.advisory_id, sa.severity_rank, CAST(SUM(g.devices) AS BIGINT) AS devices
         FROM {EXPOSED_GROUPS} GROUP BY sa.advisory_id, sa.severity_rank"
    ))
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    ranked.sort_by(|a, b| {
        worst_first(a.1, a.2 as u64, &a.0).cmp(&worst_first(b.1, b.2 as u64, &b.0))
    });
    Ok(ranked)
}

/// How advisories affecting a company are listed: the worst first, then those affecting the
/// most devices, then by id (bytewise, the same on both databases).
fn worst_first(severity_rank: i64, devices: u64, advisory_id: &str) -> (Reverse<i64>, Reverse<u64>, &str) {
    (Reverse(severity_rank), Reverse(devices), advisory_id)
}

/// The advisories `ranked`, with their details, in that order.
async fn advisory_details(
    conn: &mut AnyConnection,
    ranked: &[RankedAdvisory],
) -> Result<Vec<CompanyAdvisory>, sqlx::Error> {
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = String::from(
        "SELECT advisory_id, title, url, severity_rank, cvss_base_score, configuration_dependent,
                last_updated, CAST(0 AS BIGINT) AS devices
         FROM security_advisories WHERE advisory_id IN (",
    );
    push_placeholders(&mut sql, Backend::of_connection(conn), 1, ranked.len());
    sql.push(')');
    let mut query = sqlx::query_as::<_, AdvisoryDevices>(&sql);
    for (advisory_id, _, _) in ranked {
        query = query.bind(advisory_id);
    }
    let mut details: HashMap<String, AdvisoryDevices> = query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|row| (row.advisory_id.clone(), row))
        .collect();
    Ok(ranked
        .iter()
        .filter_map(|(advisory_id, _, devices)| {
            let mut row = details.remove(advisory_id)?;
            row.devices = *devices;
            row.advisory()
        })
        .collect())
}

/// One release the company runs that advisories of a severity affect: how many regardless of
/// configuration and depending on it, and the company's devices running it.
#[derive(sqlx::FromRow)]
struct SeverityRelease {
    severity_rank: i64,
    vulnerable: i64,
    potentially: i64,
    devices: i64,
}

/// The company's exposure by severity (release groups, counted in SQL) and its worst advisories.
/// A device is counted once per severity however many advisories of it affect the device.
pub async fn advisory_summary(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<AdvisorySummary, sqlx::Error> {
    // The company's releases (a few rows) joined to their exposure per severity, counted at
    // import: a few rows each, not one per advisory.
    let releases: Vec<SeverityRelease> = sqlx::query_as(
        "SELECT e.severity_rank, e.vulnerable, e.potentially, g.devices
         FROM (SELECT software_type, release_key, CAST(SUM(devices) AS BIGINT) AS devices
               FROM device_groups WHERE company_id = $1 AND release_key <> ''
               GROUP BY software_type, release_key) g
         JOIN release_severity_exposure e
           ON e.software_type = g.software_type AND e.release_key = g.release_key",
    )
    .bind(company_id)
    .fetch_all(&mut *conn)
    .await?;
    let ranked = advisories_ranked(&mut *conn, company_id).await?;
    let devices = device_count(&mut *conn, company_id).await?;
    let not_assessed: i64 = sqlx::query_scalar(&format!(
        "SELECT CAST(COALESCE(SUM(g.devices), 0) AS BIGINT) FROM device_groups g
         WHERE g.company_id = $1 AND {}",
        AdvisoryState::NotAssessed.state_sql_over("g")
    ))
    .bind(company_id)
    .fetch_one(&mut *conn)
    .await?;

    let by_severity = Severity::WORST_FIRST
        .into_iter()
        .map(|severity| {
            let of_severity = || releases.iter().filter(|r| r.severity_rank == severity.rank());
            // A release also affected regardless of configuration is counted as vulnerable only.
            let vulnerable: i64 = of_severity()
                .filter(|r| r.vulnerable > 0)
                .map(|r| r.devices)
                .sum();
            let potentially: i64 = of_severity()
                .filter(|r| r.vulnerable == 0 && r.potentially > 0)
                .map(|r| r.devices)
                .sum();
            SeverityCount {
                severity,
                advisories: ranked
                    .iter()
                    .filter(|(_, rank, _)| *rank == severity.rank())
                    .count() as u64,
                vulnerable_devices: vulnerable as u64,
                potentially_vulnerable_devices: potentially as u64,
            }
        })
        .collect::<Vec<SeverityCount>>();
    let advisories_total = by_severity.iter().map(|c| c.advisories).sum();
    Ok(AdvisorySummary {
        by_severity,
        advisories: advisory_details(conn, &ranked[..ranked.len().min(ADVISORIES_SHOWN)])
            .await?,
        advisories_total,
        not_assessed: not_assessed as u64,
        devices: devices as u64,
    })
}

#[derive(sqlx::FromRow)]
struct DeviceAdvisoryRow {
    advisory_id: String,
    title: String,
    url: String,
    severity_rank: i64,
    cvss_base_score: String,
    cve_ids: String,
    first_published: String,
    last_updated: String,
    configuration_dependent: DbBool,
    affected_release: String,
    first_fixed: String,
}

pub(super) fn listed(text: &str) -> Vec<String> {
    text.split(';')
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The advisories affecting the company's device `device_id`, worst first.
pub async fn device_advisories(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<Vec<DeviceAdvisory>, sqlx::Error> {
    let rows: Vec<DeviceAdvisoryRow> = sqlx::query_as(
        "SELECT sa.advisory_id, sa.title, sa.url, sa.severity_rank, sa.cvss_base_score, sa.cve_ids,
                sa.first_published, sa.last_updated, sa.configuration_dependent,
                ar.affected_release, ar.first_fixed
         FROM devices d
         JOIN advisory_releases ar
           ON ar.software_type = d.software_type AND ar.release_key = d.release_key
         JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id
         WHERE d.company_id = $1 AND d.id = $2
         ORDER BY sa.severity_rank DESC, sa.advisory_id",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(DeviceAdvisory {
                severity: Severity::from_rank(row.severity_rank)?,
                state: if row.configuration_dependent.0 {
                    AdvisoryState::PotentiallyVulnerable
                } else {
                    AdvisoryState::Vulnerable
                },
                cve_ids: listed(&row.cve_ids),
                first_fixed: listed(&row.first_fixed),
                advisory_id: row.advisory_id,
                title: row.title,
                url: row.url,
                cvss_base_score: row.cvss_base_score,
                first_published: row.first_published,
                last_updated: row.last_updated,
                affected_release: row.affected_release,
            })
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct NoticeDevices {
    notice_id: String,
    title: String,
    url: String,
    notice_type: String,
    last_updated: String,
    devices: i64,
}

impl NoticeDevices {
    fn notice(self) -> CompanyNotice {
        CompanyNotice {
            notice_type: NoticeType::parse(&self.notice_type).unwrap_or(NoticeType::Hardware),
            notice_id: self.notice_id,
            title: self.title,
            url: self.url,
            last_updated: self.last_updated,
            devices: self.devices as u64,
        }
    }
}

/// The notices affecting the company's devices, the most recently updated first. A listing
/// narrowed by nothing, or by releases alone, counts the company's (product, release) groups;
/// listings narrowed to serial numbers were counted for each notice when the devices or the
/// notices last changed (`notice_serial_devices`).
async fn notices_affecting(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<NoticeDevices>, sqlx::Error> {
    let whole = listing_affects_whatever_the_serial_sql("fp", "g");
    sqlx::query_as(&format!(
        "SELECT fn.notice_id, fn.title, fn.url, fn.notice_type, fn.last_updated,
                CAST(SUM(n.devices) AS BIGINT) AS devices
         FROM (SELECT fp.notice_id, g.devices
               FROM device_groups g
               JOIN field_notice_products fp ON fp.pid_key = g.pid_key
               WHERE g.company_id = $1 AND {whole}
               UNION ALL
               SELECT notice_id, devices FROM notice_serial_devices WHERE company_id = $1) n
         JOIN field_notices fn ON fn.notice_id = n.notice_id
         GROUP BY fn.notice_id, fn.title, fn.url, fn.notice_type, fn.last_updated
         ORDER BY fn.last_updated DESC, fn.notice_id"
    ))
    .bind(company_id)
    .fetch_all(conn)
    .await
}

/// Counts again, for the company `company_id` or every company (`None`), the devices listings
/// narrowed to serial numbers affect: per notice (`notice_serial_devices`) and per (product,
/// release) group (`notice_serial_groups`), walking each range through the company's devices of
/// its product. Run in the transaction that changed the devices (after `device_groups`, which
/// names the products walked) or the notices.
pub async fn refresh_notice_serial_matches(
    conn: &mut AnyConnection,
    company_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    let postgres = Backend::of_connection(conn) == Backend::Postgres;
    if postgres {
        // An upload and a notice import may run at once, each reading what the other has not
        // committed yet: whichever counts second waits here for the first to commit, and then
        // (each statement reading what is committed when it starts) counts with its changes.
        sqlx::query("LOCK TABLE notice_serial_devices IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *conn)
            .await?;
    }
    let walk = company_serial_range_devices_sql(postgres, company_id.is_some());
    let scope = if company_id.is_some() { " WHERE company_id = $1" } else { "" };
    let statements = [
        format!("DELETE FROM notice_serial_devices{scope}"),
        format!("DELETE FROM notice_serial_groups{scope}"),
        format!(
            "INSERT INTO notice_serial_devices (company_id, notice_id, devices)
             SELECT company_id, notice_id, COUNT(*)
             FROM (SELECT DISTINCT c.company_id, fs.notice_id, d.id FROM {walk}) x
             GROUP BY company_id, notice_id"
        ),
        format!(
            "INSERT INTO notice_serial_groups
                 (company_id, pid_key, software_type, release_key, devices)
             SELECT company_id, pid_key, software_type, release_key, COUNT(*)
             FROM (SELECT DISTINCT c.company_id, d.id, d.pid_key, d.software_type, d.release_key
                   FROM {walk}) x
             GROUP BY company_id, pid_key, software_type, release_key"
        ),
    ];
    for statement in &statements {
        let mut query = sqlx::query(statement);
        if let Some(company_id) = company_id {
            query = query.bind(company_id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// How many devices the company has (from its groups: no walk over its devices).
async fn device_count(conn: &mut AnyConnection, company_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(devices), 0) AS BIGINT) FROM device_groups WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_one(conn)
    .await
}

/// The notices affecting the company's devices, the most recently updated first, and how many
/// devices at least one affects.
pub async fn notice_summary(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<NoticeSummary, sqlx::Error> {
    let rows = notices_affecting(&mut *conn, company_id).await?;
    let devices = device_count(&mut *conn, company_id).await?;
    // Groups some listing affects whatever the serial.
    let whole: i64 = sqlx::query_scalar(&format!(
        "SELECT CAST(COALESCE(SUM(g.devices), 0) AS BIGINT) FROM device_groups g
         WHERE g.company_id = $1 AND {}",
        affected_whatever_the_serial_sql("g")
    ))
    .bind(company_id)
    .fetch_one(&mut *conn)
    .await?;
    // Then the devices of the other groups that listings narrowed to serial numbers affect.
    let by_serial: i64 = sqlx::query_scalar(&format!(
        "SELECT CAST(COALESCE(SUM(s.devices), 0) AS BIGINT) FROM notice_serial_groups s
         WHERE s.company_id = $1 AND NOT {}",
        affected_whatever_the_serial_sql("s")
    ))
    .bind(company_id)
    .fetch_one(conn)
    .await?;
    let affected = whole + by_serial;
    let notices_total = rows.len() as u64;
    let notices = rows
        .into_iter()
        .take(NOTICES_SHOWN)
        .map(NoticeDevices::notice)
        .collect();
    Ok(NoticeSummary {
        notices,
        notices_total,
        devices_affected: affected as u64,
        devices: devices as u64,
    })
}

#[derive(sqlx::FromRow)]
struct ListingRow {
    notice_id: String,
    title: String,
    url: String,
    notice_type: String,
    first_published: String,
    last_updated: String,
    solution: String,
    software_versions: String,
    serial_key: String,
    software_type: String,
    release_key: String,
}

/// The notices listing the product of the company's device `device_id`, each decided for it
/// (affected or not, and why): affected first, then the most recently updated.
pub async fn device_notices(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<Vec<DeviceNotice>, sqlx::Error> {
    let listings: Vec<ListingRow> = sqlx::query_as(
        "SELECT fn.notice_id, fn.title, fn.url, fn.notice_type, fn.first_published,
                fn.last_updated, fn.solution, fp.software_versions, d.serial_key, d.software_type,
                d.release_key
         FROM devices d
         JOIN field_notice_products fp ON fp.pid_key = d.pid_key
         JOIN field_notices fn ON fn.notice_id = fp.notice_id
         WHERE d.company_id = $1 AND d.id = $2
         ORDER BY fn.last_updated DESC, fn.notice_id",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_all(&mut *conn)
    .await?;
    if listings.is_empty() {
        return Ok(Vec::new());
    }
    // The narrowing of those listings: (notice, first, last) and (notice, type, key).
    let serials: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT fs.notice_id, fs.first_serial, fs.last_serial
         FROM devices d JOIN field_notice_serials fs ON fs.pid_key = d.pid_key
         WHERE d.company_id = $1 AND d.id = $2",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_all(&mut *conn)
    .await?;
    let releases: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT fr.notice_id, fr.software_type, fr.release_key
         FROM devices d JOIN field_notice_releases fr ON fr.pid_key = d.pid_key
         WHERE d.company_id = $1 AND d.id = $2",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_all(conn)
    .await?;
    let mut notices: Vec<DeviceNotice> = listings
        .into_iter()
        .map(|row| {
            let scope = NoticeScope {
                serial_ranges: serials
                    .iter()
                    .filter(|(id, _, _)| *id == row.notice_id)
                    .map(|(_, first, last)| SerialRange {
                        first: first.clone(),
                        last: last.clone(),
                    })
                    .collect(),
                releases: releases
                    .iter()
                    .filter(|(id, _, _)| *id == row.notice_id)
                    .map(|(_, t, k)| (t.clone(), k.clone()))
                    .collect(),
                software_versions: row.software_versions.clone(),
            };
            let decided = applies(&scope, &row.serial_key, &row.software_type, &row.release_key);
            DeviceNotice {
                notice_type: NoticeType::parse(&row.notice_type).unwrap_or(NoticeType::Hardware),
                affected: decided.is_ok(),
                reason: decided.unwrap_or_else(|why_not| why_not),
                notice_id: row.notice_id,
                title: row.title,
                url: row.url,
                first_published: row.first_published,
                last_updated: row.last_updated,
                solution: row.solution,
            }
        })
        .collect();
    // Stable: within each group the most recently updated stays first.
    notices.sort_by_key(|n| !n.affected);
    Ok(notices)
}

#[derive(sqlx::FromRow)]
struct TrainDevices {
    software_type: String,
    release_train: String,
    #[sqlx(flatten)]
    bulletin: BulletinDevices,
}

/// The release trains with an end-of-life bulletin the company's devices run, the furthest gone
/// first, then the most devices. Devices are grouped by release first (a company runs few).
async fn software_trains(
    conn: &mut AnyConnection,
    company_id: &str,
    today: &str,
) -> Result<Vec<CompanySoftwareTrain>, sqlx::Error> {
    let columns = MILESTONE_COLUMNS.replace("eb.", "se.");
    let rows: Vec<TrainDevices> = sqlx::query_as(&format!(
        "SELECT se.software_type, se.release_train, se.bulletin_number, se.title, se.url,
                {columns}, CAST(SUM(d.devices) AS BIGINT) AS devices
         FROM (SELECT software_type, release_key, CAST(SUM(devices) AS BIGINT) AS devices
               FROM device_groups WHERE company_id = $1 AND release_key <> ''
               GROUP BY software_type, release_key) d
         JOIN software_eox se ON {}
         GROUP BY se.software_type, se.release_train, se.bulletin_number, se.title, se.url, {columns}",
        crate::train_match_sql!()
    ))
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    let mut trains: Vec<CompanySoftwareTrain> = rows
        .into_iter()
        .map(|t| CompanySoftwareTrain {
            bulletin: t.bulletin.on(today),
            software_type: t.software_type,
            release_train: t.release_train,
        })
        .collect();
    trains.sort_by(|a, b| {
        let (x, y) = (&a.bulletin, &b.bulletin);
        (furthest_gone(y.stage), y.devices, &a.software_type, &a.release_train).cmp(&(
            furthest_gone(x.stage),
            x.devices,
            &b.software_type,
            &b.release_train,
        ))
    });
    Ok(trains)
}

/// A stage's place in [`EolStage::ORDER`] (later is further gone).
fn furthest_gone(stage: EolStage) -> Option<usize> {
    EolStage::ORDER.iter().position(|s| *s == stage)
}

/// Every bulletin, advisory and notice affecting the company's devices, on `today`.
pub async fn company_alerts(
    conn: &mut AnyConnection,
    company_id: &str,
    today: &str,
) -> Result<CompanyAlerts, sqlx::Error> {
    let bulletins = bulletins_listing(&mut *conn, company_id).await?;
    let mut bulletins: Vec<CompanyBulletin> = bulletins
        .into_iter()
        .map(|b| b.on(today))
        .collect();
    // The furthest gone first, then the most devices.
    bulletins.sort_by(|a, b| {
        (furthest_gone(b.stage), b.devices, &a.bulletin_number).cmp(&(
            furthest_gone(a.stage),
            a.devices,
            &b.bulletin_number,
        ))
    });
    let advisories = company_advisories(&mut *conn, company_id).await?;
    let software_trains = software_trains(&mut *conn, company_id, today).await?;
    let notices = notices_affecting(conn, company_id)
        .await?
        .into_iter()
        .map(NoticeDevices::notice)
        .collect();
    Ok(CompanyAlerts {
        bulletins,
        software_trains,
        advisories,
        notices,
    })
}

/// The software the company's device `device_id` ran before, oldest first, each with when an
/// upload replaced it and the advisories affecting that release (as published today).
pub async fn earlier_software(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<Vec<super::history::EarlierSoftware>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT h.software_type, h.software_version, h.release_key, u.created_at, h.ended_by_upload
         FROM device_software_history h
         JOIN uploads u ON u.id = h.ended_by_upload AND u.company_id = h.company_id
         WHERE h.company_id = $1 AND h.device_id = $2
         ORDER BY h.id",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut earlier = Vec::with_capacity(rows.len());
    for (software_type, software_version, release_key, replaced_at, upload) in rows {
        let advisories = release_advisories(&mut *conn, &software_type, &release_key).await?;
        earlier.push(super::history::EarlierSoftware {
            software_type,
            software_version,
            advisories,
            replaced_at,
            replaced_by_upload: upload,
        });
    }
    Ok(earlier)
}

/// The advisories affecting a release (none for an empty key), by id.
async fn release_advisories(
    conn: &mut AnyConnection,
    software_type: &str,
    release_key: &str,
) -> Result<Vec<String>, sqlx::Error> {
    if release_key.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar(
        "SELECT advisory_id FROM advisory_releases
         WHERE software_type = $1 AND release_key = $2 ORDER BY advisory_id",
    )
    .bind(software_type)
    .bind(release_key)
    .fetch_all(conn)
    .await
}

/// Counts again, per release and severity, the advisories affecting it into
/// `release_severity_exposure` (the Security advisories dashlet), and from those per release into
/// `release_exposure` (which device rows and the Library's advisory filters read): one pass over
/// the advisories' releases. Run in the registry import that changed them.
pub async fn refresh_release_exposure(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM release_severity_exposure")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO release_severity_exposure
             (software_type, release_key, severity_rank, vulnerable, potentially)
         SELECT ar.software_type, ar.release_key, sa.severity_rank,
                SUM(CASE WHEN sa.configuration_dependent THEN 0 ELSE 1 END),
                SUM(CASE WHEN sa.configuration_dependent THEN 1 ELSE 0 END)
         FROM advisory_releases ar JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id
         GROUP BY ar.software_type, ar.release_key, sa.severity_rank",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM release_exposure")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO release_exposure (software_type, release_key, vulnerable, potentially, worst_rank)
         SELECT software_type, release_key, CAST(SUM(vulnerable) AS BIGINT),
                CAST(SUM(potentially) AS BIGINT), MAX(severity_rank)
         FROM release_severity_exposure GROUP BY software_type, release_key",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The same day a year after `today` (`YYYY-MM-DD`; 29 February goes to 28 February).
fn a_year_after(today: &str) -> String {
    let year: i32 = today[..4].parse().unwrap_or(9999);
    let rest = if &today[4..] == "-02-29" {
        "-02-28"
    } else {
        &today[4..]
    };
    format!("{:04}{rest}", year + 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_year_on_is_the_same_day() {
        assert_eq!(super::a_year_after("2026-12-01"), "2027-12-01");
        assert_eq!(super::a_year_after("2028-02-29"), "2029-02-28");
    }

    #[test]
    fn advisories_are_listed_worst_first_then_by_devices_then_id() {
        let mut listed = [
            (3, 5, "SA-B"),
            (4, 1, "SA-Z"),
            (3, 9, "SA-C"),
            (3, 5, "SA-A"),
            (1, 900, "SA-0"),
        ];
        listed.sort_by(|a, b| super::worst_first(a.0, a.1, a.2).cmp(&super::worst_first(b.0, b.1, b.2)));
        let ids: Vec<&str> = listed.iter().map(|a| a.2).collect();
        assert_eq!(ids, ["SA-Z", "SA-C", "SA-A", "SA-B", "SA-0"]);
    }
}
