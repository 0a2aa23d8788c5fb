//! Hardware end of life: the milestones of a vendor's end-of-life bulletin, and where a device of
//! a product the bulletin lists stands on a given day. Pure, shared by the Library, the
//! dashboard and the API.
//!
//! Every milestone date is `YYYY-MM-DD` or [`TBA`] (announced, date to come). Stored as that
//! text, so a milestone is reached when its text is at most today's: `TBA` sorts after every
//! date, so it is never reached (the same comparison works in SQL, see [`EolStage::stage_sql`]).

use serde::{Deserialize, Serialize};

/// A milestone whose date the vendor has not announced yet.
pub const TBA: &str = "TBA";

/// How a milestone date reads: the date, or "to be announced".
pub fn date_label(date: &str) -> String {
    if date == TBA {
        "to be announced".to_owned()
    } else {
        date.to_owned()
    }
}

/// One milestone of a hardware end-of-life bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum MilestoneKind {
    Announcement,
    EndOfSale,
    LastShip,
    EndOfSoftwareMaintenance,
    EndOfSecuritySupport,
    EndOfRoutineFailureAnalysis,
    EndOfNewServiceAttachment,
    EndOfServiceContractRenewal,
    LastDateOfSupport,
}

impl MilestoneKind {
    /// In the order a bulletin lists them.
    pub const ALL: [MilestoneKind; 9] = [
        MilestoneKind::Announcement,
        MilestoneKind::EndOfSale,
        MilestoneKind::LastShip,
        MilestoneKind::EndOfSoftwareMaintenance,
        MilestoneKind::EndOfSecuritySupport,
        MilestoneKind::EndOfRoutineFailureAnalysis,
        MilestoneKind::EndOfNewServiceAttachment,
        MilestoneKind::EndOfServiceContractRenewal,
        MilestoneKind::LastDateOfSupport,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MilestoneKind::Announcement => "End-of-life announcement",
            MilestoneKind::EndOfSale => "End of sale",
            MilestoneKind::LastShip => "Last ship",
            MilestoneKind::EndOfSoftwareMaintenance => "End of software maintenance releases",
            MilestoneKind::EndOfSecuritySupport => "End of security support",
            MilestoneKind::EndOfRoutineFailureAnalysis => "End of routine failure analysis",
            MilestoneKind::EndOfNewServiceAttachment => "End of new service attachment",
            MilestoneKind::EndOfServiceContractRenewal => "End of service contract renewal",
            MilestoneKind::LastDateOfSupport => "Last date of support",
        }
    }

    /// Its name in exports and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::Announcement => "announcement",
            MilestoneKind::EndOfSale => "end_of_sale",
            MilestoneKind::LastShip => "last_ship",
            MilestoneKind::EndOfSoftwareMaintenance => "end_of_software_maintenance",
            MilestoneKind::EndOfSecuritySupport => "end_of_security_support",
            MilestoneKind::EndOfRoutineFailureAnalysis => "end_of_routine_failure_analysis",
            MilestoneKind::EndOfNewServiceAttachment => "end_of_new_service_attachment",
            MilestoneKind::EndOfServiceContractRenewal => "end_of_service_contract_renewal",
            MilestoneKind::LastDateOfSupport => "last_date_of_support",
        }
    }

    /// The column of `eox_bulletins.csv` (and of the table) holding it: its name, but for the
    /// announcement's date.
    pub fn column(self) -> &'static str {
        match self {
            MilestoneKind::Announcement => "announcement_date",
            other => other.as_str(),
        }
    }
}

/// The dates of a bulletin, in [`MilestoneKind::ALL`] order, each `YYYY-MM-DD` or [`TBA`]. Read
/// from rows by its columns' names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct Milestones {
    pub announcement_date: String,
    pub end_of_sale: String,
    pub last_ship: String,
    pub end_of_software_maintenance: String,
    pub end_of_security_support: String,
    pub end_of_routine_failure_analysis: String,
    pub end_of_new_service_attachment: String,
    pub end_of_service_contract_renewal: String,
    pub last_date_of_support: String,
}

impl Milestones {
    pub fn date(&self, kind: MilestoneKind) -> &str {
        match kind {
            MilestoneKind::Announcement => &self.announcement_date,
            MilestoneKind::EndOfSale => &self.end_of_sale,
            MilestoneKind::LastShip => &self.last_ship,
            MilestoneKind::EndOfSoftwareMaintenance => &self.end_of_software_maintenance,
            MilestoneKind::EndOfSecuritySupport => &self.end_of_security_support,
            MilestoneKind::EndOfRoutineFailureAnalysis => &self.end_of_routine_failure_analysis,
            MilestoneKind::EndOfNewServiceAttachment => &self.end_of_new_service_attachment,
            MilestoneKind::EndOfServiceContractRenewal => &self.end_of_service_contract_renewal,
            MilestoneKind::LastDateOfSupport => &self.last_date_of_support,
        }
    }

    /// Every milestone with its date, in bulletin order.
    pub fn all(&self) -> impl Iterator<Item = (MilestoneKind, &str)> {
        MilestoneKind::ALL
            .into_iter()
            .map(|kind| (kind, self.date(kind)))
    }

    /// Where a device of a listed product stands on `today` (`YYYY-MM-DD`).
    pub fn stage_on(&self, today: &str) -> EolStage {
        EolStage::ORDER
            .into_iter()
            .rev()
            .find(|stage| {
                stage
                    .milestone()
                    .is_some_and(|kind| reached(self.date(kind), today))
            })
            .unwrap_or(EolStage::Announced)
    }

    /// The first milestone after `today` with a known date (earliest first; on a tie, the
    /// bulletin's order), if any is left.
    pub fn next_after(&self, today: &str) -> Option<(MilestoneKind, &str)> {
        self.all()
            .filter(|(_, date)| *date != TBA && *date > today)
            .min_by(|a, b| a.1.cmp(b.1))
    }

    /// Milestones that must not come before one another, as (earlier, later) pairs: the stages
    /// follow each other, so a bulletin saying otherwise is refused at import.
    pub const ORDERED: [(MilestoneKind, MilestoneKind); 4] = [
        (MilestoneKind::Announcement, MilestoneKind::EndOfSale),
        (
            MilestoneKind::EndOfSale,
            MilestoneKind::EndOfSoftwareMaintenance,
        ),
        (
            MilestoneKind::EndOfSoftwareMaintenance,
            MilestoneKind::EndOfSecuritySupport,
        ),
        (
            MilestoneKind::EndOfSecuritySupport,
            MilestoneKind::LastDateOfSupport,
        ),
    ];

    /// The first pair of [`Self::ORDERED`] whose dates are both known and out of order.
    pub fn out_of_order(&self) -> Option<(MilestoneKind, MilestoneKind)> {
        Self::ORDERED.into_iter().find(|(earlier, later)| {
            let (a, b) = (self.date(*earlier), self.date(*later));
            a != TBA && b != TBA && a > b
        })
    }
}

impl Milestones {
    /// Reads the nine dates joined by single spaces in [`MilestoneKind::ALL`] order (one SQL
    /// column, as a device row reads a software train's milestones beside its product's).
    pub fn from_joined(text: &str) -> Option<Milestones> {
        let dates: Vec<&str> = text.split(' ').collect();
        let [a, b, c, d, e, f, g, h, i] = dates.as_slice() else {
            return None;
        };
        Some(Milestones {
            announcement_date: (*a).to_owned(),
            end_of_sale: (*b).to_owned(),
            last_ship: (*c).to_owned(),
            end_of_software_maintenance: (*d).to_owned(),
            end_of_security_support: (*e).to_owned(),
            end_of_routine_failure_analysis: (*f).to_owned(),
            end_of_new_service_attachment: (*g).to_owned(),
            end_of_service_contract_renewal: (*h).to_owned(),
            last_date_of_support: (*i).to_owned(),
        })
    }
}

/// A milestone dated `date` has passed (or is today) on `today`. `TBA` never has.
fn reached(date: &str, today: &str) -> bool {
    date <= today
}

/// Where a device of a product listed in an end-of-life bulletin stands. A device of a product no
/// bulletin lists has no stage: its end of life is not announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum EolStage {
    /// End of life announced; still sold and supported.
    Announced,
    EndOfSale,
    EndOfSoftwareMaintenance,
    EndOfSecuritySupport,
    PastLastDateOfSupport,
}

impl EolStage {
    /// From the first stage to the last.
    pub const ORDER: [EolStage; 5] = [
        EolStage::Announced,
        EolStage::EndOfSale,
        EolStage::EndOfSoftwareMaintenance,
        EolStage::EndOfSecuritySupport,
        EolStage::PastLastDateOfSupport,
    ];

    /// The milestone that starts this stage (`None`: the announcement's own stage).
    pub fn milestone(self) -> Option<MilestoneKind> {
        match self {
            EolStage::Announced => None,
            EolStage::EndOfSale => Some(MilestoneKind::EndOfSale),
            EolStage::EndOfSoftwareMaintenance => Some(MilestoneKind::EndOfSoftwareMaintenance),
            EolStage::EndOfSecuritySupport => Some(MilestoneKind::EndOfSecuritySupport),
            EolStage::PastLastDateOfSupport => Some(MilestoneKind::LastDateOfSupport),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EolStage::Announced => "announced",
            EolStage::EndOfSale => "end_of_sale",
            EolStage::EndOfSoftwareMaintenance => "end_of_software_maintenance",
            EolStage::EndOfSecuritySupport => "end_of_security_support",
            EolStage::PastLastDateOfSupport => "past_last_date_of_support",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ORDER.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            EolStage::Announced => "End of life announced",
            EolStage::EndOfSale => "End of sale",
            EolStage::EndOfSoftwareMaintenance => "End of software maintenance",
            EolStage::EndOfSecuritySupport => "End of security support",
            EolStage::PastLastDateOfSupport => "Past last date of support",
        }
    }

    /// What it means for the network team.
    pub fn meaning(self) -> &'static str {
        match self {
            EolStage::Announced => "Still sold and supported; plan its replacement.",
            EolStage::EndOfSale => "No longer sold; still supported.",
            EolStage::EndOfSoftwareMaintenance => {
                "No more bug-fix releases; security fixes still come."
            }
            EolStage::EndOfSecuritySupport => {
                "No more security fixes: replace it before the last date of support."
            }
            EolStage::PastLastDateOfSupport => {
                "Unsupported: no service, repairs or fixes. Replace it."
            }
        }
    }

    /// The condition, over a bulletin `eb`, that its products are in this stage on the day bound
    /// at `today` (a placeholder such as `$3`): the SQL twin of [`Milestones::stage_on`], this
    /// stage's milestone reached and none of a later stage's (a later one may be reached while
    /// one between is still to be announced).
    pub fn stage_sql(self, today: &str) -> String {
        self.stage_sql_over("eb", today)
    }

    /// [`Self::stage_sql`] over the milestone columns of the table aliased `table` (a software
    /// train's `se`, say).
    pub fn stage_sql_over(self, table: &str, today: &str) -> String {
        let reached = |stage: EolStage| {
            stage
                .milestone()
                .map(|kind| format!("{table}.{} <= {today}", kind.column()))
        };
        let later: Vec<String> = Self::ORDER
            .into_iter()
            .filter(|stage| *stage > self)
            .filter_map(reached)
            .collect();
        let mut parts: Vec<String> = reached(self).into_iter().collect();
        if !later.is_empty() {
            parts.push(format!("NOT ({})", later.join(" OR ")));
        }
        parts.join(" AND ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulletin(dates: [&str; 9]) -> Milestones {
        Milestones {
            announcement_date: dates[0].into(),
            end_of_sale: dates[1].into(),
            last_ship: dates[2].into(),
            end_of_software_maintenance: dates[3].into(),
            end_of_security_support: dates[4].into(),
            end_of_routine_failure_analysis: dates[5].into(),
            end_of_new_service_attachment: dates[6].into(),
            end_of_service_contract_renewal: dates[7].into(),
            last_date_of_support: dates[8].into(),
        }
    }

    #[test]
    fn joined_dates_read_back_in_bulletin_order() {
        let joined =
            "2020-01-01 2021-01-01 TBA 2022-01-01 2023-01-01 TBA TBA 2024-01-01 2025-01-01";
        let milestones = Milestones::from_joined(joined).unwrap();
        assert_eq!(milestones.last_ship, "TBA");
        assert_eq!(milestones.last_date_of_support, "2025-01-01");
        let again: Vec<&str> = milestones.all().map(|(_, d)| d).collect();
        assert_eq!(again.join(" "), joined);
        assert_eq!(Milestones::from_joined("2020-01-01 TBA"), None);
    }

    fn typical() -> Milestones {
        bulletin([
            "2024-01-15",
            "2024-07-15",
            "2024-10-13",
            "2025-07-15",
            "2027-07-15",
            "2025-07-15",
            "2025-07-15",
            "2028-10-10",
            "2029-07-31",
        ])
    }

    #[test]
    fn each_stage_begins_on_its_milestone_day() {
        let b = typical();
        assert_eq!(b.stage_on("2024-07-14"), EolStage::Announced);
        assert_eq!(b.stage_on("2024-07-15"), EolStage::EndOfSale);
        assert_eq!(b.stage_on("2025-07-15"), EolStage::EndOfSoftwareMaintenance);
        assert_eq!(b.stage_on("2027-07-15"), EolStage::EndOfSecuritySupport);
        assert_eq!(b.stage_on("2029-07-30"), EolStage::EndOfSecuritySupport);
        assert_eq!(b.stage_on("2029-07-31"), EolStage::PastLastDateOfSupport);
        // Before the announcement, a bulletin on file still says its end of life is announced.
        assert_eq!(b.stage_on("2020-01-01"), EolStage::Announced);
    }

    #[test]
    fn a_date_to_be_announced_is_never_reached_nor_next() {
        let mut b = typical();
        b.end_of_security_support = TBA.into();
        b.last_date_of_support = TBA.into();
        assert_eq!(b.stage_on("2030-01-01"), EolStage::EndOfSoftwareMaintenance);
        assert_eq!(b.next_after("2028-12-01"), None);
        assert_eq!(date_label(TBA), "to be announced");
        assert_eq!(date_label("2029-07-31"), "2029-07-31");
    }

    #[test]
    fn the_next_milestone_is_the_earliest_still_ahead() {
        let b = typical();
        assert_eq!(
            b.next_after("2024-08-01"),
            Some((MilestoneKind::LastShip, "2024-10-13"))
        );
        // Three milestones share 2025-07-15: the bulletin's order decides.
        assert_eq!(
            b.next_after("2025-01-01"),
            Some((MilestoneKind::EndOfSoftwareMaintenance, "2025-07-15"))
        );
        assert_eq!(
            b.next_after("2025-07-15"),
            Some((MilestoneKind::EndOfSecuritySupport, "2027-07-15"))
        );
        assert_eq!(b.next_after("2029-07-31"), None);
    }

    #[test]
    fn stages_out_of_order_are_found() {
        assert_eq!(typical().out_of_order(), None);
        let mut b = typical();
        b.last_date_of_support = "2026-01-01".into();
        assert_eq!(
            b.out_of_order(),
            Some((
                MilestoneKind::EndOfSecuritySupport,
                MilestoneKind::LastDateOfSupport
            ))
        );
        b.end_of_security_support = TBA.into();
        assert_eq!(b.out_of_order(), None);
    }

    #[test]
    fn the_sql_twin_names_the_stage_and_excludes_the_next() {
        assert_eq!(
            EolStage::Announced.stage_sql("$2"),
            "NOT (eb.end_of_sale <= $2 OR eb.end_of_software_maintenance <= $2 \
             OR eb.end_of_security_support <= $2 OR eb.last_date_of_support <= $2)"
        );
        assert_eq!(
            EolStage::EndOfSale.stage_sql("$2"),
            "eb.end_of_sale <= $2 AND NOT (eb.end_of_software_maintenance <= $2 \
             OR eb.end_of_security_support <= $2 OR eb.last_date_of_support <= $2)"
        );
        assert_eq!(
            EolStage::PastLastDateOfSupport.stage_sql("$2"),
            "eb.last_date_of_support <= $2"
        );
    }

    #[test]
    fn milestone_names_match_their_serde_names() {
        for kind in MilestoneKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        for stage in EolStage::ORDER {
            let json = serde_json::to_string(&stage).unwrap();
            assert_eq!(json, format!("\"{}\"", stage.as_str()));
        }
    }

    #[test]
    fn stages_read_back() {
        for stage in EolStage::ORDER {
            assert_eq!(EolStage::parse(stage.as_str()), Some(stage));
        }
        assert_eq!(EolStage::parse("eol"), None);
    }
}
