//! The onboarding wizard as a state machine: where a person is (`Stage`), what can happen
//! (`Event`), and what the server must do when it does (`Effect`). Pure: the server loads the
//! stage, applies an event, stores the new stage and carries out the effects in one transaction.
//! Anything not listed in `advance` is refused, so a stale page or a crafted request cannot skip
//! a step.

use serde::{Deserialize, Serialize};

use super::assessment::AssessmentReason;
use crate::accounts::Role;

/// A contract and a serial that proved entitlement, and the company they lead to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    pub contract_number: String,
    pub serial_number: String,
    pub company_id: String,
}

/// One organisation entry a new company's first DA may choose as their scope of authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgEntry {
    /// The company id for the whole organisation (always first), else a site id.
    pub id: String,
    pub name: String,
    pub address: String,
}

/// What the server found about the company once entitlement is proved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    HasDelegatedAdmins { first_da: String },
    New { entries: Vec<OrgEntry> },
    NeedsAssessment { reasons: Vec<AssessmentReason> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentQueue {
    ManualOnboarding,
    Assessment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// What NetCare does and the three stages; *Continue registration*.
    Overview,
    /// Contract number and serial number.
    VerifyAccount,
    /// The company has DAs: confirm forwarding the request to the first one.
    ConfirmRequest { proof: Proof, first_da: String },
    /// The company is new: choose the entry matching your scope of authority.
    ChooseOrganisation {
        proof: Proof,
        entries: Vec<OrgEntry>,
    },
    /// Waiting for the first DA to grant or deny.
    RequestSubmitted { proof: Proof, first_da: String },
    /// Waiting for an agent; `question` is set while the agent waits for the person's answer.
    WaitingForAgent {
        queue: AgentQueue,
        question: Option<String>,
    },
    /// Approved as the company's DA: a single-use link was emailed. Only requests approved by
    /// an earlier version wait here: the address is verified when the account is made, so an
    /// approval now completes the registration at once.
    VerifyEmail,
    /// The link was opened: *Continue*.
    EmailVerified,
    /// Registration complete: the person uses the portal.
    Complete,
    /// A DA or an agent said no.
    Denied { reason: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    ContinueRegistration,
    /// Step 2 passed (the entitlement checks are `entitlement::check_entitlement`).
    Proved {
        proof: Proof,
        standing: Standing,
    },
    Confirm,
    Back,
    ChooseEntry {
        entry_id: String,
    },
    NoneOfTheAbove,
    /// Someone else became the company's DA first: this request goes to them instead.
    CompanyGainedDa {
        first_da: String,
    },
    /// A DA said yes, with the role the person gets.
    DaGranted {
        role: Role,
    },
    DaDenied {
        reason: Option<String>,
    },
    /// An agent approved, naming the organisation entry the person becomes DA of.
    AgentApproved {
        entry_id: String,
    },
    AgentRejected {
        reason: String,
    },
    AgentAsked {
        question: String,
    },
    UserAnswered,
    EmailLinkOpened,
    Continue,
    StartAgain,
    /// The person takes back a request still waiting for a DA or an agent, to try another
    /// contract and serial.
    Withdraw,
}

/// What the server must do along with a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Create the access request for the first DA and notify every DA (email and portal).
    ForwardToFirstDa,
    /// Make the person the company's DA for this entry (the server does it under a lock, and
    /// feeds `CompanyGainedDa` instead if someone else was first).
    BecomeDelegatedAdmin {
        entry_id: String,
    },
    QueueForAgent(AgentQueue),
    /// Give the role the DA chose, at once.
    GrantAccess {
        role: Role,
    },
    /// Tell the person by email what was decided or asked.
    NotifyRequester,
    /// *Welcome to NetCare* and *Granted access as an Administrator*.
    SendWelcomeEmails,
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refused {
    #[error("This step is not available now. Reload the page to continue where you are.")]
    NotNow,
    #[error("Choose one of the organisations listed.")]
    UnknownEntry,
}

/// The move `event` makes from `stage`, with its effects, or why it is refused.
pub fn advance(stage: &Stage, event: Event) -> Result<(Stage, Vec<Effect>), Refused> {
    use Effect::*;
    use Event as E;
    use Stage as S;
    Ok(match (stage, event) {
        (S::Overview, E::ContinueRegistration) => (S::VerifyAccount, vec![]),
        (S::VerifyAccount, E::Proved { proof, standing }) => match standing {
            Standing::HasDelegatedAdmins { first_da } => {
                (S::ConfirmRequest { proof, first_da }, vec![])
            }
            Standing::New { entries } if !entries.is_empty() => {
                (S::ChooseOrganisation { proof, entries }, vec![])
            }
            // A company without any entry cannot be chosen from: an agent sorts it out.
            Standing::New { .. } => (
                S::WaitingForAgent {
                    queue: AgentQueue::ManualOnboarding,
                    question: None,
                },
                vec![QueueForAgent(AgentQueue::ManualOnboarding)],
            ),
            Standing::NeedsAssessment { .. } => (
                S::WaitingForAgent {
                    queue: AgentQueue::Assessment,
                    question: None,
                },
                vec![QueueForAgent(AgentQueue::Assessment)],
            ),
        },
        (S::ConfirmRequest { proof, first_da }, E::Confirm) => (
            S::RequestSubmitted {
                proof: proof.clone(),
                first_da: first_da.clone(),
            },
            vec![ForwardToFirstDa],
        ),
        (S::ConfirmRequest { .. } | S::ChooseOrganisation { .. }, E::Back) => {
            (S::VerifyAccount, vec![])
        }
        (S::ChooseOrganisation { entries, .. }, E::ChooseEntry { entry_id }) => {
            if !entries.iter().any(|e| e.id == entry_id) {
                return Err(Refused::UnknownEntry);
            }
            (
                S::Complete,
                vec![BecomeDelegatedAdmin { entry_id }, SendWelcomeEmails],
            )
        }
        (S::ChooseOrganisation { .. }, E::NoneOfTheAbove) => (
            S::WaitingForAgent {
                queue: AgentQueue::ManualOnboarding,
                question: None,
            },
            vec![QueueForAgent(AgentQueue::ManualOnboarding)],
        ),
        (S::ChooseOrganisation { proof, .. }, E::CompanyGainedDa { first_da }) => (
            S::RequestSubmitted {
                proof: proof.clone(),
                first_da,
            },
            vec![ForwardToFirstDa],
        ),
        (S::RequestSubmitted { .. }, E::DaGranted { role }) => {
            (S::Complete, vec![GrantAccess { role }, NotifyRequester])
        }
        (S::RequestSubmitted { .. }, E::DaDenied { reason }) => {
            (S::Denied { reason }, vec![NotifyRequester])
        }
        (S::WaitingForAgent { .. }, E::AgentApproved { entry_id }) => (
            S::Complete,
            vec![BecomeDelegatedAdmin { entry_id }, SendWelcomeEmails],
        ),
        (S::WaitingForAgent { .. }, E::AgentRejected { reason }) => (
            S::Denied {
                reason: Some(reason),
            },
            vec![NotifyRequester],
        ),
        (
            S::WaitingForAgent {
                queue,
                question: None,
            },
            E::AgentAsked { question },
        ) => (
            S::WaitingForAgent {
                queue: *queue,
                question: Some(question),
            },
            vec![NotifyRequester],
        ),
        (
            S::WaitingForAgent {
                queue,
                question: Some(_),
            },
            E::UserAnswered,
        ) => (
            S::WaitingForAgent {
                queue: *queue,
                question: None,
            },
            vec![],
        ),
        (S::VerifyEmail, E::EmailLinkOpened) => (S::EmailVerified, vec![]),
        (S::EmailVerified, E::Continue) => (S::Complete, vec![SendWelcomeEmails]),
        (S::Denied { .. }, E::StartAgain) => (S::Overview, vec![]),
        (S::RequestSubmitted { .. } | S::WaitingForAgent { .. }, E::Withdraw) => {
            (S::VerifyAccount, vec![])
        }
        _ => return Err(Refused::NotNow),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof() -> Proof {
        Proof {
            contract_number: "92000001".into(),
            serial_number: "FCW2245L0A1".into(),
            company_id: "CT-2002".into(),
        }
    }

    fn entries() -> Vec<OrgEntry> {
        vec![
            OrgEntry {
                id: "CT-2002".into(),
                name: "Contoso Logistics".into(),
                address: String::new(),
            },
            OrgEntry {
                id: "CT-2002-HAM".into(),
                name: "Contoso Hamburg".into(),
                address: "Hafenstraße 1".into(),
            },
        ]
    }

    fn go(stage: Stage, event: Event) -> (Stage, Vec<Effect>) {
        advance(&stage, event.clone())
            .unwrap_or_else(|e| panic!("{stage:?} + {event:?} refused: {e}"))
    }

    fn proved(standing: Standing) -> Event {
        Event::Proved {
            proof: proof(),
            standing,
        }
    }

    #[test]
    fn new_company_first_person_becomes_da() {
        let (stage, _) = go(Stage::Overview, Event::ContinueRegistration);
        assert_eq!(stage, Stage::VerifyAccount);
        let (stage, effects) = go(stage, proved(Standing::New { entries: entries() }));
        assert_eq!(
            stage,
            Stage::ChooseOrganisation {
                proof: proof(),
                entries: entries()
            }
        );
        assert!(effects.is_empty());
        let (stage, effects) = go(
            stage,
            Event::ChooseEntry {
                entry_id: "CT-2002-HAM".into(),
            },
        );
        // The address was verified with the account: choosing completes the registration.
        assert_eq!(stage, Stage::Complete);
        assert_eq!(
            effects,
            [
                Effect::BecomeDelegatedAdmin {
                    entry_id: "CT-2002-HAM".into()
                },
                Effect::SendWelcomeEmails
            ]
        );
        // A request approved by an earlier version still finishes with the link it was sent.
        let (stage, _) = go(Stage::VerifyEmail, Event::EmailLinkOpened);
        assert_eq!(stage, Stage::EmailVerified);
        let (stage, effects) = go(stage, Event::Continue);
        assert_eq!(
            (stage, effects),
            (Stage::Complete, vec![Effect::SendWelcomeEmails])
        );
    }

    #[test]
    fn existing_company_request_goes_to_the_first_da() {
        let (stage, _) = go(
            Stage::VerifyAccount,
            proved(Standing::HasDelegatedAdmins {
                first_da: "Dana Admin".into(),
            }),
        );
        assert_eq!(
            stage,
            Stage::ConfirmRequest {
                proof: proof(),
                first_da: "Dana Admin".into()
            }
        );
        let (submitted, effects) = go(stage.clone(), Event::Confirm);
        assert_eq!(effects, [Effect::ForwardToFirstDa]);
        let (granted, effects) = go(submitted.clone(), Event::DaGranted { role: Role::Admin });
        assert_eq!(
            (granted, effects),
            (
                Stage::Complete,
                vec![
                    Effect::GrantAccess { role: Role::Admin },
                    Effect::NotifyRequester
                ]
            )
        );
        let (denied, effects) = go(
            submitted,
            Event::DaDenied {
                reason: Some("not our team".into()),
            },
        );
        assert_eq!(
            (denied.clone(), effects),
            (
                Stage::Denied {
                    reason: Some("not our team".into())
                },
                vec![Effect::NotifyRequester]
            )
        );
        assert_eq!(go(denied, Event::StartAgain).0, Stage::Overview);
        assert_eq!(go(stage, Event::Back).0, Stage::VerifyAccount);
    }

    #[test]
    fn none_of_the_above_goes_to_an_agent_who_may_ask() {
        let choose = Stage::ChooseOrganisation {
            proof: proof(),
            entries: entries(),
        };
        assert_eq!(go(choose.clone(), Event::Back).0, Stage::VerifyAccount);
        let (waiting, effects) = go(choose, Event::NoneOfTheAbove);
        assert_eq!(
            effects,
            [Effect::QueueForAgent(AgentQueue::ManualOnboarding)]
        );
        let (asked, effects) = go(
            waiting.clone(),
            Event::AgentAsked {
                question: "Which site?".into(),
            },
        );
        assert_eq!(
            asked,
            Stage::WaitingForAgent {
                queue: AgentQueue::ManualOnboarding,
                question: Some("Which site?".into())
            }
        );
        assert_eq!(effects, [Effect::NotifyRequester]);
        let (answered, _) = go(asked, Event::UserAnswered);
        assert_eq!(answered, waiting);
        let (approved, effects) = go(
            answered.clone(),
            Event::AgentApproved {
                entry_id: "CT-2002".into(),
            },
        );
        assert_eq!(
            (approved, effects[0].clone()),
            (
                Stage::Complete,
                Effect::BecomeDelegatedAdmin {
                    entry_id: "CT-2002".into()
                }
            )
        );
        let (rejected, _) = go(
            answered,
            Event::AgentRejected {
                reason: "unknown person".into(),
            },
        );
        assert_eq!(
            rejected,
            Stage::Denied {
                reason: Some("unknown person".into())
            }
        );
    }

    #[test]
    fn assessment_goes_to_the_assessment_queue() {
        let reasons = vec![AssessmentReason::CompanyRequiresAssessment];
        let (stage, effects) = go(
            Stage::VerifyAccount,
            proved(Standing::NeedsAssessment { reasons }),
        );
        assert_eq!(
            stage,
            Stage::WaitingForAgent {
                queue: AgentQueue::Assessment,
                question: None
            }
        );
        assert_eq!(effects, [Effect::QueueForAgent(AgentQueue::Assessment)]);
        // A company with no entry to choose from goes to an agent too.
        let (stage, _) = go(
            Stage::VerifyAccount,
            proved(Standing::New { entries: vec![] }),
        );
        assert_eq!(
            stage,
            Stage::WaitingForAgent {
                queue: AgentQueue::ManualOnboarding,
                question: None
            }
        );
    }

    #[test]
    fn the_second_of_two_racing_founders_is_sent_to_the_first() {
        let choose = Stage::ChooseOrganisation {
            proof: proof(),
            entries: entries(),
        };
        let (stage, effects) = go(
            choose,
            Event::CompanyGainedDa {
                first_da: "Carla New".into(),
            },
        );
        assert_eq!(
            stage,
            Stage::RequestSubmitted {
                proof: proof(),
                first_da: "Carla New".into()
            }
        );
        assert_eq!(effects, [Effect::ForwardToFirstDa]);
    }

    #[test]
    fn an_entry_not_offered_is_refused() {
        let choose = Stage::ChooseOrganisation {
            proof: proof(),
            entries: entries(),
        };
        assert_eq!(
            advance(
                &choose,
                Event::ChooseEntry {
                    entry_id: "NW-1001".into()
                }
            ),
            Err(Refused::UnknownEntry)
        );
    }

    /// Every stage against every event: only the moves above are allowed.
    #[test]
    fn every_other_move_is_refused() {
        let stages = vec![
            Stage::Overview,
            Stage::VerifyAccount,
            Stage::ConfirmRequest {
                proof: proof(),
                first_da: "D".into(),
            },
            Stage::ChooseOrganisation {
                proof: proof(),
                entries: entries(),
            },
            Stage::RequestSubmitted {
                proof: proof(),
                first_da: "D".into(),
            },
            Stage::WaitingForAgent {
                queue: AgentQueue::Assessment,
                question: None,
            },
            Stage::WaitingForAgent {
                queue: AgentQueue::Assessment,
                question: Some("?".into()),
            },
            Stage::VerifyEmail,
            Stage::EmailVerified,
            Stage::Complete,
            Stage::Denied { reason: None },
        ];
        let events = vec![
            Event::ContinueRegistration,
            proved(Standing::New { entries: entries() }),
            Event::Confirm,
            Event::Back,
            Event::ChooseEntry {
                entry_id: "CT-2002".into(),
            },
            Event::NoneOfTheAbove,
            Event::CompanyGainedDa {
                first_da: "D".into(),
            },
            Event::DaGranted { role: Role::User },
            Event::DaDenied { reason: None },
            Event::AgentApproved {
                entry_id: "CT-2002".into(),
            },
            Event::AgentRejected { reason: "r".into() },
            Event::AgentAsked {
                question: "q".into(),
            },
            Event::UserAnswered,
            Event::EmailLinkOpened,
            Event::Continue,
            Event::StartAgain,
            Event::Withdraw,
        ];
        let allowed: &[(usize, usize)] = &[
            (0, 0),
            (1, 1),
            (2, 2),
            (2, 3),
            (3, 3),
            (3, 4),
            (3, 5),
            (3, 6),
            (4, 7),
            (4, 8),
            (5, 9),
            (5, 10),
            (5, 11),
            (6, 9),
            (6, 10),
            (6, 12),
            (7, 13),
            (8, 14),
            (10, 15),
            // A waiting request can be withdrawn (to the DA, or in either agents' state).
            (4, 16),
            (5, 16),
            (6, 16),
        ];
        for (s, stage) in stages.iter().enumerate() {
            for (e, event) in events.iter().enumerate() {
                let outcome = advance(stage, event.clone());
                assert_eq!(
                    outcome.is_ok(),
                    allowed.contains(&(s, e)),
                    "{stage:?} + {event:?}: {outcome:?}"
                );
            }
        }
        // Nothing leaves Complete.
        assert!(events
            .iter()
            .all(|e| advance(&Stage::Complete, e.clone()).is_err()));
    }
}
