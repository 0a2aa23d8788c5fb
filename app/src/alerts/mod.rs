//! Product alerts: end-of-life milestones (hardware and software), field notices and security
//! advisories per device, decided when a device is read from the registry's bulletins (nothing
//! stored per device goes stale), and the company-wide summaries, Library → Alerts and its export.

pub mod advisories;
pub mod history;
pub mod milestones;
pub mod notices;
pub mod release;
server_only! {
    pub mod export;
    pub mod queries;
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;
use crate::AppError;
pub use advisories::{AdvisoryState, DeviceAdvisory, SecurityAssessment, Severity};
pub use milestones::{EolStage, MilestoneKind, Milestones};
pub use notices::{DeviceNotice, NoticeType};

/// A device's hardware end of life: the bulletin listing its product, where it stands today and
/// what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HardwareEndOfLife {
    pub bulletin_number: String,
    pub title: String,
    /// The bulletin on the vendor's site (may be empty).
    pub url: String,
    pub stage: EolStage,
    /// The next milestone with a known date (`None`: none is left, or the rest are to be
    /// announced).
    pub next_milestone: Option<NextMilestone>,
    /// The product the vendor suggests instead (`None`: the bulletin names none).
    pub replacement_product_id: Option<String>,
    pub migration_note: String,
    pub milestones: Milestones,
}

impl HardwareEndOfLife {
    /// Where a device of a product `milestones` lists stands on `today`.
    pub fn on(
        today: &str,
        bulletin_number: String,
        title: String,
        url: String,
        milestones: Milestones,
        replacement: String,
        migration_note: String,
    ) -> Self {
        let next_milestone = NextMilestone::after(&milestones, today);
        HardwareEndOfLife {
            bulletin_number,
            title,
            url,
            stage: milestones.stage_on(today),
            next_milestone,
            replacement_product_id: (!replacement.is_empty()).then_some(replacement),
            migration_note,
            milestones,
        }
    }
}

/// A device `d` runs a release of the train `se` (`software_eox`): same type, and its release is
/// the train or starts with the train and a dot (`17.9.4` is of `17.9`, `17.10.1` is not).
#[macro_export]
macro_rules! train_match_sql {
    () => {
        "se.software_type = d.software_type AND d.release_key <> '' \
     AND (d.release_key = se.release_train \
          OR substr(d.release_key, 1, length(se.release_train) + 1) = se.release_train || '.')"
    };
}

/// A device's software end of life: the milestones of its release train.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SoftwareEndOfLife {
    pub software_type: String,
    /// The train its release belongs to (`17.9`, `15.2E`).
    pub release_train: String,
    pub bulletin_number: String,
    pub title: String,
    /// The bulletin on the vendor's site (may be empty).
    pub url: String,
    pub stage: EolStage,
    pub next_milestone: Option<NextMilestone>,
    pub milestones: Milestones,
}

impl SoftwareEndOfLife {
    /// Where a device on a release of the train `milestones` describes stands on `today`.
    pub fn on(
        today: &str,
        software_type: String,
        release_train: String,
        bulletin_number: String,
        title: String,
        url: String,
        milestones: Milestones,
    ) -> Self {
        let next_milestone = NextMilestone::after(&milestones, today);
        SoftwareEndOfLife {
            software_type,
            release_train,
            bulletin_number,
            title,
            url,
            stage: milestones.stage_on(today),
            next_milestone,
            milestones,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NextMilestone {
    pub milestone: MilestoneKind,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub date: String,
}

impl NextMilestone {
    /// The first of `milestones` after `today` with a known date.
    pub fn after(milestones: &Milestones, today: &str) -> Option<NextMilestone> {
        milestones
            .next_after(today)
            .map(|(milestone, date)| NextMilestone {
                milestone,
                date: date.to_owned(),
            })
    }
}

/// The company's hardware end of life at a glance, for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EolSummary {
    /// Devices by stage, the last stage first (past the last date of support), zeros included.
    pub by_stage: Vec<(EolStage, u64)>,
    /// Devices whose product no bulletin lists.
    pub not_announced: u64,
    /// Milestones within the next 12 months, soonest first.
    pub upcoming: Vec<UpcomingMilestone>,
}

impl EolSummary {
    pub fn devices(&self) -> u64 {
        self.not_announced + self.by_stage.iter().map(|(_, n)| n).sum::<u64>()
    }
}

/// A bulletin milestone coming for some of the company's devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingMilestone {
    pub bulletin_number: String,
    pub title: String,
    pub milestone: MilestoneKind,
    pub date: String,
    pub devices: u64,
}

/// How many upcoming milestones the dashboard lists.
pub const UPCOMING_SHOWN: usize = 10;

/// The company's devices by end-of-life stage and the milestones coming within a year.
#[server(endpoint = "alerts/eol-summary")]
pub async fn load_eol_summary() -> Result<EolSummary, AppError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        let today = crate::platform::clock::date_today();
        Ok(queries::eol_summary(&mut conn, company_id, &today).await?)
    })
    .await
}

/// The security advisories affecting the company, for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisorySummary {
    /// Worst first, zeros included.
    pub by_severity: Vec<SeverityCount>,
    /// The advisories affecting some of the company's devices, worst first, then the most
    /// devices (at most [`ADVISORIES_SHOWN`]).
    pub advisories: Vec<CompanyAdvisory>,
    /// How many advisories affect the company in all.
    pub advisories_total: u64,
    /// Devices NetCare cannot assess (no software type or version, or one no advisory covers).
    pub not_assessed: u64,
    pub devices: u64,
}

/// The company's exposure to the advisories of one severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCount {
    pub severity: Severity,
    pub advisories: u64,
    /// Devices an advisory of this severity affects regardless of configuration.
    pub vulnerable_devices: u64,
    /// Devices only advisories of this severity that depend on configuration affect.
    pub potentially_vulnerable_devices: u64,
}

/// An advisory affecting some of the company's devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyAdvisory {
    pub advisory_id: String,
    pub title: String,
    pub url: String,
    pub severity: Severity,
    pub cvss_base_score: String,
    pub configuration_dependent: bool,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub last_updated: String,
    /// The company's devices whose release it affects.
    pub devices: u64,
}

/// How many advisories the dashboard lists.
pub const ADVISORIES_SHOWN: usize = 10;

/// The company's exposure to security advisories, by severity, and the worst advisories.
#[server(endpoint = "alerts/advisory-summary")]
pub async fn load_advisory_summary() -> Result<AdvisorySummary, AppError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        Ok(queries::advisory_summary(&mut conn, company_id).await?)
    })
    .await
}

/// The field notices affecting the company, for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    /// The most recently updated first (at most [`NOTICES_SHOWN`]).
    pub notices: Vec<CompanyNotice>,
    /// How many notices affect the company in all.
    pub notices_total: u64,
    /// Devices at least one notice affects.
    pub devices_affected: u64,
    pub devices: u64,
}

/// A field notice affecting some of the company's devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyNotice {
    pub notice_id: String,
    pub title: String,
    pub url: String,
    pub notice_type: NoticeType,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub last_updated: String,
    /// The company's devices it affects.
    pub devices: u64,
}

/// How many notices the dashboard lists.
pub const NOTICES_SHOWN: usize = 10;

/// The field notices affecting the company, with their devices.
#[server(endpoint = "alerts/notice-summary")]
pub async fn load_notice_summary() -> Result<NoticeSummary, AppError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        Ok(queries::notice_summary(&mut conn, company_id).await?)
    })
    .await
}

/// An end-of-life bulletin listing some of the company's devices' products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyBulletin {
    pub bulletin_number: String,
    pub title: String,
    pub url: String,
    /// Where its products stand today.
    pub stage: EolStage,
    pub next_milestone: Option<NextMilestone>,
    /// `YYYY-MM-DD`, or `TBA` while the vendor has not announced it.
    pub last_date_of_support: String,
    /// The company's devices of the products it lists.
    pub devices: u64,
}

/// A software release train some of the company's devices run, with its end-of-life bulletin
/// (whose `devices` are those running a release of the train).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanySoftwareTrain {
    pub software_type: String,
    /// `17.3`, `15.2E`.
    pub release_train: String,
    #[serde(flatten)]
    pub bulletin: CompanyBulletin,
}

/// Everything that affects the company's devices: end-of-life bulletins of hardware and of
/// software trains (the furthest gone first), security advisories (the worst first) and field
/// notices (the most recently updated first), each with its devices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyAlerts {
    pub bulletins: Vec<CompanyBulletin>,
    pub software_trains: Vec<CompanySoftwareTrain>,
    pub advisories: Vec<CompanyAdvisory>,
    pub notices: Vec<CompanyNotice>,
}

/// Library → Alerts: every bulletin, advisory and notice affecting the company.
#[server(endpoint = "alerts/list")]
pub async fn load_company_alerts() -> Result<CompanyAlerts, AppError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        let today = crate::platform::clock::date_today();
        Ok(queries::company_alerts(&mut conn, company_id, &today).await?)
    })
    .await
}
