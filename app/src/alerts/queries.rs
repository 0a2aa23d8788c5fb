//! The alerts' SQL; every function takes the company id.

use sqlx::AnyConnection;

use super::{EolStage, EolSummary, MilestoneKind, Milestones, UpcomingMilestone, UPCOMING_SHOWN};

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
