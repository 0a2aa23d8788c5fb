//! The coverage decision: given a device and the registry lines that share its serial number (or
//! its MAC address, for phones), what is its status, which line decides it, and why.
//!
//! Pure and deterministic: the same device and lines give the same answer in any order. Dates are
//! ISO `YYYY-MM-DD` text (validated on import), which compares chronologically; the caller
//! supplies today and the last day that still counts as "expiring soon".

use serde::{Deserialize, Serialize};

use super::vocabulary::ReasonCode;
pub use super::vocabulary::Status;

/// The identity a device is matched on (normalised keys, see `normalise`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceKeys {
    pub serial_key: String,
    pub pid_key: String,
    /// Empty when unknown.
    pub mac_key: String,
}

/// One registry contract line, with what a company may see of its contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub contract_number: String,
    pub service_level: String,
    pub serial_key: String,
    pub pid_key: String,
    pub mac_key: String,
    /// As the registry wrote it, to name it when it differs from the device's.
    pub product_id: String,
    pub start_date: String,
    pub end_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// The registry does not know this serial number (or MAC address).
    UnknownSerial,
    /// The registry knows the serial under another product ID: the commonest cause of a device
    /// shown as not covered. `registry_pid` is the one to check against the inventory.
    PidMismatch { registry_pid: String },
}

impl Reason {
    /// The reason as stored: its code, and the registry's PID for a mismatch.
    pub fn stored(reason: &Option<Reason>) -> (Option<ReasonCode>, Option<&str>) {
        match reason {
            None => (None, None),
            Some(Reason::UnknownSerial) => (Some(ReasonCode::UnknownSerial), None),
            Some(Reason::PidMismatch { registry_pid }) => {
                (Some(ReasonCode::PidMismatch), Some(registry_pid.as_str()))
            }
        }
    }
}

/// The answer for one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub status: Status,
    pub reason: Option<Reason>,
    /// The line that decided a covered, expiring, future or expired status.
    pub line: Option<Line>,
}

/// The day coverage is judged on, and the last day a line may end on to count as expiring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub today: String,
    pub expiring_until: String,
}

/// Whether `line` is about the same piece of hardware as `device`, whatever its product ID: the
/// same serial number, or for a device known without one (IP phones) the same MAC address.
fn same_identity(device: &DeviceKeys, line: &Line) -> bool {
    if device.serial_key.is_empty() {
        !device.mac_key.is_empty() && device.mac_key == line.mac_key
    } else {
        device.serial_key == line.serial_key
    }
}

/// Whether `line` covers `device`: the same identity (serial, or MAC without a serial) **and** the
/// same product ID. A MAC address alone is no proof: a switch must not be covered by a phone's
/// line because they share one.
pub fn matches(device: &DeviceKeys, line: &Line) -> bool {
    same_identity(device, line) && device.pid_key == line.pid_key
}

/// How a matching line stands today: active lines beat future ones beat expired ones.
fn standing(line: &Line, clock: &Clock) -> u8 {
    if line.start_date.as_str() > clock.today.as_str() {
        1
    } else if line.end_date.as_str() < clock.today.as_str() {
        0
    } else {
        2
    }
}

/// The line that decides, among matching ones: best standing, then the latest end date; ties
/// broken on contract number and start date, so the order of the lines never matters.
fn better<'a>(a: &'a Line, b: &'a Line, clock: &Clock) -> &'a Line {
    let key = |l: &'a Line| {
        (
            standing(l, clock),
            l.end_date.as_str(),
            l.contract_number.as_str(),
            l.start_date.as_str(),
        )
    };
    if key(b) > key(a) {
        b
    } else {
        a
    }
}

/// Decides a device's coverage from the lines that share its serial (or MAC). Lines about other
/// serials may be passed too; they are ignored.
pub fn decide(device: &DeviceKeys, lines: &[Line], clock: &Clock) -> Decision {
    let winner = lines
        .iter()
        .filter(|line| matches(device, line))
        .reduce(|a, b| better(a, b, clock));
    if let Some(line) = winner {
        let status = match standing(line, clock) {
            2 if line.end_date.as_str() <= clock.expiring_until.as_str() => Status::Expiring,
            2 => Status::Covered,
            1 => Status::Future,
            _ => Status::Expired,
        };
        return Decision {
            status,
            reason: None,
            line: Some(line.clone()),
        };
    }
    // Not covered: is the serial (or MAC) known under another product ID?
    let other_pid = lines
        .iter()
        .filter(|line| same_identity(device, line))
        .reduce(|a, b| better(a, b, clock));
    let reason = match other_pid {
        Some(line) => Reason::PidMismatch {
            registry_pid: line.product_id.clone(),
        },
        None => Reason::UnknownSerial,
    };
    Decision {
        status: Status::NotCovered,
        reason: Some(reason),
        line: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clock() -> Clock {
        Clock {
            today: "2026-11-22".into(),
            expiring_until: "2027-02-20".into(),
        }
    }

    fn device(serial: &str, pid: &str) -> DeviceKeys {
        DeviceKeys {
            serial_key: serial.into(),
            pid_key: pid.into(),
            mac_key: String::new(),
        }
    }

    fn line(contract: &str, serial: &str, pid: &str, start: &str, end: &str) -> Line {
        Line {
            contract_number: contract.into(),
            service_level: "SNTC".into(),
            serial_key: serial.into(),
            pid_key: pid.into(),
            mac_key: String::new(),
            product_id: pid.into(),
            start_date: start.into(),
            end_date: end.into(),
        }
    }

    fn status_of(lines: &[Line]) -> Status {
        decide(&device("FOC1", "C9300-48P"), lines, &clock()).status
    }

    #[test]
    fn each_status() {
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2026-01-01", "2028-01-01")]),
            Status::Covered
        );
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2026-01-01", "2027-01-05")]),
            Status::Expiring
        );
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2027-01-01", "2028-01-01")]),
            Status::Future
        );
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2024-01-01", "2025-01-01")]),
            Status::Expired
        );
        assert_eq!(status_of(&[]), Status::NotCovered);
    }

    #[test]
    fn boundaries_are_inclusive() {
        // A line is active on its first and last day; the window's last day still counts.
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2026-11-22", "2028-01-01")]),
            Status::Covered
        );
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2026-01-01", "2026-11-22")]),
            Status::Expiring
        );
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2026-01-01", "2027-02-20")]),
            Status::Expiring
        );
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2026-01-01", "2027-02-21")]),
            Status::Covered
        );
        assert_eq!(
            status_of(&[line("1", "FOC1", "C9300-48P", "2026-01-01", "2026-11-21")]),
            Status::Expired
        );
    }

    #[test]
    fn active_beats_future_beats_expired_and_the_latest_end_wins() {
        let expired = line("E", "FOC1", "C9300-48P", "2020-01-01", "2025-01-01");
        let future = line("F", "FOC1", "C9300-48P", "2027-01-01", "2030-01-01");
        let active_soon = line("A1", "FOC1", "C9300-48P", "2025-01-01", "2027-01-01");
        let active_long = line("A2", "FOC1", "C9300-48P", "2025-06-01", "2028-01-01");
        let decision = decide(
            &device("FOC1", "C9300-48P"),
            &[
                expired.clone(),
                future.clone(),
                active_soon.clone(),
                active_long.clone(),
            ],
            &clock(),
        );
        assert_eq!(
            (decision.status, decision.line.map(|l| l.contract_number)),
            (Status::Covered, Some("A2".into()))
        );
        let decision = decide(
            &device("FOC1", "C9300-48P"),
            &[expired.clone(), future.clone()],
            &clock(),
        );
        assert_eq!(
            (decision.status, decision.line.map(|l| l.contract_number)),
            (Status::Future, Some("F".into()))
        );
        let older = line("E0", "FOC1", "C9300-48P", "2018-01-01", "2019-01-01");
        let decision = decide(&device("FOC1", "C9300-48P"), &[older, expired], &clock());
        assert_eq!(
            decision.line.map(|l| l.contract_number),
            Some("E".into()),
            "the latest end wins among expired"
        );
    }

    #[test]
    fn a_serial_under_another_pid_names_the_registry_pid() {
        let lines = [line("1", "FOC1", "C9300-24T", "2026-01-01", "2028-01-01")];
        let decision = decide(&device("FOC1", "C9300-48P"), &lines, &clock());
        assert_eq!(decision.status, Status::NotCovered);
        assert_eq!(
            decision.reason,
            Some(Reason::PidMismatch {
                registry_pid: "C9300-24T".into()
            })
        );
        assert_eq!(decision.line, None);
        let decision = decide(&device("OTHER", "C9300-48P"), &lines, &clock());
        assert_eq!(decision.reason, Some(Reason::UnknownSerial));
    }

    #[test]
    fn a_mac_match_must_agree_on_the_product_id() {
        let mut phone_line = line("P", "", "CP-8845-K9", "2026-01-01", "2028-01-01");
        phone_line.mac_key = "001B54AA1001".into();
        let switch = DeviceKeys {
            serial_key: String::new(),
            pid_key: "N9K-C93180YC-FX".into(),
            mac_key: "001B54AA1001".into(),
        };
        let decision = decide(&switch, std::slice::from_ref(&phone_line), &clock());
        assert_eq!(decision.status, Status::NotCovered);
        assert_eq!(
            decision.reason,
            Some(Reason::PidMismatch {
                registry_pid: "CP-8845-K9".into()
            })
        );
    }

    #[test]
    fn phones_without_a_serial_match_by_mac() {
        let mut phone_line = line("P", "", "CP-8845", "2026-01-01", "2028-01-01");
        phone_line.mac_key = "001B54AA1001".into();
        let phone = DeviceKeys {
            serial_key: String::new(),
            pid_key: "CP-8845".into(),
            mac_key: "001B54AA1001".into(),
        };
        assert_eq!(
            decide(&phone, std::slice::from_ref(&phone_line), &clock()).status,
            Status::Covered
        );
        let other = DeviceKeys {
            mac_key: "001B54AA1002".into(),
            ..phone.clone()
        };
        assert_eq!(
            decide(&other, &[phone_line.clone()], &clock()).reason,
            Some(Reason::UnknownSerial)
        );
        // A device with neither serial nor MAC matches nothing, not every MAC-less line.
        let nothing = DeviceKeys {
            serial_key: String::new(),
            pid_key: "X".into(),
            mac_key: String::new(),
        };
        phone_line.mac_key = String::new();
        assert_eq!(
            decide(&nothing, &[phone_line], &clock()).status,
            Status::NotCovered
        );
    }

    fn any_line() -> impl Strategy<Value = Line> {
        let day = (2018u32..2032, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        (
            prop::sample::select(vec!["A", "B", "C"]),
            prop::sample::select(vec!["FOC1", "FOC2"]),
            prop::sample::select(vec!["P1", "P2"]),
            day.clone(),
            day,
        )
            .prop_map(|(contract, serial, pid, a, b)| {
                let (start, end) = if a <= b { (a, b) } else { (b, a) };
                line(contract, serial, pid, &start, &end)
            })
    }

    proptest! {
        #[test]
        fn the_order_of_lines_never_changes_the_answer(lines in prop::collection::vec(any_line(), 0..8), seed in any::<u64>()) {
            let device = device("FOC1", "P1");
            let mut shuffled = lines.clone();
            // A deterministic shuffle from the seed.
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(decide(&device, &lines, &clock()), decide(&device, &shuffled, &clock()));
        }

        #[test]
        fn adding_an_expired_line_never_turns_covered_into_expired(
            lines in prop::collection::vec(any_line(), 0..8),
            start in 2015u32..2020,
        ) {
            let device = device("FOC1", "P1");
            let before = decide(&device, &lines, &clock()).status;
            let mut more = lines.clone();
            more.push(line("Z", "FOC1", "P1", &format!("{start}-01-01"), "2021-12-31"));
            let after = decide(&device, &more, &clock()).status;
            if matches!(before, Status::Covered | Status::Expiring | Status::Future) {
                prop_assert_eq!(after, before);
            }
        }

        #[test]
        fn a_decision_is_explained(lines in prop::collection::vec(any_line(), 0..8)) {
            let decision = decide(&device("FOC1", "P1"), &lines, &clock());
            // Every not-covered answer carries a reason; every other one names its line.
            prop_assert_eq!(decision.status == Status::NotCovered, decision.reason.is_some());
            prop_assert_eq!(decision.status != Status::NotCovered, decision.line.is_some());
        }
    }
}
