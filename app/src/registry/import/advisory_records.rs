//! What the security advisory files' rows must say: `security_advisories.csv` (an advisory, its
//! severity, score and CVEs) and `advisory_releases.csv` (per software type, each release it
//! affects and the first releases of that release's train that fix it).

use std::collections::{HashMap, HashSet};

use super::{
    fields::{self, MAX_ID, MAX_TEXT},
    records::{field, first_time, publication_dates, RowRules},
    table::Row,
    RowError,
};
use crate::alerts::{
    advisories::Severity,
    release::{has_fix, Release, SoftwareType},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryRecord {
    pub advisory_id: String,
    pub title: String,
    pub url: String,
    pub severity: Severity,
    /// Empty, or one decimal between 0.0 and 10.0.
    pub cvss_base_score: String,
    /// Upper-case CVE ids separated by `;`.
    pub cve_ids: String,
    pub first_published: String,
    pub last_updated: String,
    pub configuration_dependent: bool,
}

#[derive(Default)]
pub struct AdvisoryRules {
    seen: HashMap<String, u64>,
}

/// A CVSS base score as the vendor prints it: `9.8`, `10`, `5.0`; stored with one decimal.
fn cvss_score(value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Ok(String::new());
    }
    let valid_shape = value.len() <= 4
        && value.chars().all(|c| c.is_ascii_digit() || c == '.')
        && value.matches('.').count() <= 1
        && !value.starts_with('.')
        && !value.ends_with('.')
        && value.split_once('.').is_none_or(|(_, d)| d.len() == 1);
    match value.parse::<f64>() {
        Ok(score) if valid_shape && (0.0..=10.0).contains(&score) => Ok(format!("{score:.1}")),
        _ => Err(format!(
            "`{value}` is not a CVSS base score (0.0 to 10.0, one decimal)"
        )),
    }
}

/// CVE ids separated by `;` (`CVE-2023-20198;CVE-2023-20273`), any case, each once.
fn cve_ids(value: &str) -> Result<String, String> {
    let mut ids: Vec<String> = Vec::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part.to_ascii_uppercase();
        let valid = id.strip_prefix("CVE-").is_some_and(|rest| {
            rest.split_once('-').is_some_and(|(year, number)| {
                year.len() == 4
                    && year.chars().all(|c| c.is_ascii_digit())
                    && (4..=7).contains(&number.len())
                    && number.chars().all(|c| c.is_ascii_digit())
            })
        });
        if !valid {
            return Err(format!("`{part}` is not a CVE id (CVE-YYYY-NNNN)"));
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids.join(";"))
}

impl RowRules for AdvisoryRules {
    type Record = AdvisoryRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<AdvisoryRecord, RowError> {
        let advisory_id = field(row, "advisory_id", |v| fields::required(v, MAX_ID))?;
        first_time(
            &mut self.seen,
            advisory_id.clone(),
            row,
            "advisory_id",
            "advisory id",
        )?;
        let title = field(row, "title", |v| fields::required(v, MAX_TEXT))?;
        let url = field(row, "url", fields::web_address)?;
        let severity = field(row, "severity", |v| {
            Severity::parse(v).ok_or_else(|| {
                format!("`{v}` is not a severity (Critical, High, Medium, Low or Informational)")
            })
        })?;
        let cvss_base_score = field(row, "cvss_base_score", cvss_score)?;
        let cve_ids = field(row, "cve_ids", cve_ids)?;
        let (first_published, last_updated) = publication_dates(row)?;
        let configuration_dependent = field(row, "configuration_dependent", fields::boolean)?;
        Ok(AdvisoryRecord {
            advisory_id,
            title,
            url,
            severity,
            cvss_base_score,
            cve_ids,
            first_published,
            last_updated,
            configuration_dependent,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryReleaseRecord {
    pub advisory_id: String,
    /// As NetCare names it (`IOS XE`), whatever the file's spelling.
    pub software_type: String,
    pub release_key: String,
    pub affected_release: String,
    /// As written, separated by `;`.
    pub first_fixed: String,
}

pub struct AdvisoryReleaseRules {
    advisories: HashSet<String>,
    seen: HashMap<(String, SoftwareType, String), u64>,
}

impl AdvisoryReleaseRules {
    /// `advisories`: every advisory id the registry holds (this import's included).
    pub fn new(advisories: HashSet<String>) -> Self {
        Self {
            advisories,
            seen: HashMap::new(),
        }
    }
}

/// A software type as the registry's files give it, or why it is not one.
pub(super) fn software_type(value: &str) -> Result<SoftwareType, String> {
    SoftwareType::parse(value).ok_or_else(|| {
        format!(
            "`{value}` is not a software type NetCare reads ({})",
            SoftwareType::names()
        )
    })
}

impl RowRules for AdvisoryReleaseRules {
    type Record = AdvisoryReleaseRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<AdvisoryReleaseRecord, RowError> {
        let advisory_id = field(row, "advisory_id", |v| fields::required(v, MAX_ID))?;
        if !self.advisories.contains(&advisory_id) {
            return Err(row.error(
                "advisory_id",
                format!("unknown advisory `{advisory_id}` (list it in security_advisories.csv)"),
            ));
        }
        let software = field(row, "software_type", software_type)?;
        let affected_text = field(row, "affected_release", |v| fields::required(v, MAX_ID))?;
        let affected = field(row, "affected_release", |v| {
            Release::parse(software, v).map_err(|problem| problem.to_string())
        })?;
        let first_fixed_text = field(row, "first_fixed", |v| fields::optional(v, MAX_TEXT))?;
        let mut first_fixed = Vec::new();
        for text in first_fixed_text
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let fixed = Release::parse(software, text)
                .map_err(|problem| row.error("first_fixed", problem.to_string()))?;
            first_fixed.push((text.to_owned(), fixed));
        }
        let fixes: Vec<Release> = first_fixed.iter().map(|(_, r)| r.clone()).collect();
        if has_fix(&affected, &fixes) {
            return Err(row.error(
                "affected_release",
                format!(
                    "{affected_text} is at or above a first fixed release of its train ({}): a fixed release is not affected",
                    first_fixed_text
                ),
            ));
        }
        first_time(
            &mut self.seen,
            (advisory_id.clone(), software, affected.key()),
            row,
            "affected_release",
            "affected release of this advisory and software type",
        )?;
        Ok(AdvisoryReleaseRecord {
            advisory_id,
            software_type: software.label().to_owned(),
            release_key: affected.key(),
            affected_release: affected_text,
            first_fixed: first_fixed
                .into_iter()
                .map(|(text, _)| text)
                .collect::<Vec<_>>()
                .join(";"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_cves_are_read_as_the_vendor_prints_them() {
        assert_eq!(cvss_score("9.8").unwrap(), "9.8");
        assert_eq!(cvss_score("10").unwrap(), "10.0");
        assert_eq!(cvss_score("").unwrap(), "");
        for bad in ["11", "9.85", "-1", "high", "1e1", ".5", "NaN"] {
            assert!(cvss_score(bad).is_err(), "{bad}");
        }
        assert_eq!(
            cve_ids("cve-2023-20198; CVE-2023-20273;CVE-2023-20198").unwrap(),
            "CVE-2023-20198;CVE-2023-20273"
        );
        assert!(cve_ids("CVE-23-1").is_err());
        assert!(cve_ids("2023-20198").is_err());
    }
}
