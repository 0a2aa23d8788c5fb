//! Product ID corrections a company made: a device its inventory reports under one product ID
//! while the vendor's registry knows its serial number under another is corrected once, on its
//! device page, and every later upload that reports it the old way is read corrected. Without
//! that, the next upload (a collector reports what the device says) would bring the old product
//! ID back as a second device. Pure: the corrections are loaded once per upload.

use std::collections::HashMap;

use super::rows::{identity_key, CheckedDevice};
use crate::coverage::normalise::pid_key;

/// A company's corrections: the identity a device is reported under → the product ID to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PidCorrections {
    by_reported_identity: HashMap<String, String>,
}

impl PidCorrections {
    /// From `(reported identity, corrected product ID)` pairs, as stored.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            by_reported_identity: pairs.into_iter().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_reported_identity.is_empty()
    }

    /// `device` as the company corrected it, or as it is when it has no correction.
    pub fn apply(&self, device: CheckedDevice) -> CheckedDevice {
        match self.by_reported_identity.get(&device.identity_key) {
            Some(product_id) => with_product_id(device, product_id),
            None => device,
        }
    }
}

/// A device's keys with another product ID (its identity names the product ID too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rekeyed {
    pub pid_key: String,
    pub identity_key: String,
}

/// The keys a device with serial key `serial_key` (or, without one, MAC key `mac_key`) has under
/// `product_id`.
pub fn rekeyed(serial_key: &str, mac_key: &str, product_id: &str) -> Rekeyed {
    let pid_key = pid_key(product_id);
    let identity_key = identity_key(serial_key, mac_key, &pid_key);
    Rekeyed {
        pid_key,
        identity_key,
    }
}

/// `device` under `product_id`, as typed by whoever corrected it.
fn with_product_id(mut device: CheckedDevice, product_id: &str) -> CheckedDevice {
    let keys = rekeyed(&device.serial_key, &device.mac_key, product_id);
    device.fields.product_id = product_id.to_owned();
    device.pid_key = keys.pid_key;
    device.identity_key = keys.identity_key;
    device
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::rows::{check_device, DeviceFields};

    fn device(serial: &str, mac: &str, pid: &str) -> CheckedDevice {
        check_device(DeviceFields {
            serial_number: serial.into(),
            mac_address: mac.into(),
            product_id: pid.into(),
            hostname: "core-sw-01".into(),
            ..DeviceFields::default()
        })
        .unwrap()
    }

    #[test]
    fn a_corrected_device_is_read_under_the_corrected_product_id_whatever_its_spelling() {
        let corrections =
            PidCorrections::new([("S|FOC1234X5YZ|C9300-24P".to_owned(), "C9300-24T".to_owned())]);
        // Reported as the collector writes it (lower case, a spare's `=`): the same identity.
        let corrected = corrections.apply(device("foc1234x5yz", "", "c9300-24p="));
        assert_eq!(corrected.fields.product_id, "C9300-24T");
        assert_eq!(corrected.pid_key, "C9300-24T");
        assert_eq!(corrected.identity_key, "S|FOC1234X5YZ|C9300-24T");
        assert_eq!(
            corrected.fields.hostname, "core-sw-01",
            "the rest as uploaded"
        );
    }

    #[test]
    fn other_devices_and_other_product_ids_of_the_same_serial_are_left_alone() {
        let corrections =
            PidCorrections::new([("S|FOC1234X5YZ|C9300-24P".to_owned(), "C9300-24T".to_owned())]);
        for unchanged in [
            device("FOC1234X5YZ", "", "C9300-48P"),
            device("FOC9999X5YZ", "", "C9300-24P"),
        ] {
            assert_eq!(corrections.apply(unchanged.clone()), unchanged);
        }
        assert!(PidCorrections::default().is_empty());
    }

    #[test]
    fn a_phone_known_by_its_mac_address_keeps_its_mac_identity() {
        let corrections =
            PidCorrections::new([("M|001122AABBCC|CP-8845".to_owned(), "CP-8865".to_owned())]);
        let corrected = corrections.apply(device("", "00:11:22:aa:bb:cc", "CP-8845"));
        assert_eq!(corrected.identity_key, "M|001122AABBCC|CP-8865");
        assert_eq!(
            rekeyed("", "001122AABBCC", "cp-8865="),
            Rekeyed {
                pid_key: "CP-8865".into(),
                identity_key: "M|001122AABBCC|CP-8865".into()
            }
        );
    }
}
