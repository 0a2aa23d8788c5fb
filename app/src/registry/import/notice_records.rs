//! What the field notice files' rows must say: `field_notices.csv` (a notice, its type, dates and
//! solution) and `field_notice_products.csv` (each product it applies to, optionally narrowed to
//! serial numbers or ranges and/or software releases).

use std::collections::{HashMap, HashSet};

use super::{
    fields::{self, MAX_ID, MAX_TEXT},
    records::{field, first_time, publication_dates, RowRules},
    table::Row,
    RowError,
};
use crate::{
    alerts::{
        notices::{parse_serial_ranges, NoticeType, SerialRange},
        release::{Release, SoftwareType},
    },
    coverage::normalise::{pid_key, serial_key},
};

/// The longest solution text kept.
const MAX_SOLUTION: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNoticeRecord {
    pub notice_id: String,
    pub title: String,
    pub url: String,
    pub notice_type: NoticeType,
    pub first_published: String,
    pub last_updated: String,
    pub solution: String,
}

#[derive(Default)]
pub struct FieldNoticeRules {
    seen: HashMap<String, u64>,
}

impl RowRules for FieldNoticeRules {
    type Record = FieldNoticeRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<FieldNoticeRecord, RowError> {
        let notice_id = field(row, "notice_id", |v| fields::required(v, MAX_ID))?;
        first_time(
            &mut self.seen,
            notice_id.clone(),
            row,
            "notice_id",
            "notice id",
        )?;
        let title = field(row, "title", |v| fields::required(v, MAX_TEXT))?;
        let url = field(row, "url", fields::web_address)?;
        let notice_type = field(row, "notice_type", |v| {
            NoticeType::parse(v).ok_or_else(|| format!("`{v}` is not hardware or software"))
        })?;
        let (first_published, last_updated) = publication_dates(row)?;
        let solution = field(row, "solution", |v| fields::optional(v, MAX_SOLUTION))?;
        Ok(FieldNoticeRecord {
            notice_id,
            title,
            url,
            notice_type,
            first_published,
            last_updated,
            solution,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNoticeProductRecord {
    pub notice_id: String,
    pub pid_key: String,
    pub product_id: String,
    pub serial_numbers: String,
    /// As NetCare names it (`IOS XE`); empty when no release narrows the listing.
    pub software_type: String,
    pub software_versions: String,
    pub serial_ranges: Vec<SerialRange>,
    /// Release keys of `software_type`.
    pub release_keys: Vec<String>,
}

pub struct FieldNoticeProductRules {
    notices: HashSet<String>,
    seen: HashMap<(String, String), u64>,
}

impl FieldNoticeProductRules {
    /// `notices`: every notice id the registry holds (this import's included).
    pub fn new(notices: HashSet<String>) -> Self {
        Self {
            notices,
            seen: HashMap::new(),
        }
    }
}

impl RowRules for FieldNoticeProductRules {
    type Record = FieldNoticeProductRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<FieldNoticeProductRecord, RowError> {
        let notice_id = field(row, "notice_id", |v| fields::required(v, MAX_ID))?;
        if !self.notices.contains(&notice_id) {
            return Err(row.error(
                "notice_id",
                format!("unknown field notice `{notice_id}` (list it in field_notices.csv)"),
            ));
        }
        let product_id = field(row, "product_id", |v| fields::required(v, MAX_ID))?;
        let key = pid_key(&product_id);
        if key.is_empty() {
            return Err(row.error("product_id", "a product ID is required"));
        }
        first_time(
            &mut self.seen,
            (notice_id.clone(), key.clone()),
            row,
            "product_id",
            "product ID of this notice",
        )?;
        let serial_numbers = field(row, "serial_numbers", |v| {
            fields::optional(v, MAX_TEXT * 10)
        })?;
        let serial_ranges = field(row, "serial_numbers", |v| {
            parse_serial_ranges(v, serial_key)
        })?;
        let software_versions = field(row, "software_versions", |v| fields::optional(v, MAX_TEXT))?;
        let type_text = field(row, "software_type", |v| fields::optional(v, MAX_ID))?;
        let (software_type, release_keys) = if software_versions.trim().is_empty() {
            if !type_text.is_empty() {
                return Err(row.error(
                    "software_versions",
                    "a software type is given without the releases it narrows to",
                ));
            }
            (String::new(), Vec::new())
        } else {
            let software = if type_text.is_empty() {
                let known = SoftwareType::names();
                let reason = format!("the releases need their software type ({known})");
                return Err(row.error("software_type", reason));
            } else {
                super::advisory_records::software_type(&type_text)
                    .map_err(|reason| row.error("software_type", reason))?
            };
            let mut keys = Vec::new();
            for text in software_versions
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
            {
                let release = Release::parse(software, text)
                    .map_err(|problem| row.error("software_versions", problem.to_string()))?;
                if !keys.contains(&release.key()) {
                    keys.push(release.key());
                }
            }
            (software.label().to_owned(), keys)
        };
        Ok(FieldNoticeProductRecord {
            notice_id,
            pid_key: key,
            product_id,
            serial_numbers,
            software_type,
            software_versions,
            serial_ranges,
            release_keys,
        })
    }
}
