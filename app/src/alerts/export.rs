//! Library → Alerts as a file: every alert that concerns the company, with each device it
//! concerns, one row per pair — the list a team works through. Security advisories (worst first),
//! field notices (most recently updated first), hardware and software end of life (by bulletin).

use super::{
    advisories::upgrade_advice, milestones::date_label, queries::MILESTONE_COLUMNS, AdvisoryState,
    DeviceAdvisory, Milestones, NextMilestone, Severity,
};
use crate::platform::db::DbBool;

/// The file's header, in the order of [`AlertDeviceRow::cells`].
pub const ALERT_EXPORT_COLUMNS: [&str; 19] = [
    "alert_type",
    "alert_id",
    "title",
    "url",
    "severity",
    "cvss_base_score",
    "cve_ids",
    "state",
    "next_milestone",
    "next_milestone_date",
    "last_date_of_support",
    "what_to_do",
    "last_updated",
    "hostname",
    "serial_number",
    "product_id",
    "site",
    "software_type",
    "software_version",
];

/// The four kinds of alert, in the order the file lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    SecurityAdvisory,
    FieldNotice,
    HardwareEndOfLife,
    SoftwareEndOfLife,
}

impl AlertKind {
    pub const ALL: [AlertKind; 4] = [
        AlertKind::SecurityAdvisory,
        AlertKind::FieldNotice,
        AlertKind::HardwareEndOfLife,
        AlertKind::SoftwareEndOfLife,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::SecurityAdvisory => "security_advisory",
            AlertKind::FieldNotice => "field_notice",
            AlertKind::HardwareEndOfLife => "hardware_end_of_life",
            AlertKind::SoftwareEndOfLife => "software_end_of_life",
        }
    }

    /// The spreadsheet's sheet for this kind.
    pub fn sheet_name(self) -> &'static str {
        match self {
            AlertKind::SecurityAdvisory => "Security advisories",
            AlertKind::FieldNotice => "Field notices",
            AlertKind::HardwareEndOfLife => "Hardware end of life",
            AlertKind::SoftwareEndOfLife => "Software end of life",
        }
    }

    /// The SELECT reading this kind's [`AlertDeviceRow`]s for the company `$1`, in file order.
    /// Every kind names the same columns (empty where a kind has nothing to say).
    pub fn sql(self) -> String {
        const DEVICE: &str = "d.hostname, d.serial_number, d.product_id, d.site, d.software_type, \
             d.software_version";
        let joined = |table: &str| {
            MILESTONE_COLUMNS
                .replace("eb.", &format!("{table}."))
                .split(", ")
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" || ' ' || ")
        };
        match self {
            AlertKind::SecurityAdvisory => format!(
                "SELECT sa.advisory_id AS alert_id, sa.title, sa.url, sa.severity_rank,
                        sa.cvss_base_score, sa.cve_ids, sa.configuration_dependent,
                        sa.first_published, sa.last_updated, ar.affected_release, ar.first_fixed,
                        '' AS detail, '' AS milestones, {DEVICE}
                 FROM devices d
                 JOIN advisory_releases ar
                   ON ar.software_type = d.software_type AND ar.release_key = d.release_key
                 JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id
                 WHERE d.company_id = $1
                 ORDER BY sa.severity_rank DESC, sa.advisory_id, d.hostname, d.id"
            ),
            AlertKind::FieldNotice => format!(
                "SELECT fn.notice_id AS alert_id, fn.title, fn.url, CAST(0 AS BIGINT) AS severity_rank,
                        '' AS cvss_base_score, '' AS cve_ids,
                        FALSE AS configuration_dependent, fn.first_published, fn.last_updated,
                        '' AS affected_release, '' AS first_fixed, fn.solution AS detail,
                        '' AS milestones, {DEVICE}
                 FROM devices d
                 JOIN field_notice_products fp ON {}
                 JOIN field_notices fn ON fn.notice_id = fp.notice_id
                 WHERE d.company_id = $1
                 ORDER BY fn.last_updated DESC, fn.notice_id, d.hostname, d.id",
                super::notices::AFFECTED_SQL
            ),
            AlertKind::HardwareEndOfLife => format!(
                "SELECT eb.bulletin_number AS alert_id, eb.title, eb.url,
                        CAST(0 AS BIGINT) AS severity_rank, '' AS cvss_base_score, '' AS cve_ids,
                        FALSE AS configuration_dependent, '' AS first_published,
                        '' AS last_updated, '' AS affected_release, ep.replacement_pid AS first_fixed,
                        ep.migration_note AS detail, {} AS milestones, {DEVICE}
                 FROM devices d
                 JOIN eox_products ep ON ep.pid_key = d.pid_key
                 JOIN eox_bulletins eb ON eb.bulletin_number = ep.bulletin_number
                 WHERE d.company_id = $1
                 ORDER BY eb.bulletin_number, d.hostname, d.id",
                joined("eb")
            ),
            AlertKind::SoftwareEndOfLife => format!(
                "SELECT se.bulletin_number AS alert_id, se.title, se.url,
                        CAST(0 AS BIGINT) AS severity_rank, '' AS cvss_base_score, '' AS cve_ids,
                        FALSE AS configuration_dependent, '' AS first_published,
                        '' AS last_updated, se.release_train AS affected_release, '' AS first_fixed,
                        '' AS detail, {} AS milestones, {DEVICE}
                 FROM devices d
                 JOIN software_eox se ON {}
                 WHERE d.company_id = $1
                 ORDER BY se.software_type, se.release_train, d.hostname, d.id",
                joined("se"),
                crate::train_match_sql!()
            ),
        }
    }
}

/// One alert and one device it concerns, as [`AlertKind::sql`] reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlertDeviceRow {
    alert_id: String,
    title: String,
    url: String,
    severity_rank: i64,
    cvss_base_score: String,
    cve_ids: String,
    configuration_dependent: DbBool,
    first_published: String,
    last_updated: String,
    /// The advisory's listed release; the release train for software end of life.
    affected_release: String,
    /// An advisory's first fixed releases; the replacement product for hardware end of life.
    first_fixed: String,
    /// A notice's solution; the replacement's migration note for hardware end of life.
    detail: String,
    /// A bulletin's nine milestones, space-separated.
    milestones: String,
    hostname: String,
    serial_number: String,
    product_id: String,
    site: String,
    software_type: String,
    software_version: String,
}

impl AlertDeviceRow {
    /// The row's cells under [`ALERT_EXPORT_COLUMNS`], decided on `today`.
    pub fn cells(self, kind: AlertKind, today: &str) -> [String; ALERT_EXPORT_COLUMNS.len()] {
        let mut severity = String::new();
        let mut cvss = String::new();
        let mut state = String::new();
        let (mut next, mut next_date, mut last_date) = (String::new(), String::new(), String::new());
        let mut what_to_do: String;
        match kind {
            AlertKind::SecurityAdvisory => {
                let advisory_state = if self.configuration_dependent.0 {
                    AdvisoryState::PotentiallyVulnerable
                } else {
                    AdvisoryState::Vulnerable
                };
                state = advisory_state.as_str().to_owned();
                severity = Severity::from_rank(self.severity_rank)
                    .map(|s| s.label().to_owned())
                    .unwrap_or_default();
                cvss = self.cvss_base_score.clone();
                let advisory = DeviceAdvisory {
                    advisory_id: self.alert_id.clone(),
                    title: String::new(),
                    url: String::new(),
                    severity: Severity::from_rank(self.severity_rank).unwrap_or(Severity::Low),
                    cvss_base_score: String::new(),
                    cve_ids: Vec::new(),
                    first_published: self.first_published.clone(),
                    last_updated: self.last_updated.clone(),
                    state: advisory_state,
                    affected_release: self.affected_release.clone(),
                    first_fixed: super::queries::listed(&self.first_fixed),
                };
                what_to_do =
                    upgrade_advice(&self.software_type, &self.software_version, &[advisory])
                        .unwrap_or_default();
                if advisory_state == AdvisoryState::PotentiallyVulnerable {
                    what_to_do = format!(
                        "Check whether the device's configuration exposes it. {what_to_do}"
                    );
                }
            }
            AlertKind::FieldNotice => {
                state = "affected".to_owned();
                what_to_do = self.detail.clone();
            }
            AlertKind::HardwareEndOfLife | AlertKind::SoftwareEndOfLife => {
                if let Some(milestones) = Milestones::from_joined(&self.milestones) {
                    state = milestones.stage_on(today).as_str().to_owned();
                    if let Some(n) = NextMilestone::after(&milestones, today) {
                        next = n.milestone.label().to_owned();
                        next_date = n.date;
                    }
                    last_date = date_label(&milestones.last_date_of_support);
                }
                what_to_do = match (kind, self.first_fixed.as_str()) {
                    (AlertKind::HardwareEndOfLife, "") => String::new(),
                    (AlertKind::HardwareEndOfLife, replacement) => {
                        format!("Replace with {replacement}. {}", self.detail)
                            .trim_end()
                            .to_owned()
                    }
                    _ => format!(
                        "Plan the move off the {} {} train.",
                        self.software_type, self.affected_release
                    ),
                };
            }
        }
        [
            kind.as_str().to_owned(),
            self.alert_id,
            self.title,
            self.url,
            severity,
            cvss,
            self.cve_ids.replace(';', " "),
            state,
            next,
            next_date,
            last_date,
            what_to_do,
            self.last_updated,
            self.hostname,
            self.serial_number,
            self.product_id,
            self.site,
            self.software_type,
            self.software_version,
        ]
    }
}
