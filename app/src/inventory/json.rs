//! Reading a collector's JSON upload, `{"devices":[{"serial_number":…,"product_id":…},…]}`, one
//! device at a time as it streams in (a million devices never sit in memory at once). Field names
//! are snake_case like every body of the API; the camelCase names of the first collectors
//! (`serialNumber`…) are still read.

use std::{fmt, io::Read};

use serde::{
    de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor},
    Deserialize, Deserializer,
};

use super::{
    columns::Field,
    reader::RowOutcome,
    rows::{check_device, DeviceFields},
    FileProblem, RejectedRow,
};

/// One device of a collector's upload; absent and `null` values are empty. Each device is checked
/// on its own: one that fails is listed in `rejected_rows` with the reason, the others land.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceInput {
    /// Latin letters, digits and ASCII punctuation (spaces and invisible characters are ignored);
    /// not a number a spreadsheet rewrote (`1.23E+11`). Required unless `mac_address` identifies
    /// the device (IP phones).
    #[serde(alias = "serialNumber")]
    serial_number: Option<String>,
    /// As `serial_number`; a trailing `=` (spare part) is ignored.
    #[serde(alias = "productId")]
    product_id: Option<String>,
    /// At most 255 characters; a longer one, or one with control characters, is left out with a
    /// warning.
    hostname: Option<String>,
    /// IPv4 or IPv6, optionally with a prefix length (dropped); anything else is left out with a
    /// warning.
    #[serde(alias = "ipAddress")]
    ip_address: Option<String>,
    /// Any common notation: 00:11:22:33:44:55, 00-11-22-33-44-55, 0011.2233.4455. Identifies a
    /// device without a serial number; otherwise one that is not a MAC address is left out with a
    /// warning.
    #[serde(alias = "macAddress")]
    mac_address: Option<String>,
    /// The operating system: `IOS`, `IOS XE`, `IOS XR`, `NX-OS`, `ASA` (any case, spaces or
    /// hyphens) are stored as written here, so security advisories can be matched; any other is
    /// kept as given. At most 50 characters.
    #[serde(alias = "softwareType")]
    software_type: Option<String>,
    /// At most 100 characters; a longer one is left out with a warning.
    #[serde(alias = "softwareVersion")]
    software_version: Option<String>,
    /// At most 200 characters; a longer one is left out with a warning.
    site: Option<String>,
}

impl DeviceInput {
    fn into_fields(self) -> DeviceFields {
        let clean = |value: Option<String>| value.map(|v| v.trim().to_owned()).unwrap_or_default();
        DeviceFields {
            serial_number: clean(self.serial_number),
            product_id: clean(self.product_id),
            hostname: clean(self.hostname),
            ip_address: clean(self.ip_address),
            mac_address: clean(self.mac_address),
            software_type: clean(self.software_type),
            software_version: clean(self.software_version),
            site: clean(self.site),
        }
    }
}

/// The column names rejected JSON devices are listed under (the template's).
pub fn columns() -> Vec<String> {
    Field::ALL.iter().map(|f| f.column().to_owned()).collect()
}

/// Reads the body, handing each device's outcome to `each` (its "line" is its position in the
/// array, from 1). `each` returns false to stop early.
pub fn read_devices(
    source: impl Read,
    each: &mut dyn FnMut(RowOutcome) -> bool,
) -> Result<(), FileProblem> {
    let mut deserializer = serde_json::Deserializer::from_reader(source);
    let mut found = false;
    Body {
        each,
        found: &mut found,
    }
    .deserialize(&mut deserializer)
    .map_err(|err| FileProblem::InvalidJson(err.to_string()))?;
    deserializer
        .end()
        .map_err(|err| FileProblem::InvalidJson(err.to_string()))?;
    if found {
        Ok(())
    } else {
        Err(FileProblem::InvalidJson("no `devices` array".into()))
    }
}

struct Body<'a> {
    each: &'a mut dyn FnMut(RowOutcome) -> bool,
    found: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for Body<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Body<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a `devices` array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "devices" {
                if *self.found {
                    return Err(A::Error::custom("`devices` appears twice"));
                }
                *self.found = true;
                map.next_value_seed(Devices {
                    each: &mut *self.each,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Devices<'a> {
    each: &'a mut dyn FnMut(RowOutcome) -> bool,
}

impl<'de> DeserializeSeed<'de> for Devices<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Devices<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of devices")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut position = 0u64;
        while let Some(device) = seq.next_element::<DeviceInput>()? {
            position += 1;
            let fields = device.into_fields();
            let outcome = match check_device(fields.clone()) {
                Ok(device) => RowOutcome::Accepted {
                    line: position,
                    device,
                },
                Err(reason) => RowOutcome::Rejected(RejectedRow {
                    line: position,
                    reason,
                    values: Field::ALL
                        .iter()
                        .map(|f| fields.get(*f).to_owned())
                        .collect(),
                }),
            };
            if !(self.each)(outcome) {
                return Err(A::Error::custom("the upload was stopped"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = (Vec<String>, Vec<(u64, String)>);

    fn read(body: &str) -> Result<Read, FileProblem> {
        let mut accepted = Vec::new();
        let mut rejected = Vec::new();
        read_devices(body.as_bytes(), &mut |outcome| {
            match outcome {
                RowOutcome::Accepted { device, .. } => accepted.push(device.identity_key),
                RowOutcome::Rejected(row) => rejected.push((row.line, row.reason)),
            }
            true
        })?;
        Ok((accepted, rejected))
    }

    #[test]
    fn devices_are_read_in_order_with_positions() {
        let (accepted, rejected) = read(
            r#"{"source":"x","devices":[{"serial_number":"foc1","product_id":"C9300"},
                {"serial_number":"FOC2","product_id":null},{"product_id":"CP-8845","mac_address":"00:11:22:33:44:55","extra":1}]}"#,
        )
        .unwrap();
        assert_eq!(accepted, vec!["S|FOC1|C9300", "M|001122334455|CP-8845"]);
        assert_eq!(rejected, vec![(2, "missing product ID".to_owned())]);
    }

    #[test]
    fn the_first_collectors_camel_case_names_are_still_read() {
        let (accepted, rejected) = read(
            r#"{"devices":[{"serialNumber":"foc1","productId":"C9300"},
                {"productId":"CP-8845","macAddress":"00:11:22:33:44:55"}]}"#,
        )
        .unwrap();
        assert_eq!(accepted, vec!["S|FOC1|C9300", "M|001122334455|CP-8845"]);
        assert!(rejected.is_empty());
        assert!(
            matches!(read(r#"{"devices":[{"serial_number":"A","serialNumber":"B","product_id":"C"}]}"#),
                Err(FileProblem::InvalidJson(m)) if m.contains("duplicate field")),
            "one device naming its serial twice is refused, not silently one of them"
        );
    }

    #[test]
    fn malformed_bodies_are_refused_whole() {
        assert!(
            matches!(read("{}"), Err(FileProblem::InvalidJson(m)) if m.contains("no `devices`"))
        );
        assert!(matches!(read("[1,2]"), Err(FileProblem::InvalidJson(_))));
        assert!(matches!(
            read(r#"{"devices":[{"serial_number":5}]}"#),
            Err(FileProblem::InvalidJson(_))
        ));
        assert!(matches!(
            read(r#"{"devices":[{"serial_number":"A","product_id":"B"}"#),
            Err(FileProblem::InvalidJson(_))
        ));
        assert!(matches!(
            read(r#"{"devices":[]} trailing"#),
            Err(FileProblem::InvalidJson(_))
        ));
    }
}
