//! A device's alert history: what changed for it, newest first — its software replaced by an
//! upload (and which advisories that ended or brought), the advisories and notices concerning it
//! as the vendor published and updated them, and each end-of-life milestone it has passed.
//!
//! Alerts are decided when a device is read, so this history is assembled the same way: from the
//! device's earlier software (`device_software_history`, kept by the database when an upload
//! changes it), the bulletins' own dates, and today's date for milestones.

use serde::{Deserialize, Serialize};

use super::{milestones::TBA, DeviceAdvisory, DeviceNotice, MilestoneKind, Milestones};

/// Software a device ran until an upload replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierSoftware {
    pub software_type: String,
    pub software_version: String,
    /// The advisories affecting that release, as published today.
    pub advisories: Vec<String>,
    /// When the upload that replaced it arrived (UTC timestamp), and its number.
    pub replaced_at: String,
    pub replaced_by_upload: i64,
}

/// Something that changed what concerns a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertEvent {
    /// `YYYY-MM-DD`, or a UTC timestamp for an upload.
    pub at: String,
    pub change: AlertChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertChange {
    /// An upload changed the device's software (`from`/`to` empty: none given).
    SoftwareChanged {
        upload_id: i64,
        from: String,
        to: String,
        /// Advisories of the old release the new one is not affected by.
        no_longer_affected_by: Vec<String>,
        /// Advisories of the new release the old one was not affected by.
        newly_affected_by: Vec<String>,
    },
    /// An advisory affecting the device's release was published, or updated.
    Advisory {
        advisory_id: String,
        severity: String,
        updated: bool,
    },
    /// A field notice affecting the device was published, or updated.
    Notice { notice_id: String, updated: bool },
    /// A dated end-of-life milestone of its product (`subject` empty) or of its release train
    /// (`subject` = `IOS XE 17.3`) has been reached.
    Milestone {
        bulletin_number: String,
        milestone: MilestoneKind,
        subject: String,
    },
}

impl AlertEvent {
    /// One sentence saying what happened.
    pub fn sentence(&self) -> String {
        let list = |ids: &[String]| ids.join(", ");
        match &self.change {
            AlertChange::SoftwareChanged {
                upload_id,
                from,
                to,
                no_longer_affected_by,
                newly_affected_by,
            } => {
                let name = |s: &String| {
                    if s.is_empty() {
                        "no software given".to_owned()
                    } else {
                        s.clone()
                    }
                };
                let mut text = format!(
                    "Upload #{upload_id} changed its software from {} to {}",
                    name(from),
                    name(to)
                );
                match (no_longer_affected_by.is_empty(), newly_affected_by.is_empty()) {
                    (true, true) => text.push_str(": no advisory changed."),
                    (false, true) => {
                        text.push_str(&format!(": no longer affected by {}.", list(no_longer_affected_by)))
                    }
                    (true, false) => {
                        text.push_str(&format!(": newly affected by {}.", list(newly_affected_by)))
                    }
                    (false, false) => text.push_str(&format!(
                        ": no longer affected by {}; newly affected by {}.",
                        list(no_longer_affected_by),
                        list(newly_affected_by)
                    )),
                }
                text
            }
            AlertChange::Advisory {
                advisory_id,
                severity,
                updated,
            } => format!(
                "Security advisory {advisory_id} ({severity}) {} — it affects the release this device runs.",
                if *updated { "updated" } else { "published" }
            ),
            AlertChange::Notice { notice_id, updated } => format!(
                "Field notice {notice_id} {} — it affects this device.",
                if *updated { "updated" } else { "published" }
            ),
            AlertChange::Milestone {
                bulletin_number,
                milestone,
                subject,
            } => {
                let of = if subject.is_empty() {
                    "its product".to_owned()
                } else {
                    format!("its {subject} train")
                };
                format!("{} of {of} ({bulletin_number}).", milestone.label())
            }
        }
    }
}

/// The device's history, newest first. `current` is its software now (`IOS XE 17.9.4`, empty
/// when none is given), with the advisories affecting it; `earlier` its replaced software,
/// oldest first.
pub fn alert_history(
    current: (&str, &[String]),
    earlier: &[EarlierSoftware],
    advisories: &[DeviceAdvisory],
    notices: &[DeviceNotice],
    bulletins: &[(&str, &str, &Milestones)],
    today: &str,
) -> Vec<AlertEvent> {
    let mut events = Vec::new();
    let software_name = |t: &str, v: &str| format!("{t} {v}").trim().to_owned();
    for (index, old) in earlier.iter().enumerate() {
        let (to, to_advisories) = match earlier.get(index + 1) {
            Some(next) => (
                software_name(&next.software_type, &next.software_version),
                next.advisories.as_slice(),
            ),
            None => (current.0.to_owned(), current.1),
        };
        let without = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|id| !b.contains(id)).cloned().collect()
        };
        events.push(AlertEvent {
            at: old.replaced_at.clone(),
            change: AlertChange::SoftwareChanged {
                upload_id: old.replaced_by_upload,
                from: software_name(&old.software_type, &old.software_version),
                to,
                no_longer_affected_by: without(&old.advisories, to_advisories),
                newly_affected_by: without(to_advisories, &old.advisories),
            },
        });
    }
    for advisory in advisories {
        let dates = [
            (&advisory.first_published, false),
            (&advisory.last_updated, true),
        ];
        for (date, updated) in dates {
            if updated && advisory.last_updated == advisory.first_published {
                continue;
            }
            events.push(AlertEvent {
                at: date.clone(),
                change: AlertChange::Advisory {
                    advisory_id: advisory.advisory_id.clone(),
                    severity: advisory.severity.label().to_owned(),
                    updated,
                },
            });
        }
    }
    for notice in notices.iter().filter(|n| n.affected) {
        for (date, updated) in [
            (&notice.first_published, false),
            (&notice.last_updated, true),
        ] {
            if updated && notice.last_updated == notice.first_published {
                continue;
            }
            events.push(AlertEvent {
                at: date.clone(),
                change: AlertChange::Notice {
                    notice_id: notice.notice_id.clone(),
                    updated,
                },
            });
        }
    }
    for (bulletin_number, subject, milestones) in bulletins {
        for (milestone, date) in milestones.all() {
            if date.is_empty() || date == TBA || date > today {
                continue;
            }
            events.push(AlertEvent {
                at: date.to_owned(),
                change: AlertChange::Milestone {
                    bulletin_number: (*bulletin_number).to_owned(),
                    milestone,
                    subject: (*subject).to_owned(),
                },
            });
        }
    }
    // Newest first (a date sorts before the timestamps of the same day); stable otherwise.
    events.sort_by(|a, b| b.at.cmp(&a.at));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::{AdvisoryState, NoticeType, Severity};

    fn advisory(id: &str, published: &str, updated: &str) -> DeviceAdvisory {
        DeviceAdvisory {
            advisory_id: id.into(),
            title: String::new(),
            url: String::new(),
            severity: Severity::High,
            cvss_base_score: String::new(),
            cve_ids: Vec::new(),
            first_published: published.into(),
            last_updated: updated.into(),
            state: AdvisoryState::Vulnerable,
            affected_release: "17.9.4".into(),
            first_fixed: Vec::new(),
        }
    }

    fn notice(id: &str, affected: bool) -> DeviceNotice {
        DeviceNotice {
            notice_id: id.into(),
            title: String::new(),
            url: String::new(),
            notice_type: NoticeType::Hardware,
            first_published: "2026-03-01".into(),
            last_updated: "2026-03-01".into(),
            solution: String::new(),
            affected,
            reason: String::new(),
        }
    }

    fn earlier(t: &str, v: &str, advisories: &[&str], at: &str, upload: i64) -> EarlierSoftware {
        EarlierSoftware {
            software_type: t.into(),
            software_version: v.into(),
            advisories: advisories.iter().map(|a| (*a).to_owned()).collect(),
            replaced_at: at.into(),
            replaced_by_upload: upload,
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn each_upgrade_says_which_advisories_it_ended_and_brought() {
        let past = [
            earlier("", "", &[], "2026-01-10T08:00:00Z", 1),
            earlier(
                "IOS XE",
                "17.3.1",
                &["SA-1", "SA-2"],
                "2026-06-01T09:30:00Z",
                4,
            ),
        ];
        let history = alert_history(
            ("IOS XE 17.9.4", &ids(&["SA-2", "SA-3"])),
            &past,
            &[],
            &[],
            &[],
            "2026-12-01",
        );
        let sentences: Vec<String> = history.iter().map(AlertEvent::sentence).collect();
        assert_eq!(
            sentences,
            [
                "Upload #4 changed its software from IOS XE 17.3.1 to IOS XE 17.9.4: no longer affected by SA-1; newly affected by SA-3.",
                "Upload #1 changed its software from no software given to IOS XE 17.3.1: newly affected by SA-1, SA-2.",
            ]
        );
    }

    #[test]
    fn bulletins_and_milestones_are_dated_and_only_what_has_happened() {
        let milestones = Milestones {
            announcement_date: "2025-01-01".into(),
            end_of_sale: "2026-02-01".into(),
            last_ship: TBA.into(),
            end_of_software_maintenance: "2027-01-01".into(),
            ..Milestones::default()
        };
        let history = alert_history(
            ("IOS XE 17.9.4", &ids(&["SA-1"])),
            &[],
            &[
                advisory("SA-1", "2026-05-01", "2026-07-01"),
                advisory("SA-2", "2026-04-01", "2026-04-01"),
            ],
            &[notice("FN-1", true), notice("FN-2", false)],
            &[
                ("EOL-1", "", &milestones),
                ("SW-1", "IOS XE 17.9", &milestones),
            ],
            "2026-12-01",
        );
        let sentences: Vec<(String, String)> = history
            .iter()
            .map(|e| (e.at.clone(), e.sentence()))
            .collect();
        let expected: Vec<(String, String)> = [
            ("2026-07-01", "Security advisory SA-1 (High) updated — it affects the release this device runs."),
            ("2026-05-01", "Security advisory SA-1 (High) published — it affects the release this device runs."),
            ("2026-04-01", "Security advisory SA-2 (High) published — it affects the release this device runs."),
            ("2026-03-01", "Field notice FN-1 published — it affects this device."),
            ("2026-02-01", "End of sale of its product (EOL-1)."),
            ("2026-02-01", "End of sale of its IOS XE 17.9 train (SW-1)."),
            ("2025-01-01", "End-of-life announcement of its product (EOL-1)."),
            ("2025-01-01", "End-of-life announcement of its IOS XE 17.9 train (SW-1)."),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        assert_eq!(sentences, expected);
    }

    #[test]
    fn a_device_with_nothing_has_no_history() {
        assert!(alert_history(("", &[]), &[], &[], &[], &[], "2026-12-01").is_empty());
    }
}
