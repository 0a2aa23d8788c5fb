//! Checking one device of an upload: what is required, what is well-formed, and the keys it is
//! matched on. Pure; each refusal is a reason a person can act on.

use std::net::IpAddr;

use super::columns::Field;
use crate::{
    alerts::release::{device_release_key, SoftwareType},
    coverage::normalise::{mac_key, pid_key, serial_key},
};

/// One device as uploaded, each value trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFields {
    pub serial_number: String,
    pub product_id: String,
    pub hostname: String,
    pub ip_address: String,
    pub mac_address: String,
    pub software_type: String,
    pub software_version: String,
    pub site: String,
}

impl DeviceFields {
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::SerialNumber => &self.serial_number,
            Field::ProductId => &self.product_id,
            Field::Hostname => &self.hostname,
            Field::IpAddress => &self.ip_address,
            Field::MacAddress => &self.mac_address,
            Field::SoftwareType => &self.software_type,
            Field::SoftwareVersion => &self.software_version,
            Field::Site => &self.site,
        }
    }

    pub fn set(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::SerialNumber => &mut self.serial_number,
            Field::ProductId => &mut self.product_id,
            Field::Hostname => &mut self.hostname,
            Field::IpAddress => &mut self.ip_address,
            Field::MacAddress => &mut self.mac_address,
            Field::SoftwareType => &mut self.software_type,
            Field::SoftwareVersion => &mut self.software_version,
            Field::Site => &mut self.site,
        };
        *slot = value;
    }
}

/// A device that passed every check, with the keys it is matched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDevice {
    pub fields: DeviceFields,
    pub serial_key: String,
    pub pid_key: String,
    pub mac_key: String,
    /// What its release is matched on in security advisories (empty: not matched).
    pub release_key: String,
    /// One device per company and identity: serial and PID, or MAC and PID for a device
    /// without a serial number.
    pub identity_key: String,
    /// Optional values that were left out, and why (the device itself is accepted).
    pub warnings: Vec<String>,
}

/// An interface address as inventories write it, `10.10.0.11/24` (NetBox, Nautobot, `show ip
/// interface`), is the device's address: the prefix length is dropped. Anything else is unchanged.
fn without_prefix_length(ip: &str) -> &str {
    let Some((address, prefix)) = ip.split_once('/') else {
        return ip;
    };
    let max = match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => 32,
        Ok(IpAddr::V6(_)) => 128,
        Err(_) => return ip,
    };
    let valid = !prefix.is_empty()
        && prefix.len() <= 3
        && prefix.chars().all(|c| c.is_ascii_digit())
        && prefix.parse::<u32>().is_ok_and(|n| n <= max);
    if valid {
        address
    } else {
        ip
    }
}

/// Checks one device. A problem with the serial number or product ID (what the device is matched
/// on) rejects it, with the first problem found as the reason. A problem with an optional value
/// (hostname, IP or MAC address, software version, site) does not: the device is kept without
/// that value, and the problem is returned as a warning.
pub fn check_device(mut fields: DeviceFields) -> Result<CheckedDevice, String> {
    let address = without_prefix_length(&fields.ip_address);
    if address.len() != fields.ip_address.len() {
        fields.ip_address = address.to_owned();
    }
    // A software type NetCare knows is stored as its vendor writes it (`ios-xe` is `IOS XE`), so
    // advisories find it; any other type is kept as given.
    if let Some(software) = SoftwareType::parse(&fields.software_type) {
        fields.software_type = software.label().to_owned();
    }
    let mut warnings = Vec::new();
    for field in Field::ALL {
        let Some(problem) = shape_problem(field, fields.get(field)) else {
            continue;
        };
        if is_identity(field) {
            return Err(problem);
        }
        warnings.push(format!("{problem}: kept the device without it"));
        fields.set(field, String::new());
    }
    let serial = serial_key(&fields.serial_number);
    let pid = pid_key(&fields.product_id);
    if pid.is_empty() {
        return Err("missing product ID".into());
    }
    let mac = match mac_key(&fields.mac_address) {
        _ if fields.mac_address.is_empty() => String::new(),
        Some(mac) => mac,
        // Without a serial number, the MAC address is what identifies the device.
        None if serial.is_empty() => {
            return Err(format!("`{}` is not a MAC address", fields.mac_address))
        }
        None => {
            warnings.push(format!(
                "`{}` is not a MAC address: kept the device without it",
                fields.mac_address
            ));
            fields.mac_address.clear();
            String::new()
        }
    };
    if serial.is_empty() && mac.is_empty() {
        return Err(
            "missing serial number (a device without one, such as an IP phone, needs its MAC address)"
                .into(),
        );
    }
    for (label, key) in [("Serial number", &serial), ("Product ID", &pid)] {
        if let Some(problem) = foreign_character(key) {
            return Err(format!("{label} {problem}"));
        }
    }
    if looks_rewritten_by_a_spreadsheet(&fields.serial_number) {
        return Err(format!(
            "serial number `{}` looks like a number a spreadsheet rewrote: format the column as text and export again",
            fields.serial_number
        ));
    }
    if !fields.ip_address.is_empty() && fields.ip_address.parse::<IpAddr>().is_err() {
        warnings.push(format!(
            "`{}` is not an IP address: kept the device without it",
            fields.ip_address
        ));
        fields.ip_address.clear();
    }
    let identity_key = identity_key(&serial, &mac, &pid);
    let release_key = device_release_key(&fields.software_type, &fields.software_version);
    Ok(CheckedDevice {
        fields,
        serial_key: serial,
        pid_key: pid,
        mac_key: mac,
        release_key,
        identity_key,
        warnings,
    })
}

/// One device per company and identity: its serial and product ID keys, or for a device without
/// a serial number its MAC address and product ID keys.
pub fn identity_key(serial_key: &str, mac_key: &str, pid_key: &str) -> String {
    if serial_key.is_empty() {
        format!("M|{mac_key}|{pid_key}")
    } else {
        format!("S|{serial_key}|{pid_key}")
    }
}

/// The fields a device is matched on: a problem with one of them rejects the device. (The MAC
/// address identifies only a device without a serial number: decided in `check_device`.)
fn is_identity(field: Field) -> bool {
    matches!(field, Field::SerialNumber | Field::ProductId)
}

/// What is wrong with a value of `field` whatever the field means: control characters, length.
fn shape_problem(field: Field, value: &str) -> Option<String> {
    if value.chars().any(char::is_control) {
        return Some(format!(
            "{} contains control characters (tabs, line breaks or NUL inside a value)",
            field.label()
        ));
    }
    let length = value.chars().count();
    (length > field.max_chars()).then(|| {
        format!(
            "{} is too long ({length} characters, at most {})",
            field.label(),
            field.max_chars()
        )
    })
}

/// Serial numbers and product IDs are written in Latin letters, digits and ASCII punctuation. A
/// letter from another script usually hides in them by looking the same (a Cyrillic `О` for `O`),
/// and would never match the registry; an emoji or other symbol is a paste gone wrong. Says which
/// character, where, and (for look-alikes) what it resembles. `key` is already free of invisible
/// characters, which are ignored, not refused.
fn foreign_character(key: &str) -> Option<String> {
    let (position, c) = key
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_graphic())?;
    let code = format!("U+{:04X}", u32::from(c));
    Some(match latin_look_alike(c) {
        Some(latin) => format!(
            "has `{c}` ({code}) at character {}, a letter of another script that looks like the Latin `{latin}`: retype it",
            position + 1
        ),
        None => format!(
            "has `{c}` ({code}) at character {}: only Latin letters, digits and punctuation are used",
            position + 1
        ),
    })
}

/// The Latin capital a Cyrillic or Greek capital is easily taken for (keys are upper-cased).
fn latin_look_alike(c: char) -> Option<char> {
    const PAIRS: [(char, char); 27] = [
        ('А', 'A'),
        ('В', 'B'),
        ('Е', 'E'),
        ('К', 'K'),
        ('М', 'M'),
        ('Н', 'H'),
        ('О', 'O'),
        ('Р', 'P'),
        ('С', 'C'),
        ('Т', 'T'),
        ('Х', 'X'),
        ('У', 'Y'),
        ('І', 'I'),
        ('Ј', 'J'),
        ('Ѕ', 'S'),
        ('Α', 'A'),
        ('Β', 'B'),
        ('Ε', 'E'),
        ('Ζ', 'Z'),
        ('Η', 'H'),
        ('Ι', 'I'),
        ('Κ', 'K'),
        ('Μ', 'M'),
        ('Ν', 'N'),
        ('Ο', 'O'),
        ('Ρ', 'P'),
        ('Τ', 'T'),
    ];
    PAIRS
        .iter()
        .find(|(other, _)| *other == c)
        .map(|(_, latin)| *latin)
}

/// `1.23E+10`: what Excel shows for a long all-digit serial it took for a number (`4,56789E+11`
/// in a European locale, whose decimal mark is a comma). The digits past the mantissa are lost,
/// so the serial cannot be recovered from the file.
fn looks_rewritten_by_a_spreadsheet(serial: &str) -> bool {
    let Some((mantissa, exponent)) = serial.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let marks = mantissa.chars().filter(|c| matches!(c, '.' | ',')).count();
    let mantissa_ok = !mantissa.is_empty()
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && marks == 1
        && !mantissa.starts_with(['.', ','])
        && !mantissa.ends_with(['.', ',']);
    mantissa_ok && !exponent.is_empty() && exponent.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_letters_are_named_and_invisible_ones_ignored() {
        // Cyrillic О (U+041E) in place of the Latin O.
        let problem = check_device(device("F\u{041E}C2101A0AA", "C9300-48P")).unwrap_err();
        assert_eq!(
            problem,
            "Serial number has `О` (U+041E) at character 2, a letter of another script that looks like the Latin `O`: retype it"
        );
        // Lower-case Cyrillic is upper-cased first, then named.
        assert!(check_device(device("SN1", "C93\u{0440}0"))
            .unwrap_err()
            .starts_with("Product ID has `Р`"));
        let emoji = check_device(device("FOC\u{1F600}1", "C9300-48P")).unwrap_err();
        assert!(
            emoji.contains("(U+1F600) at character 4: only Latin letters"),
            "{emoji}"
        );
        // Zero-width spaces, right-to-left marks and a BOM are noise, not letters.
        let clean =
            check_device(device("\u{FEFF}FOC\u{200B}2101\u{200F}A0AA", "C9300-48P")).unwrap();
        assert_eq!(clean.serial_key, "FOC2101A0AA");
    }

    fn device(serial: &str, pid: &str) -> DeviceFields {
        DeviceFields {
            serial_number: serial.into(),
            product_id: pid.into(),
            ..DeviceFields::default()
        }
    }

    #[test]
    fn a_complete_device_passes_with_its_keys() {
        let checked = check_device(DeviceFields {
            mac_address: "00-11-22-aa-bb-cc".into(),
            ip_address: "10.0.0.1".into(),
            ..device("foc1234x5yz", "C9300-48P=")
        })
        .unwrap();
        assert_eq!(checked.serial_key, "FOC1234X5YZ");
        assert_eq!(checked.pid_key, "C9300-48P");
        assert_eq!(checked.mac_key, "001122AABBCC");
        assert_eq!(checked.identity_key, "S|FOC1234X5YZ|C9300-48P");
        assert_eq!(checked.fields.serial_number, "foc1234x5yz");
    }

    #[test]
    fn phones_are_identified_by_mac() {
        let checked = check_device(DeviceFields {
            mac_address: "0011.22aa.bbcc".into(),
            ..device("", "CP-8845")
        })
        .unwrap();
        assert_eq!(checked.identity_key, "M|001122AABBCC|CP-8845");
    }

    #[test]
    fn each_rule_gives_its_reason() {
        let reason = |fields: DeviceFields| check_device(fields).unwrap_err();
        assert_eq!(reason(device("FOC1", "")), "missing product ID");
        assert!(reason(device("", "C9300")).starts_with("missing serial number"));
        assert!(reason(device("\u{200B}", "C9300")).starts_with("missing serial number"));
        assert_eq!(
            reason(DeviceFields {
                mac_address: "00:11:22".into(),
                ..device("", "CP-8845-K9")
            }),
            "`00:11:22` is not a MAC address",
            "a phone is known by its MAC address"
        );
        assert!(reason(device(&"X".repeat(101), "C9300")).starts_with("Serial number is too long"));
        assert!(reason(device("FOC1", &"P".repeat(101))).starts_with("Product ID is too long"));
        assert!(reason(device("FOC\u{0}1", "C9300")).contains("control characters"));
        assert!(reason(device("1.23E+10", "C9300")).contains("spreadsheet rewrote"));
        // European Excel writes the decimal mark as a comma.
        assert!(reason(device("4,56789E+11", "C9300")).contains("spreadsheet rewrote"));
        assert!(reason(device("4,56789e11", "C9300")).contains("spreadsheet rewrote"));
    }

    #[test]
    fn a_problem_with_an_optional_value_keeps_the_device_without_it() {
        let kept = |fields: DeviceFields| check_device(fields).expect("kept");
        let bad_ip = kept(DeviceFields {
            ip_address: "10.0.0.300".into(),
            hostname: "core-1".into(),
            ..device("FOC1", "C9300")
        });
        assert_eq!(bad_ip.fields.ip_address, "");
        assert_eq!(bad_ip.fields.hostname, "core-1");
        assert_eq!(
            bad_ip.warnings,
            vec!["`10.0.0.300` is not an IP address: kept the device without it".to_owned()]
        );
        let bad_mac = kept(DeviceFields {
            mac_address: "00:11:22".into(),
            ..device("FOC1", "C9300")
        });
        assert_eq!(bad_mac.fields.mac_address, "");
        assert_eq!(bad_mac.identity_key, "S|FOC1|C9300");
        assert!(bad_mac.warnings[0].starts_with("`00:11:22` is not a MAC address"));
        let messy = kept(DeviceFields {
            hostname: "a\tb".into(),
            site: "S".repeat(201),
            ..device("FOC1", "C9300")
        });
        assert_eq!(
            (messy.fields.hostname.as_str(), messy.fields.site.as_str()),
            ("", "")
        );
        assert!(messy.warnings[0].starts_with("Hostname contains control characters"));
        assert!(messy.warnings[1].starts_with("Site is too long (201 characters"));
        assert!(kept(device("FOC1", "C9300")).warnings.is_empty());
    }

    #[test]
    fn an_interface_address_keeps_the_address_and_drops_the_prefix_length() {
        let ip = |text: &str| {
            check_device(DeviceFields {
                ip_address: text.into(),
                ..device("FOC1", "C9300")
            })
            .map(|d| d.fields.ip_address)
        };
        assert_eq!(ip("10.10.0.11/24"), Ok("10.10.0.11".to_owned()));
        assert_eq!(ip("10.10.0.11/32"), Ok("10.10.0.11".to_owned()));
        assert_eq!(ip("2001:db8::7/64"), Ok("2001:db8::7".to_owned()));
        assert_eq!(ip("10.10.0.11"), Ok("10.10.0.11".to_owned()));
        for bad in [
            "10.10.0.11/33",
            "10.10.0.11/",
            "10.10.0.11/24/1",
            "x/24",
            "10.0.0.1/ 8",
        ] {
            assert_eq!(
                ip(bad),
                Ok(String::new()),
                "{bad}: not an address, left out"
            );
        }
    }

    #[test]
    fn ipv6_and_plain_serials_pass() {
        let checked = check_device(DeviceFields {
            ip_address: "2001:db8::1".into(),
            ..device("12345678901", "C9300")
        });
        assert!(checked.is_ok());
        assert!(check_device(device("E1234", "C9300")).is_ok());
        assert!(check_device(device("1E5", "C9300")).is_ok());
        assert!(check_device(device("12,5", "C9300")).is_ok());
        assert!(check_device(device("A1,2E5", "C9300")).is_ok());
    }
}
