//! The alerts' SQL; every function takes the company id.

use sqlx::AnyConnection;

use std::collections::{HashMap, HashSet};

use super::{
    AdvisoryState, AdvisorySummary, CompanyAdvisory, DeviceAdvisory, EolStage, EolSummary,
    MilestoneKind, Milestones, Severity, SeverityCount, UpcomingMilestone, ADVISORIES_SHOWN,
    UPCOMING_SHOWN,
};
use crate::platform::db::DbBool;

/// The milestone columns of a bulletin `eb`, in [`MilestoneKind::ALL`] order.
pub const MILESTONE_COLUMNS: &str = "eb.announcement_date, eb.end_of_sale, eb.last_ship, \
     eb.end_of_software_maintenance, eb.end_of_security_support, \
     eb.end_of_routine_failure_analysis, eb.end_of_new_service_attachment, \
     eb.end_of_service_contract_renewal, eb.last_date_of_support";

#[derive(sqlx::FromRow)]
struct BulletinDevices {
    bulletin_number: String,
    title: String,
    #[sqlx(flatten)]
    milestones: Milestones,
    devices: i64,
}

/// The company's devices by stage on `today`, and the milestones of the next 12 months. Counted
/// per bulletin in SQL (a company has few bulletins, however many devices), decided per bulletin
/// by the same rule the device rows use.
pub async fn eol_summary(
    conn: &mut AnyConnection,
    company_id: &str,
    today: &str,
) -> Result<EolSummary, sqlx::Error> {
    let bulletins: Vec<BulletinDevices> = sqlx::query_as(&format!(
        "SELECT eb.bulletin_number, eb.title, {MILESTONE_COLUMNS}, n.devices
         FROM (SELECT ep.bulletin_number, COUNT(*) AS devices
               FROM devices d JOIN eox_products ep ON ep.pid_key = d.pid_key
               WHERE d.company_id = $1 GROUP BY ep.bulletin_number) n
         JOIN eox_bulletins eb ON eb.bulletin_number = n.bulletin_number
         ORDER BY eb.bulletin_number"
    ))
    .bind(company_id)
    .fetch_all(&mut *conn)
    .await?;
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE company_id = $1")
        .bind(company_id)
        .fetch_one(conn)
        .await?;
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

/// One advisory affecting one release group of the company's devices.
#[derive(sqlx::FromRow)]
struct GroupExposure {
    software_type: String,
    release_key: String,
    devices: i64,
    advisory_id: String,
    title: String,
    url: String,
    severity_rank: i64,
    cvss_base_score: String,
    configuration_dependent: DbBool,
    last_updated: String,
}

/// The company's devices grouped by release (a company runs few releases, however many devices),
/// matched to the advisories' affected releases; severities and counts decided in Rust. A device
/// is counted once per severity however many advisories of it affect the device.
pub async fn advisory_summary(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<AdvisorySummary, sqlx::Error> {
    let exposures: Vec<GroupExposure> = sqlx::query_as(
        "SELECT g.software_type, g.release_key, g.devices, sa.advisory_id, sa.title, sa.url,
                sa.severity_rank, sa.cvss_base_score, sa.configuration_dependent, sa.last_updated
         FROM (SELECT software_type, release_key, COUNT(*) AS devices FROM devices
               WHERE company_id = $1 AND release_key <> ''
               GROUP BY software_type, release_key) g
         JOIN advisory_releases ar
           ON ar.software_type = g.software_type AND ar.release_key = g.release_key
         JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id",
    )
    .bind(company_id)
    .fetch_all(&mut *conn)
    .await?;
    let devices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE company_id = $1")
        .bind(company_id)
        .fetch_one(&mut *conn)
        .await?;
    let not_assessed: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM devices d WHERE d.company_id = $1 AND {}",
        AdvisoryState::NotAssessed.state_sql()
    ))
    .bind(company_id)
    .fetch_one(&mut *conn)
    .await?;

    let mut advisories: HashMap<String, CompanyAdvisory> = HashMap::new();
    // Per severity: the release groups an advisory of it affects, with and without configuration.
    type Groups<'a> = HashMap<(&'a str, &'a str), i64>;
    let mut vulnerable: HashMap<Severity, Groups> = HashMap::new();
    let mut potentially: HashMap<Severity, Groups> = HashMap::new();
    let mut by_severity_ids: HashMap<Severity, HashSet<&str>> = HashMap::new();
    for exposure in &exposures {
        let Some(severity) = Severity::from_rank(exposure.severity_rank) else {
            continue;
        };
        let group = (exposure.software_type.as_str(), exposure.release_key.as_str());
        let groups = if exposure.configuration_dependent.0 {
            &mut potentially
        } else {
            &mut vulnerable
        };
        groups
            .entry(severity)
            .or_default()
            .insert(group, exposure.devices);
        by_severity_ids
            .entry(severity)
            .or_default()
            .insert(&exposure.advisory_id);
        advisories
            .entry(exposure.advisory_id.clone())
            .or_insert_with(|| CompanyAdvisory {
                advisory_id: exposure.advisory_id.clone(),
                title: exposure.title.clone(),
                url: exposure.url.clone(),
                severity,
                cvss_base_score: exposure.cvss_base_score.clone(),
                configuration_dependent: exposure.configuration_dependent.0,
                last_updated: exposure.last_updated.clone(),
                devices: 0,
            })
            .devices += exposure.devices as u64;
    }
    let by_severity = Severity::WORST_FIRST
        .into_iter()
        .map(|severity| {
            let sure = vulnerable.get(&severity);
            let vulnerable_devices: i64 = sure.map_or(0, |g| g.values().sum());
            // A group also affected without configuration is counted as vulnerable only.
            let potentially_vulnerable_devices: i64 = potentially.get(&severity).map_or(0, |g| {
                g.iter()
                    .filter(|(group, _)| sure.is_none_or(|s| !s.contains_key(*group)))
                    .map(|(_, n)| n)
                    .sum()
            });
            SeverityCount {
                severity,
                advisories: by_severity_ids.get(&severity).map_or(0, |ids| ids.len()) as u64,
                vulnerable_devices: vulnerable_devices as u64,
                potentially_vulnerable_devices: potentially_vulnerable_devices as u64,
            }
        })
        .collect();
    let mut listed: Vec<CompanyAdvisory> = advisories.into_values().collect();
    listed.sort_by(|a, b| {
        (b.severity, b.devices, &a.advisory_id).cmp(&(a.severity, a.devices, &b.advisory_id))
    });
    let advisories_total = listed.len() as u64;
    listed.truncate(ADVISORIES_SHOWN);
    Ok(AdvisorySummary {
        by_severity,
        advisories: listed,
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

fn listed(text: &str) -> Vec<String> {
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
}
