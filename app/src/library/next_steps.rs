//! What to do next about one device, in words a network engineer acts on: from its coverage
//! (renew, correct, find the contract), its hardware end of life (replace, with what, by when)
//! and whether the collector still sees it. Pure: the device page shows the list.

use crate::{
    alerts::{milestones::date_label, AdvisoryState, EolStage},
    coverage::{ReasonCode, Status},
    inventory::DeviceRecord,
};

/// The steps for `device`, most urgent first; one reassuring line when there is nothing to do.
pub fn next_steps(device: &DeviceRecord) -> Vec<String> {
    let mut steps = Vec::new();
    let c = &device.coverage;
    let contract = c.contract_number.as_deref().unwrap_or("?");
    let end = c.end_date.as_deref().unwrap_or("?");
    match (c.status, c.reason) {
        (_, Some(ReasonCode::PidMismatch)) => {
            steps.push(format!(
            "Check the product ID: the registry knows serial {} as {}. If that is what the device \
             is, correct it here in one click (later uploads are read corrected) or in your \
             inventory; if not, ask whoever holds the contract to correct its line.",
            device.serial_number,
            c.registry_product_id.as_deref().unwrap_or("another product")
        ))
        }
        (_, Some(_)) if device.serial_number.is_empty() => steps.push(format!(
            "Add its serial number to your inventory: contracts cover serial numbers, and this \
             device was uploaded with its MAC address {} alone (the serial is on its label, or in \
             its settings).",
            device.mac_address
        )),
        (_, Some(_)) => steps.push(format!(
            "Find the contract that covers it: check serial {} against the device itself (`show \
             inventory`, or the label on the chassis); a typo or a spreadsheet's rewrite is the \
             usual cause. Then add the contract by number on Library → Contracts, or ask your \
             partner or the vendor to cover it.",
            device.serial_number
        )),
        (Status::Expired, None) => steps.push(format!(
            "Renew contract {contract}: its coverage ended on {end}."
        )),
        (Status::Expiring, None) => steps.push(format!(
            "Renew contract {contract} before {end}, when its coverage ends."
        )),
        (Status::Future, None) => steps.push(format!(
            "Coverage starts on {} (contract {contract}): until then the device is not covered.",
            c.start_date.as_deref().unwrap_or("?")
        )),
        _ => {}
    }
    let security = &device.security;
    let software = format!("{} {}", device.software_type, device.software_version);
    let advisories = |n: u32| {
        if n == 1 {
            "1 security advisory affects".to_owned()
        } else {
            format!("{n} security advisories affect")
        }
    };
    match security.state {
        AdvisoryState::Vulnerable => {
            let worst = security
                .highest_severity
                .map(|s| format!(" (the worst: {})", s.label().to_lowercase()))
                .unwrap_or_default();
            steps.push(format!(
                "Upgrade its software: {} {software}{worst}. The advisories below name the \
                 releases that fix them.",
                advisories(
                    security.vulnerable_advisories + security.potentially_vulnerable_advisories
                )
            ));
        }
        AdvisoryState::PotentiallyVulnerable => steps.push(format!(
            "Check its configuration: {} {software} when certain features are enabled. The \
             advisories below say which, and the releases that fix them.",
            advisories(security.potentially_vulnerable_advisories)
        )),
        AdvisoryState::NotVulnerable | AdvisoryState::NotAssessed => {}
    }
    if let Some(software) = &device.software_end_of_life {
        let train = format!("{} {}", software.software_type, software.release_train);
        let support_ends = date_label(&software.milestones.last_date_of_support);
        match software.stage {
            EolStage::PastLastDateOfSupport => steps.push(format!(
                "Move its software to a supported train: {train} has been unsupported since \
                 {support_ends}."
            )),
            EolStage::EndOfSecuritySupport => steps.push(format!(
                "Move its software to a supported train before {support_ends}: {train} gets no \
                 more security fixes."
            )),
            EolStage::EndOfSoftwareMaintenance => steps.push(format!(
                "Plan a move to a newer train: {train} gets security fixes only (last date of \
                 support: {support_ends})."
            )),
            EolStage::Announced | EolStage::EndOfSale => {}
        }
    }
    match device.field_notices {
        0 => {}
        1 => {
            steps.push("Apply the solution of the field notice that affects it (below).".to_owned())
        }
        n => steps.push(format!(
            "Apply the solutions of the {n} field notices that affect it (below)."
        )),
    }
    if let Some(eol) = &device.hardware_end_of_life {
        let with = eol
            .replacement_product_id
            .as_deref()
            .map(|pid| format!(" with {pid}"))
            .unwrap_or_default();
        let support_ends = date_label(&eol.milestones.last_date_of_support);
        steps.push(match eol.stage {
            EolStage::PastLastDateOfSupport => format!(
                "Replace it{with}: its last date of support was {support_ends}; no service, \
                 repair or fix is available."
            ),
            EolStage::EndOfSecuritySupport => format!(
                "Replace it{with} before its last date of support ({support_ends}): it gets no \
                 more security fixes."
            ),
            _ => match &eol.next_milestone {
                Some(next) => format!(
                    "Plan its replacement{with}: next, {} on {} (last date of support: {support_ends}).",
                    next.milestone.label().to_lowercase(),
                    next.date
                ),
                None => format!(
                    "Plan its replacement{with} (last date of support: {support_ends})."
                ),
            },
        });
    }
    if let Some(since) = &device.no_longer_seen_at {
        steps.push(format!(
            "Its collector no longer reports it (since {}): if it is gone, remove it from your \
             inventory.",
            &since[..since.len().min(10)]
        ));
    }
    if steps.is_empty() {
        steps.push(
            "Nothing to do: it is covered and no end of life is announced for its product."
                .to_owned(),
        );
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        alerts::{HardwareEndOfLife, Milestones},
        inventory::DeviceCoverage,
    };

    fn device(status: Status, reason: Option<ReasonCode>) -> DeviceRecord {
        DeviceRecord {
            id: 1,
            serial_number: "FOC1".into(),
            product_id: "WS-C3850-24T".into(),
            hostname: "core-1".into(),
            ip_address: String::new(),
            mac_address: String::new(),
            software_type: String::new(),
            software_version: String::new(),
            site: String::new(),
            first_seen_at: "2026-01-01T00:00:00.000000Z".into(),
            last_seen_at: "2026-01-01T00:00:00.000000Z".into(),
            no_longer_seen_at: None,
            coverage: DeviceCoverage {
                status,
                reason,
                registry_product_id: Some("C9300-24T".into()),
                contract_number: Some("91000002".into()),
                service_level: Some("SNTC".into()),
                start_date: Some("2025-01-01".into()),
                end_date: Some("2026-12-31".into()),
                days_left: None,
                computed_at: "2026-12-01T00:00:00.000000Z".into(),
            },
            hardware_end_of_life: None,
            security: crate::alerts::SecurityAssessment {
                state: crate::alerts::AdvisoryState::NotAssessed,
                reason: Some("no software type uploaded".into()),
                vulnerable_advisories: 0,
                potentially_vulnerable_advisories: 0,
                highest_severity: None,
            },
            field_notices: 0,
            software_end_of_life: None,
        }
    }

    fn bulletin(today: &str, ldos: &str) -> HardwareEndOfLife {
        let dates = |d: &str| d.to_owned();
        HardwareEndOfLife::on(
            today,
            "EOL-1".into(),
            "Catalyst 3850".into(),
            String::new(),
            Milestones {
                announcement_date: dates("2020-01-01"),
                end_of_sale: dates("2021-01-01"),
                last_ship: dates("2021-04-01"),
                end_of_software_maintenance: dates("2022-01-01"),
                end_of_security_support: dates("2024-01-01"),
                end_of_routine_failure_analysis: dates("2022-01-01"),
                end_of_new_service_attachment: dates("2022-01-01"),
                end_of_service_contract_renewal: dates("2025-01-01"),
                last_date_of_support: dates(ldos),
            },
            "C9300-24T".into(),
            String::new(),
        )
    }

    #[test]
    fn advisories_say_upgrade_or_check_the_configuration() {
        let mut exposed = device(Status::Covered, None);
        exposed.software_type = "IOS XE".into();
        exposed.software_version = "17.9.4".into();
        exposed.security = crate::alerts::SecurityAssessment {
            state: AdvisoryState::Vulnerable,
            reason: None,
            vulnerable_advisories: 1,
            potentially_vulnerable_advisories: 1,
            highest_severity: Some(crate::alerts::Severity::Critical),
        };
        assert_eq!(
            next_steps(&exposed),
            [
                "Upgrade its software: 2 security advisories affect IOS XE 17.9.4 (the worst: \
              critical). The advisories below name the releases that fix them."
            ]
        );
        exposed.security.state = AdvisoryState::PotentiallyVulnerable;
        exposed.security.vulnerable_advisories = 0;
        assert!(next_steps(&exposed)[0]
            .starts_with("Check its configuration: 1 security advisory affects IOS XE 17.9.4"));
    }

    #[test]
    fn an_old_release_train_says_move_on() {
        let mut old = device(Status::Covered, None);
        let milestones = bulletin("2026-12-01", "2027-06-30").milestones;
        old.software_end_of_life = Some(crate::alerts::SoftwareEndOfLife::on(
            "2026-12-01",
            "IOS XE".into(),
            "16.12".into(),
            "SW-1".into(),
            "IOS XE 16.12".into(),
            String::new(),
            milestones,
        ));
        assert_eq!(
            next_steps(&old),
            [
                "Move its software to a supported train before 2027-06-30: IOS XE 16.12 gets no \
              more security fixes."
            ]
        );
    }

    #[test]
    fn a_covered_device_with_nothing_announced_needs_nothing() {
        assert_eq!(
            next_steps(&device(Status::Covered, None)),
            ["Nothing to do: it is covered and no end of life is announced for its product."]
        );
    }

    #[test]
    fn coverage_says_what_to_renew_or_correct() {
        assert_eq!(
            next_steps(&device(Status::Expiring, None)),
            ["Renew contract 91000002 before 2026-12-31, when its coverage ends."]
        );
        assert_eq!(
            next_steps(&device(Status::Expired, None)),
            ["Renew contract 91000002: its coverage ended on 2026-12-31."]
        );
        let mismatch = next_steps(&device(Status::NotCovered, Some(ReasonCode::PidMismatch)));
        assert!(mismatch[0].contains("as C9300-24T"), "{mismatch:?}");
        let unknown = next_steps(&device(Status::NotCovered, Some(ReasonCode::UnknownSerial)));
        assert!(unknown[0].starts_with("Find the contract"), "{unknown:?}");
        assert!(unknown[0].contains("show inventory"), "{unknown:?}");
        let mut phone = device(Status::NotCovered, Some(ReasonCode::UnknownSerial));
        phone.serial_number.clear();
        phone.mac_address = "00:1B:54:AA:BB:CC".into();
        let phone = next_steps(&phone);
        assert!(
            phone[0].starts_with("Add its serial number") && phone[0].contains("00:1B:54:AA:BB:CC"),
            "{phone:?}"
        );
    }

    #[test]
    fn end_of_life_says_replace_with_what_and_by_when() {
        let mut old = device(Status::Expiring, None);
        old.hardware_end_of_life = Some(bulletin("2026-12-01", "2026-10-31"));
        old.no_longer_seen_at = Some("2026-11-20T08:00:00.000000Z".into());
        assert_eq!(
            next_steps(&old),
            [
                "Renew contract 91000002 before 2026-12-31, when its coverage ends.",
                "Replace it with C9300-24T: its last date of support was 2026-10-31; no service, \
                 repair or fix is available.",
                "Its collector no longer reports it (since 2026-11-20): if it is gone, remove it \
                 from your inventory.",
            ]
        );
        let mut security = device(Status::Covered, None);
        security.hardware_end_of_life = Some(bulletin("2026-12-01", "2029-01-31"));
        assert_eq!(
            next_steps(&security),
            [
                "Replace it with C9300-24T before its last date of support (2029-01-31): it gets \
              no more security fixes."
            ]
        );
        let mut early = device(Status::Covered, None);
        early.hardware_end_of_life = Some(bulletin("2021-02-01", "2029-01-31"));
        assert_eq!(
            next_steps(&early),
            [
                "Plan its replacement with C9300-24T: next, last ship on 2021-04-01 (last date of \
              support: 2029-01-31)."
            ]
        );
    }
}
