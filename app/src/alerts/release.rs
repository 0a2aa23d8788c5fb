//! Software releases as the vendor numbers them (`15.2(7)E3`, `17.9.4a`, `9.3(10)`, `7.5.2`,
//! `9.16(4)19`), the train each belongs to, and their order within it. An advisory names, per
//! train, the first release that fixes it: a device is past the fix when its release is in one of
//! those trains and at or above that release. Releases of different trains are not ordered (an
//! `E` train release says nothing about the `M` train), so "is it fixed" never guesses.

use std::{cmp::Ordering, fmt};

use serde::{Deserialize, Serialize};

/// A software family whose release numbers NetCare reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SoftwareType {
    Ios,
    IosXe,
    IosXr,
    NxOs,
    Asa,
}

impl SoftwareType {
    pub const ALL: [SoftwareType; 5] = [
        SoftwareType::Ios,
        SoftwareType::IosXe,
        SoftwareType::IosXr,
        SoftwareType::NxOs,
        SoftwareType::Asa,
    ];

    /// Every type's name, for messages: `IOS, IOS XE, IOS XR, NX-OS, ASA`.
    pub fn names() -> String {
        let names: Vec<&str> = SoftwareType::ALL.iter().map(|s| s.label()).collect();
        names.join(", ")
    }

    pub fn label(self) -> &'static str {
        match self {
            SoftwareType::Ios => "IOS",
            SoftwareType::IosXe => "IOS XE",
            SoftwareType::IosXr => "IOS XR",
            SoftwareType::NxOs => "NX-OS",
            SoftwareType::Asa => "ASA",
        }
    }

    /// Read as people and inventory tools write it: case, spaces, hyphens and a `Cisco ` prefix
    /// do not matter (`ios-xe`, `IOSXE`, `Cisco IOS XE`, `nxos`).
    pub fn parse(text: &str) -> Option<Self> {
        let key: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect();
        let key = key.strip_prefix("cisco").unwrap_or(&key);
        Some(match key {
            "ios" => SoftwareType::Ios,
            "iosxe" => SoftwareType::IosXe,
            "iosxr" => SoftwareType::IosXr,
            "nxos" => SoftwareType::NxOs,
            "asa" => SoftwareType::Asa,
            _ => return None,
        })
    }
}

/// One piece of a release number: a number, or letters (a train's `E`, a rebuild's `a`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Part {
    Number(u64),
    Letters(String),
}

/// A release read for one software type: its train and its position in that train.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Release {
    software: SoftwareType,
    train: String,
    position: Vec<Part>,
}

/// Why a text is not a release of its software type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseProblem {
    #[error("no release given")]
    Empty,
    #[error("`{text}` has `{found}`, which no {software} release has")]
    Character {
        text: String,
        found: char,
        software: &'static str,
    },
    #[error("`{text}` is not a release of {software}: a release starts with major.minor, as in {example}")]
    Shape {
        text: String,
        software: &'static str,
        example: &'static str,
    },
}

fn example(software: SoftwareType) -> &'static str {
    match software {
        SoftwareType::Ios => "15.2(7)E3",
        SoftwareType::IosXe => "17.9.4a",
        SoftwareType::IosXr => "7.5.2",
        SoftwareType::NxOs => "9.3(10)",
        SoftwareType::Asa => "9.16(4)19",
    }
}

/// Numbers and letter runs, in order; `.`, `(`, `)`, `-` and `_` only separate.
fn pieces(text: &str, software: SoftwareType) -> Result<Vec<Part>, ReleaseProblem> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut digits = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            // A number too long for u64 is no release number anyone writes.
            let number = digits.parse().map_err(|_| ReleaseProblem::Shape {
                text: text.to_owned(),
                software: software.label(),
                example: example(software),
            })?;
            parts.push(Part::Number(number));
        } else if c.is_ascii_alphabetic() {
            let mut letters = String::new();
            while let Some(&l) = chars.peek().filter(|l| l.is_ascii_alphabetic()) {
                letters.push(l);
                chars.next();
            }
            parts.push(Part::Letters(letters));
        } else if matches!(c, '.' | '(' | ')' | '-' | '_') {
            chars.next();
        } else {
            return Err(ReleaseProblem::Character {
                text: text.to_owned(),
                found: c,
                software: software.label(),
            });
        }
    }
    Ok(parts)
}

impl Release {
    /// Reads `text` as a release of `software`. Surrounding spaces do not matter.
    pub fn parse(software: SoftwareType, text: &str) -> Result<Self, ReleaseProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ReleaseProblem::Empty);
        }
        let parts = pieces(text, software)?;
        let shape = || ReleaseProblem::Shape {
            text: text.to_owned(),
            software: software.label(),
            example: example(software),
        };
        let (major, minor) = match parts.as_slice() {
            [Part::Number(major), Part::Number(minor), ..] => (*major, *minor),
            _ => return Err(shape()),
        };
        let mut train = format!("{major}.{minor}");
        let mut position: Vec<Part> = parts[2..].to_vec();
        if software == SoftwareType::Ios {
            // Classic IOS names its train after the maintenance number: 15.2(7)E3 is release 7,
            // rebuild 3 of the 15.2 E train; 12.4(25) has no letters and is the 12.4 train.
            if let Some(at) = position.iter().position(
                |p| matches!(p, Part::Letters(l) if l.chars().all(|c| c.is_ascii_uppercase())),
            ) {
                if let Part::Letters(letters) = position.remove(at) {
                    train.push_str(&letters);
                }
            }
        }
        Ok(Release {
            software,
            train,
            position,
        })
    }

    pub fn software(&self) -> SoftwareType {
        self.software
    }

    /// The train (`15.2E`, `17.9`, `9.3`): releases are only ordered within one.
    pub fn train(&self) -> &str {
        &self.train
    }

    /// The release as one text, equal exactly when two releases of one software type are equal
    /// (`compare` gives `Equal`): `17.9.04a` and `17.9.4a` are both `17.9.4.a`. Stored beside a
    /// device's release and an advisory's affected release, so the database matches them with `=`.
    pub fn key(&self) -> String {
        let mut key = self.train.clone();
        for part in &self.position {
            key.push('.');
            match part {
                Part::Number(number) => key.push_str(&number.to_string()),
                Part::Letters(letters) => key.push_str(letters),
            }
        }
        key
    }

    /// The order of two releases of one software type and train; `None` across trains.
    pub fn compare(&self, other: &Release) -> Option<Ordering> {
        (self.software == other.software && self.train == other.train)
            .then(|| self.position.cmp(&other.position))
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} train", self.software.label(), self.train)
    }
}

/// The key ([`Release::key`]) a device's release is matched on, empty when it has none: no
/// software type NetCare reads, or a version that is not a release of it.
pub fn device_release_key(software_type: &str, software_version: &str) -> String {
    SoftwareType::parse(software_type)
        .and_then(|software| Release::parse(software, software_version).ok())
        .map(|release| release.key())
        .unwrap_or_default()
}

/// Whether a device on `release` has a fix: some first-fixed release of its own train is at or
/// below it. `false` when no fix is named for its train (it is not known to be fixed).
pub fn has_fix(release: &Release, first_fixed: &[Release]) -> bool {
    first_fixed.iter().any(|fixed| {
        matches!(
            release.compare(fixed),
            Some(Ordering::Greater | Ordering::Equal)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn release(software: SoftwareType, text: &str) -> Release {
        Release::parse(software, text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn order(software: SoftwareType, a: &str, b: &str) -> Option<Ordering> {
        release(software, a).compare(&release(software, b))
    }

    #[test]
    fn software_types_are_read_leniently() {
        for (text, expected) in [
            ("IOS XE", SoftwareType::IosXe),
            ("ios-xe", SoftwareType::IosXe),
            ("Cisco IOSXE", SoftwareType::IosXe),
            ("NX-OS", SoftwareType::NxOs),
            ("nxos", SoftwareType::NxOs),
            ("IOS", SoftwareType::Ios),
            ("IOS XR", SoftwareType::IosXr),
            ("asa", SoftwareType::Asa),
        ] {
            assert_eq!(SoftwareType::parse(text), Some(expected), "{text}");
        }
        assert_eq!(SoftwareType::parse("JunOS"), None);
        for software in SoftwareType::ALL {
            assert_eq!(SoftwareType::parse(software.label()), Some(software));
        }
    }

    #[test]
    fn each_family_orders_as_its_vendor_numbers() {
        use Ordering::*;
        use SoftwareType::*;
        // IOS: maintenance, then rebuild, then a rebuild's letter; the train is major.minor plus
        // its letters.
        assert_eq!(order(Ios, "15.2(7)E3", "15.2(7)E10"), Some(Less));
        assert_eq!(order(Ios, "15.2(7)E3", "15.2(4)E10"), Some(Greater));
        assert_eq!(order(Ios, "15.2(4)M6a", "15.2(4)M6"), Some(Greater));
        assert_eq!(
            order(Ios, "15.2(7)E3", "15.2(4)M6"),
            None,
            "E and M are other trains"
        );
        assert_eq!(order(Ios, "12.4(25)", "12.4(24)"), Some(Greater));
        assert_eq!(release(Ios, "15.2(7)E3").train(), "15.2E");
        // IOS XE: the third number, then its letter.
        assert_eq!(order(IosXe, "17.9.4a", "17.9.4"), Some(Greater));
        assert_eq!(order(IosXe, "17.9.4a", "17.9.10"), Some(Less));
        assert_eq!(order(IosXe, "17.9.4", "17.12.1"), None);
        // NX-OS, IOS XR, ASA.
        assert_eq!(order(NxOs, "9.3(10)", "9.3(9)"), Some(Greater));
        assert_eq!(order(NxOs, "7.0(3)I7(9)", "7.0(3)I7(10)"), Some(Less));
        assert_eq!(order(IosXr, "7.5.2", "7.5.10"), Some(Less));
        assert_eq!(order(Asa, "9.16(4)19", "9.16(4)"), Some(Greater));
        assert_eq!(order(Asa, "9.16(4)19", "9.16(4)19"), Some(Equal));
        // Other software types are never compared.
        assert_eq!(
            release(IosXe, "17.9.4").compare(&release(IosXr, "17.9.4")),
            None
        );
    }

    #[test]
    fn a_fix_counts_only_in_its_own_train() {
        use SoftwareType::*;
        let fixes = [release(Ios, "15.2(7)E4"), release(Ios, "15.9(3)M7")];
        assert!(has_fix(&release(Ios, "15.2(7)E4"), &fixes));
        assert!(has_fix(&release(Ios, "15.2(7)E10"), &fixes));
        assert!(!has_fix(&release(Ios, "15.2(7)E3"), &fixes));
        assert!(
            !has_fix(&release(Ios, "15.2(4)M11"), &fixes),
            "no fix named for 15.2M"
        );
        assert!(!has_fix(&release(Ios, "15.2(7)E4"), &[]));
    }

    #[test]
    fn keys_ignore_how_a_number_is_written() {
        use SoftwareType::*;
        assert_eq!(release(IosXe, "17.9.04a").key(), "17.9.4.a");
        assert_eq!(release(Ios, "15.2(7)E3").key(), "15.2E.7.3");
        assert_ne!(
            release(Ios, "15.2(7)E3").key(),
            release(Ios, "15.2(7)M3").key()
        );
        assert_eq!(device_release_key("ios-xe", " 17.9.4a"), "17.9.4.a");
        assert_eq!(device_release_key("JunOS", "21.4R3"), "");
        assert_eq!(device_release_key("IOS XE", "latest"), "");
        assert_eq!(device_release_key("", "17.9.4"), "");
    }

    #[test]
    fn what_is_not_a_release_is_named() {
        use SoftwareType::*;
        assert_eq!(Release::parse(IosXe, "  "), Err(ReleaseProblem::Empty));
        let problem = Release::parse(IosXe, "17.9.4 🚀").unwrap_err().to_string();
        assert!(problem.contains("🚀"), "{problem}");
        let problem = Release::parse(NxOs, "latest").unwrap_err().to_string();
        assert!(problem.contains("9.3(10)"), "{problem}");
        assert!(Release::parse(Asa, "9").is_err());
        assert!(Release::parse(IosXe, "99999999999999999999999.1").is_err());
        // Spaces around do not matter.
        assert_eq!(release(IosXe, " 17.9.4a "), release(IosXe, "17.9.4a"));
    }

    proptest! {
        /// IOS XE releases order exactly as their numbers (and rebuild letter) do.
        #[test]
        fn ios_xe_order_is_the_order_of_its_numbers(
            a in (0u64..30, 0u64..20, 0u64..40, proptest::option::of("[a-e]")),
            b in (0u64..30, 0u64..20, 0u64..40, proptest::option::of("[a-e]")),
        ) {
            let text = |(major, minor, patch, letter): &(u64, u64, u64, Option<String>)| {
                format!("{major}.{minor}.{patch}{}", letter.clone().unwrap_or_default())
            };
            let (ra, rb) = (release(SoftwareType::IosXe, &text(&a)), release(SoftwareType::IosXe, &text(&b)));
            if (a.0, a.1) == (b.0, b.1) {
                prop_assert_eq!(ra.compare(&rb), Some((a.2, a.3.clone()).cmp(&(b.2, b.3.clone()))));
            } else {
                prop_assert_eq!(ra.compare(&rb), None);
            }
        }

        /// IOS releases of one train order by maintenance, then rebuild; the order is antisymmetric.
        #[test]
        fn ios_order_is_maintenance_then_rebuild(
            train in "(E|M|SE|T)",
            a in (1u64..60, 0u64..20),
            b in (1u64..60, 0u64..20),
        ) {
            let text = |(maintenance, rebuild): (u64, u64)| format!("15.2({maintenance}){train}{rebuild}");
            let (ra, rb) = (release(SoftwareType::Ios, &text(a)), release(SoftwareType::Ios, &text(b)));
            prop_assert_eq!(ra.compare(&rb), Some(a.cmp(&b)));
            prop_assert_eq!(rb.compare(&ra), Some(b.cmp(&a)));
        }

        /// Two releases have one key exactly when they are equal; keys of other trains differ.
        #[test]
        fn keys_are_equal_exactly_for_equal_releases(
            a in "1[5-7]\\.[0-9]{1,2}(\\.[0-9]{1,2}|\\([0-9]{1,2}\\))[A-Z]{0,2}[0-9]{0,2}[a-c]?",
            b in "1[5-7]\\.[0-9]{1,2}(\\.[0-9]{1,2}|\\([0-9]{1,2}\\))[A-Z]{0,2}[0-9]{0,2}[a-c]?",
        ) {
            for software in SoftwareType::ALL {
                let (ra, rb) = (release(software, &a), release(software, &b));
                prop_assert_eq!(ra.key() == rb.key(), ra.compare(&rb) == Some(Ordering::Equal), "{} {}", a, b);
            }
        }

        /// Any text is read or refused with a reason, never a panic.
        #[test]
        fn any_text_is_read_or_refused(text in ".{0,40}") {
            for software in SoftwareType::ALL {
                let _ = Release::parse(software, &text);
            }
        }
    }
}
