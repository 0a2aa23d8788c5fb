//! Security advisories as a device sees them: how severe an advisory is, and where a device
//! stands against the advisories of its software (vulnerable, potentially vulnerable, not
//! vulnerable, or not assessed and why). Pure; the matching itself is an equality of release
//! keys ([`super::release::Release::key`]) done by the database.

use serde::{Deserialize, Serialize};

use super::release::{device_release_key, Release, SoftwareType};

/// The vendor's severity of an advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The worst first, as people read a list of advisories.
    pub const WORST_FIRST: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Informational => "informational",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
            Severity::Informational => "Informational",
        }
    }

    /// As the vendor writes it, any case (`Critical`, `HIGH`, `informational`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::WORST_FIRST
            .into_iter()
            .find(|severity| severity.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Stored beside the name so SQL can take the worst (`MAX`): 4 is critical.
    pub fn rank(self) -> i64 {
        self as i64
    }

    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::WORST_FIRST
            .into_iter()
            .find(|severity| severity.rank() == rank)
    }
}

/// Where a device stands against the advisories of its software.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdvisoryState {
    /// Its release is affected by an advisory that does not depend on configuration.
    Vulnerable,
    /// Its release is affected only by advisories that depend on how the device is configured.
    PotentiallyVulnerable,
    /// Its software is covered by advisory data and its release is affected by none.
    NotVulnerable,
    /// NetCare cannot tell (the reason says why): never counted as not vulnerable.
    NotAssessed,
}

impl AdvisoryState {
    pub const ALL: [AdvisoryState; 4] = [
        AdvisoryState::Vulnerable,
        AdvisoryState::PotentiallyVulnerable,
        AdvisoryState::NotVulnerable,
        AdvisoryState::NotAssessed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AdvisoryState::Vulnerable => "vulnerable",
            AdvisoryState::PotentiallyVulnerable => "potentially_vulnerable",
            AdvisoryState::NotVulnerable => "not_vulnerable",
            AdvisoryState::NotAssessed => "not_assessed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            AdvisoryState::Vulnerable => "Vulnerable",
            AdvisoryState::PotentiallyVulnerable => "Potentially vulnerable",
            AdvisoryState::NotVulnerable => "Not vulnerable",
            AdvisoryState::NotAssessed => "Not assessed",
        }
    }
}

/// The affected releases (`software_type, release_key`) of the advisories `condition` keeps,
/// over `advisory_releases ar` joined to `security_advisories sa`.
fn affected_releases(condition: &str) -> String {
    format!(
        "SELECT ar.software_type, ar.release_key FROM advisory_releases ar \
         JOIN security_advisories sa ON sa.advisory_id = ar.advisory_id WHERE {condition}"
    )
}

impl AdvisoryState {
    /// The SQL twin of [`assess`] over rows `table` with a software type and release key
    /// (`device_groups`, or devices): a release key that is empty, or a software type no advisory
    /// lists, is not assessed. Decided over a company's groups, the matching releases then find
    /// their devices by the `(company_id, software_type, release_key)` index.
    pub fn state_sql_over(self, table: &str) -> String {
        let release = format!("({table}.software_type, {table}.release_key)");
        // `release_exposure` has a row for each release an advisory lists (counted per release
        // at import), so its types are the types advisory data covers.
        let covered = format!(
            "{table}.release_key <> '' \
             AND {table}.software_type IN (SELECT software_type FROM release_exposure)"
        );
        let exposed = |condition: &str| {
            format!("{release} IN (SELECT software_type, release_key FROM release_exposure WHERE {condition})")
        };
        match self {
            AdvisoryState::Vulnerable => exposed("vulnerable > 0"),
            AdvisoryState::PotentiallyVulnerable => exposed("vulnerable = 0 AND potentially > 0"),
            AdvisoryState::NotVulnerable => format!(
                "{covered} AND {release} NOT IN \
                 (SELECT software_type, release_key FROM release_exposure)"
            ),
            AdvisoryState::NotAssessed => format!("NOT ({covered})"),
        }
    }
}

/// Devices (`d`) whose release an advisory that `condition` keeps affects (vulnerable or
/// potentially); `condition` may hold a `?` for one value.
pub fn exposed_sql(condition: &str) -> String {
    format!(
        "(d.software_type, d.release_key) IN ({})",
        affected_releases(condition)
    )
}

/// A device's standing against security advisories, with the counts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SecurityAssessment {
    pub state: AdvisoryState,
    /// Why it is not assessed (`None` for the other states).
    pub reason: Option<String>,
    /// Advisories affecting its release that do not depend on configuration.
    pub vulnerable_advisories: u32,
    /// Advisories affecting its release whose exposure depends on configuration.
    pub potentially_vulnerable_advisories: u32,
    /// The worst severity among the advisories affecting it.
    pub highest_severity: Option<Severity>,
}

/// What the database found for one device: its uploaded software, whether any advisory data
/// covers its software type, and the advisories its release key matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvisoryMatches<'a> {
    pub software_type: &'a str,
    pub software_version: &'a str,
    /// Some advisory lists releases of this software type.
    pub type_covered: bool,
    pub vulnerable: u32,
    pub potentially_vulnerable: u32,
    pub highest_severity: Option<Severity>,
}

/// Why a device cannot be assessed, or `None` when it can.
pub fn not_assessed_reason(matches: &AdvisoryMatches<'_>) -> Option<String> {
    let software_type = matches.software_type.trim();
    let version = matches.software_version.trim();
    if software_type.is_empty() {
        return Some(
            "no software type uploaded (add a software_type column: IOS, IOS XE, NX-OS…)".into(),
        );
    }
    let Some(software) = SoftwareType::parse(software_type) else {
        return Some(format!("no advisory data covers {software_type}"));
    };
    if version.is_empty() {
        return Some("no software version uploaded".into());
    }
    if device_release_key(software.label(), version).is_empty() {
        return Some(format!(
            "`{version}` is not a release of {} that NetCare can read",
            software.label()
        ));
    }
    if !matches.type_covered {
        return Some(format!("no advisory data covers {}", software.label()));
    }
    None
}

/// Where a device stands, from what the database matched.
pub fn assess(matches: &AdvisoryMatches<'_>) -> SecurityAssessment {
    let reason = not_assessed_reason(matches);
    let state = if reason.is_some() {
        AdvisoryState::NotAssessed
    } else if matches.vulnerable > 0 {
        AdvisoryState::Vulnerable
    } else if matches.potentially_vulnerable > 0 {
        AdvisoryState::PotentiallyVulnerable
    } else {
        AdvisoryState::NotVulnerable
    };
    let assessed = reason.is_none();
    SecurityAssessment {
        state,
        reason,
        vulnerable_advisories: if assessed { matches.vulnerable } else { 0 },
        potentially_vulnerable_advisories: if assessed {
            matches.potentially_vulnerable
        } else {
            0
        },
        highest_severity: matches.highest_severity.filter(|_| assessed),
    }
}

/// An advisory that affects one device, as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceAdvisory {
    pub advisory_id: String,
    pub title: String,
    pub url: String,
    pub severity: Severity,
    /// Empty when the vendor gives none.
    pub cvss_base_score: String,
    pub cve_ids: Vec<String>,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub first_published: String,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub last_updated: String,
    /// `vulnerable`, or `potentially_vulnerable` when exposure depends on configuration.
    pub state: AdvisoryState,
    /// The release as the advisory lists it.
    pub affected_release: String,
    /// The first releases of that release's train that fix it (empty: no fix published yet).
    pub first_fixed: Vec<String>,
}

/// What to upgrade a device on `software_version` of `software_type` to, given the advisories
/// affecting it (worst first): the lowest release of its own train at or above every
/// advisory's first fix, or which advisories have no fix in its train yet. `None` when nothing
/// affects it.
pub fn upgrade_advice(
    software_type: &str,
    software_version: &str,
    advisories: &[DeviceAdvisory],
) -> Option<String> {
    if advisories.is_empty() {
        return None;
    }
    let software = SoftwareType::parse(software_type)?;
    let current = Release::parse(software, software_version).ok()?;
    let mut target: Option<(Release, String)> = None;
    let mut unfixed = Vec::new();
    for advisory in advisories {
        // The fix in the device's own train; another train's fix would be a migration.
        let fix = advisory.first_fixed.iter().find_map(|text| {
            let fixed = Release::parse(software, text).ok()?;
            current.compare(&fixed).map(|_| (fixed, text.clone()))
        });
        match fix {
            None => unfixed.push(advisory.advisory_id.as_str()),
            Some((fixed, text)) => {
                let higher = match &target {
                    None => true,
                    Some((best, _)) => fixed.compare(best) == Some(std::cmp::Ordering::Greater),
                };
                if higher {
                    target = Some((fixed, text));
                }
            }
        }
    }
    let label = software.label();
    let count = |n: usize| {
        if n == 1 {
            "the advisory".to_owned()
        } else {
            format!("all {n} advisories")
        }
    };
    Some(match (target, unfixed.as_slice()) {
        (Some((_, release)), []) => format!(
            "Upgrade {label} {software_version} to {release} or later: it fixes {} affecting this device.",
            count(advisories.len())
        ),
        (Some((_, release)), unfixed) => format!(
            "Upgrade {label} {software_version} to {release} or later for {} of the {} advisories; {} has no fixed release in this train yet: see its workarounds, or move to another train.",
            advisories.len() - unfixed.len(),
            advisories.len(),
            unfixed.join(", ")
        ),
        (None, unfixed) => format!(
            "No fixed {label} release in this train is published yet for {}: see the advisory's workarounds, or move to another train.",
            unfixed.join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(id: &str, first_fixed: &[&str]) -> DeviceAdvisory {
        DeviceAdvisory {
            advisory_id: id.into(),
            title: String::new(),
            url: String::new(),
            severity: Severity::High,
            cvss_base_score: String::new(),
            cve_ids: Vec::new(),
            first_published: String::new(),
            last_updated: String::new(),
            state: AdvisoryState::Vulnerable,
            affected_release: String::new(),
            first_fixed: first_fixed.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn the_upgrade_fixes_every_advisory_of_the_train() {
        let both = [
            advisory("A", &["17.9.4a", "17.12.4"]),
            advisory("B", &["17.9.5"]),
        ];
        assert_eq!(
            upgrade_advice("IOS XE", "17.9.4", &both).unwrap(),
            "Upgrade IOS XE 17.9.4 to 17.9.5 or later: it fixes all 2 advisories affecting this device."
        );
        let one = [advisory("A", &["15.2(7)E4"])];
        assert_eq!(
            upgrade_advice("IOS", "15.2(7)E3", &one).unwrap(),
            "Upgrade IOS 15.2(7)E3 to 15.2(7)E4 or later: it fixes the advisory affecting this device."
        );
        let unfixed = [advisory("A", &["17.9.5"]), advisory("C", &["17.12.4"])];
        let advice = upgrade_advice("IOS XE", "17.9.4", &unfixed).unwrap();
        assert!(
            advice.contains("to 17.9.5 or later for 1 of the 2"),
            "{advice}"
        );
        assert!(
            advice.contains("C has no fixed release in this train"),
            "{advice}"
        );
        let none = upgrade_advice("NX-OS", "9.3(12)", &[advisory("D", &[])]).unwrap();
        assert!(none.starts_with("No fixed NX-OS release"), "{none}");
        assert_eq!(upgrade_advice("IOS XE", "17.9.4", &[]), None);
    }

    fn matches<'a>(software_type: &'a str, version: &'a str) -> AdvisoryMatches<'a> {
        AdvisoryMatches {
            software_type,
            software_version: version,
            type_covered: true,
            ..AdvisoryMatches::default()
        }
    }

    #[test]
    fn severities_read_any_case_and_rank_worst_highest() {
        assert_eq!(Severity::parse("CRITICAL"), Some(Severity::Critical));
        assert_eq!(Severity::parse(" high "), Some(Severity::High));
        assert_eq!(Severity::parse("severe"), None);
        assert!(Severity::Critical.rank() > Severity::High.rank());
        for severity in Severity::WORST_FIRST {
            assert_eq!(Severity::from_rank(severity.rank()), Some(severity));
        }
    }

    #[test]
    fn a_device_is_vulnerable_before_potentially_and_never_silently_safe() {
        let mut found = matches("IOS XE", "17.9.4a");
        assert_eq!(assess(&found).state, AdvisoryState::NotVulnerable);
        found.potentially_vulnerable = 2;
        assert_eq!(assess(&found).state, AdvisoryState::PotentiallyVulnerable);
        found.vulnerable = 1;
        found.highest_severity = Some(Severity::High);
        let assessment = assess(&found);
        assert_eq!(assessment.state, AdvisoryState::Vulnerable);
        assert_eq!(assessment.vulnerable_advisories, 1);
        assert_eq!(assessment.highest_severity, Some(Severity::High));
    }

    #[test]
    fn what_cannot_be_assessed_says_why() {
        let reason = |software_type, version, covered| {
            let mut found = matches(software_type, version);
            found.type_covered = covered;
            let assessment = assess(&found);
            assert_eq!(assessment.state, AdvisoryState::NotAssessed);
            assessment.reason.unwrap()
        };
        assert!(reason("", "17.9.4", true).contains("no software type"));
        assert!(reason("IOS XE", "", true).contains("no software version"));
        assert!(reason("JunOS", "21.4R3", true).contains("no advisory data covers JunOS"));
        assert!(reason("IOS XE", "latest", true).contains("`latest` is not a release of IOS XE"));
        assert!(reason("nx-os", "9.3(10)", false).contains("no advisory data covers NX-OS"));
    }

    #[test]
    fn counts_of_an_unassessed_device_are_not_shown() {
        let mut found = matches("IOS XE", "");
        found.vulnerable = 3;
        found.highest_severity = Some(Severity::Critical);
        let assessment = assess(&found);
        assert_eq!(assessment.vulnerable_advisories, 0);
        assert_eq!(assessment.highest_severity, None);
    }
}
