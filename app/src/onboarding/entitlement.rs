//! Step 2 of the wizard: a contract number and a covered serial prove that a person may register
//! for a company. Each failure is told precisely, so the person knows what to fix, except one: a
//! contract that does not exist and one that is not associated with the person get the same
//! answer, so the wizard cannot be used to learn which contract numbers exist.

use serde::{Deserialize, Serialize};

/// What the registry says about the contract a person entered, seen from that person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    pub smart_entitled: bool,
    pub start_date: String,
    pub end_date: String,
    /// The contract is associated with the person's account (by email) in the registry.
    pub associated_with_account: bool,
    /// The serial entered is on one of this contract's lines.
    pub serial_on_contract: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum EntitlementProblem {
    #[error("The email address on your profile is not a business email address. Change it on your profile page, then start again.")]
    PersonalEmail,
    #[error("Verify the email address on your profile first: open the link we sent you.")]
    EmailNotVerified,
    #[error("Enter a contract number and a serial number.")]
    Missing,
    #[error("No contract with this number is associated with your email address. Check the number against your service contract; if it is right, ask your company or partner to associate the contract with your email address.")]
    NotYourContract,
    #[error("This contract is not smart-entitled, so it cannot be used to register. Try a smart-entitled contract (for example SNTC or Solution Support).")]
    NotSmartEntitled,
    #[error("This contract ended on {end_date}. Try a contract that is in force.")]
    Expired { end_date: String },
    #[error("This contract starts on {start_date}. Try a contract that is in force today.")]
    NotStarted { start_date: String },
    #[error("This serial number is not covered by this contract. Enter the serial of a device the contract covers.")]
    SerialNotOnContract,
}

/// The checks of step 2, in the order a person can best act on them.
pub fn check_entitlement(
    business_email: bool,
    email_verified: bool,
    contract_number: &str,
    serial_number: &str,
    facts: Option<&ContractFacts>,
    today: &str,
) -> Result<(), EntitlementProblem> {
    if !business_email {
        return Err(EntitlementProblem::PersonalEmail);
    }
    if !email_verified {
        return Err(EntitlementProblem::EmailNotVerified);
    }
    if contract_number.trim().is_empty() || serial_number.trim().is_empty() {
        return Err(EntitlementProblem::Missing);
    }
    // Unknown and not associated are one answer: which numbers exist is not the person's to learn.
    let facts = facts
        .filter(|facts| facts.associated_with_account)
        .ok_or(EntitlementProblem::NotYourContract)?;
    if !facts.smart_entitled {
        return Err(EntitlementProblem::NotSmartEntitled);
    }
    if facts.end_date.as_str() < today {
        return Err(EntitlementProblem::Expired {
            end_date: facts.end_date.clone(),
        });
    }
    if facts.start_date.as_str() > today {
        return Err(EntitlementProblem::NotStarted {
            start_date: facts.start_date.clone(),
        });
    }
    if !facts.serial_on_contract {
        return Err(EntitlementProblem::SerialNotOnContract);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2026-11-22";

    fn good() -> ContractFacts {
        ContractFacts {
            smart_entitled: true,
            start_date: "2026-01-01".into(),
            end_date: "2027-01-01".into(),
            associated_with_account: true,
            serial_on_contract: true,
        }
    }

    fn check(facts: Option<&ContractFacts>) -> Result<(), EntitlementProblem> {
        check_entitlement(true, true, "91000001", "FOC1", facts, TODAY)
    }

    #[test]
    fn a_good_contract_and_serial_pass() {
        assert_eq!(check(Some(&good())), Ok(()));
        // Its first and last days count.
        assert_eq!(
            check(Some(&ContractFacts {
                end_date: TODAY.into(),
                ..good()
            })),
            Ok(())
        );
        assert_eq!(
            check(Some(&ContractFacts {
                start_date: TODAY.into(),
                ..good()
            })),
            Ok(())
        );
    }

    #[test]
    fn every_failure_is_told_precisely() {
        assert_eq!(check(None), Err(EntitlementProblem::NotYourContract));
        assert_eq!(
            check(Some(&ContractFacts {
                associated_with_account: false,
                ..good()
            })),
            Err(EntitlementProblem::NotYourContract)
        );
        assert_eq!(
            check(Some(&ContractFacts {
                smart_entitled: false,
                ..good()
            })),
            Err(EntitlementProblem::NotSmartEntitled)
        );
        assert_eq!(
            check(Some(&ContractFacts {
                end_date: "2026-11-21".into(),
                ..good()
            })),
            Err(EntitlementProblem::Expired {
                end_date: "2026-11-21".into()
            })
        );
        assert_eq!(
            check(Some(&ContractFacts {
                start_date: "2026-12-01".into(),
                ..good()
            })),
            Err(EntitlementProblem::NotStarted {
                start_date: "2026-12-01".into()
            })
        );
        assert_eq!(
            check(Some(&ContractFacts {
                serial_on_contract: false,
                ..good()
            })),
            Err(EntitlementProblem::SerialNotOnContract)
        );
        assert_eq!(
            check_entitlement(false, true, "1", "2", Some(&good()), TODAY),
            Err(EntitlementProblem::PersonalEmail)
        );
        assert_eq!(
            check_entitlement(true, false, "1", "2", Some(&good()), TODAY),
            Err(EntitlementProblem::EmailNotVerified)
        );
        assert_eq!(
            check_entitlement(true, true, " ", "2", Some(&good()), TODAY),
            Err(EntitlementProblem::Missing)
        );
    }

    #[test]
    fn an_unassociated_contract_reveals_nothing_more() {
        // Someone without an association learns nothing about the contract's level or dates.
        let stranger = ContractFacts {
            associated_with_account: false,
            smart_entitled: false,
            end_date: "2020-01-01".into(),
            ..good()
        };
        assert_eq!(
            check(Some(&stranger)),
            Err(EntitlementProblem::NotYourContract)
        );
    }
}
