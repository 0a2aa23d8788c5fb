//! Reading a collector's JSON upload, `{"devices":[{"serialNumber":…,"productId":…},…]}`, one
//! device at a time as it streams in (a million devices never sit in memory at once).

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

/// One device as a collector sends it; absent and `null` values are empty.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonDevice {
    serial_number: Option<String>,
    product_id: Option<String>,
    hostname: Option<String>,
    ip_address: Option<String>,
    mac_address: Option<String>,
    software_version: Option<String>,
    site: Option<String>,
}

impl JsonDevice {
    fn into_fields(self) -> DeviceFields {
        let clean = |value: Option<String>| value.map(|v| v.trim().to_owned()).unwrap_or_default();
        DeviceFields {
            serial_number: clean(self.serial_number),
            product_id: clean(self.product_id),
            hostname: clean(self.hostname),
            ip_address: clean(self.ip_address),
            mac_address: clean(self.mac_address),
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
        while let Some(device) = seq.next_element::<JsonDevice>()? {
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
            r#"{"source":"x","devices":[{"serialNumber":"foc1","productId":"C9300"},
                {"serialNumber":"FOC2","productId":null},{"productId":"CP-8845","macAddress":"00:11:22:33:44:55","extra":1}]}"#,
        )
        .unwrap();
        assert_eq!(accepted, vec!["S|FOC1|C9300", "M|001122334455|CP-8845"]);
        assert_eq!(rejected, vec![(2, "missing product ID".to_owned())]);
    }

    #[test]
    fn malformed_bodies_are_refused_whole() {
        assert!(
            matches!(read("{}"), Err(FileProblem::InvalidJson(m)) if m.contains("no `devices`"))
        );
        assert!(matches!(read("[1,2]"), Err(FileProblem::InvalidJson(_))));
        assert!(matches!(
            read(r#"{"devices":[{"serialNumber":5}]}"#),
            Err(FileProblem::InvalidJson(_))
        ));
        assert!(matches!(
            read(r#"{"devices":[{"serialNumber":"A","productId":"B"}"#),
            Err(FileProblem::InvalidJson(_))
        ));
        assert!(matches!(
            read(r#"{"devices":[]} trailing"#),
            Err(FileProblem::InvalidJson(_))
        ));
    }
}
