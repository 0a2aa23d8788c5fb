//! What the end-of-life files' rows must say: `eox_bulletins.csv` (a bulletin and its
//! milestones), `eox_products.csv` (the products each lists, with their replacement) and
//! `software_eox.csv` (the milestones of a software release train).

use std::collections::{HashMap, HashSet};

use super::{
    fields::{self, MAX_ID, MAX_TEXT},
    records::{field, first_time, RowRules},
    table::Row,
    RowError,
};
use crate::{
    alerts::{
        milestones::{MilestoneKind, Milestones},
        release::{Release, SoftwareType},
    },
    coverage::normalise::pid_key,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EoxBulletinRecord {
    pub bulletin_number: String,
    pub title: String,
    pub url: String,
    pub milestones: Milestones,
}

#[derive(Default)]
pub struct EoxBulletinRules {
    seen: HashMap<String, u64>,
}

impl RowRules for EoxBulletinRules {
    type Record = EoxBulletinRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<EoxBulletinRecord, RowError> {
        let bulletin_number = field(row, "bulletin_number", |v| fields::required(v, MAX_ID))?;
        first_time(
            &mut self.seen,
            bulletin_number.clone(),
            row,
            "bulletin_number",
            "bulletin number",
        )?;
        let title = field(row, "title", |v| fields::required(v, MAX_TEXT))?;
        let url = field(row, "url", fields::web_address)?;
        let milestones = read_milestones(row)?;
        Ok(EoxBulletinRecord {
            bulletin_number,
            title,
            url,
            milestones,
        })
    }
}

/// The nine milestone columns of a row, each a date or `TBA`, the stages in order.
fn read_milestones(row: &Row<'_>) -> Result<Milestones, RowError> {
    let date = |kind: MilestoneKind| field(row, kind.column(), fields::milestone);
    let milestones = Milestones {
        announcement_date: date(MilestoneKind::Announcement)?,
        end_of_sale: date(MilestoneKind::EndOfSale)?,
        last_ship: date(MilestoneKind::LastShip)?,
        end_of_software_maintenance: date(MilestoneKind::EndOfSoftwareMaintenance)?,
        end_of_security_support: date(MilestoneKind::EndOfSecuritySupport)?,
        end_of_routine_failure_analysis: date(MilestoneKind::EndOfRoutineFailureAnalysis)?,
        end_of_new_service_attachment: date(MilestoneKind::EndOfNewServiceAttachment)?,
        end_of_service_contract_renewal: date(MilestoneKind::EndOfServiceContractRenewal)?,
        last_date_of_support: date(MilestoneKind::LastDateOfSupport)?,
    };
    if let Some((earlier, later)) = milestones.out_of_order() {
        return Err(row.error(
            later.column(),
            format!(
                "{} {} is before {} {}",
                later.column(),
                milestones.date(later),
                earlier.column(),
                milestones.date(earlier)
            ),
        ));
    }
    Ok(milestones)
}

/// A software release train's end of life (`software_eox.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftwareEoxRecord {
    /// As NetCare names it (`IOS XE`).
    pub software_type: String,
    /// As its releases' keys start (`17.9`, `15.2E`).
    pub release_train: String,
    pub bulletin_number: String,
    pub title: String,
    pub url: String,
    pub milestones: Milestones,
}

#[derive(Default)]
pub struct SoftwareEoxRules {
    seen: HashMap<(SoftwareType, String), u64>,
}

impl RowRules for SoftwareEoxRules {
    type Record = SoftwareEoxRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<SoftwareEoxRecord, RowError> {
        let software = field(row, "software_type", super::advisory_records::software_type)?;
        let release_train = field(row, "release_train", |v| {
            let release = Release::parse(software, v).map_err(|problem| problem.to_string())?;
            // A train is a release with nothing after its train: `17.9`, not `17.9.4`.
            if release.key() != release.train() {
                return Err(format!(
                    "`{v}` is a release, not a train: give the train it belongs to ({})",
                    release.train()
                ));
            }
            Ok(release.train().to_owned())
        })?;
        first_time(
            &mut self.seen,
            (software, release_train.clone()),
            row,
            "release_train",
            "release train of this software type",
        )?;
        Ok(SoftwareEoxRecord {
            software_type: software.label().to_owned(),
            release_train,
            bulletin_number: field(row, "bulletin_number", |v| fields::required(v, MAX_ID))?,
            title: field(row, "title", |v| fields::required(v, MAX_TEXT))?,
            url: field(row, "url", fields::web_address)?,
            milestones: read_milestones(row)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EoxProductRecord {
    pub pid_key: String,
    pub product_id: String,
    pub bulletin_number: String,
    pub replacement_pid: String,
    pub migration_note: String,
}

pub struct EoxProductRules {
    bulletins: HashSet<String>,
    seen: HashMap<String, u64>,
}

impl EoxProductRules {
    /// `bulletins`: every bulletin number the registry holds (this import's included).
    pub fn new(bulletins: HashSet<String>) -> Self {
        Self {
            bulletins,
            seen: HashMap::new(),
        }
    }
}

impl RowRules for EoxProductRules {
    type Record = EoxProductRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<EoxProductRecord, RowError> {
        let bulletin_number = field(row, "bulletin_number", |v| fields::required(v, MAX_ID))?;
        if !self.bulletins.contains(&bulletin_number) {
            return Err(row.error(
                "bulletin_number",
                format!("unknown bulletin `{bulletin_number}` (list it in eox_bulletins.csv)"),
            ));
        }
        let product_id = field(row, "product_id", |v| fields::required(v, MAX_ID))?;
        let key = pid_key(&product_id);
        if key.is_empty() {
            return Err(row.error("product_id", "a product ID is required"));
        }
        // A product is in one bulletin: two would give it two sets of dates.
        first_time(&mut self.seen, key.clone(), row, "product_id", "product ID")?;
        Ok(EoxProductRecord {
            pid_key: key,
            product_id,
            bulletin_number,
            replacement_pid: field(row, "replacement_pid", |v| fields::optional(v, MAX_ID))?,
            migration_note: field(row, "migration_note", |v| fields::optional(v, MAX_TEXT))?,
        })
    }
}
