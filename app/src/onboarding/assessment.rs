//! When an agent must look at a registration before anyone gets access (the guide's "additional
//! assessment"): decided by rules, with the reason kept for the agent.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssessmentReason {
    /// The vendor marked the company for review of every registration.
    CompanyRequiresAssessment,
    /// The contract used is flagged for review.
    ContractFlagged,
    /// The person's email domain is not among the company's known domains.
    UnknownEmailDomain { domain: String },
}

impl AssessmentReason {
    pub fn describe(&self) -> String {
        match self {
            AssessmentReason::CompanyRequiresAssessment => {
                "the company's registrations are reviewed by an agent".into()
            }
            AssessmentReason::ContractFlagged => "the contract is flagged for review".into(),
            AssessmentReason::UnknownEmailDomain { domain } => {
                format!("{domain} is not one of the company's known email domains")
            }
        }
    }
}

/// The reasons an agent must assess this registration; empty when none.
pub fn assessment_reasons(
    company_requires_assessment: bool,
    contract_flagged: bool,
    email: &str,
    company_domains: &[String],
) -> Vec<AssessmentReason> {
    let mut reasons = Vec::new();
    if company_requires_assessment {
        reasons.push(AssessmentReason::CompanyRequiresAssessment);
    }
    if contract_flagged {
        reasons.push(AssessmentReason::ContractFlagged);
    }
    let domain = email
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default();
    // A subdomain of a known domain (mail.acme.example for acme.example) is the company's too.
    let known = company_domains
        .iter()
        .any(|known| domain == *known || domain.ends_with(&format!(".{known}")));
    if !known {
        reasons.push(AssessmentReason::UnknownEmailDomain { domain });
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> Vec<String> {
        vec!["contoso.example".into(), "contoso-logistics.example".into()]
    }

    #[test]
    fn a_known_domain_and_no_flags_need_no_assessment() {
        assert!(assessment_reasons(false, false, "carla@contoso.example", &domains()).is_empty());
        assert!(
            assessment_reasons(false, false, "carla@eu.contoso.example", &domains()).is_empty()
        );
    }

    #[test]
    fn each_rule_gives_its_reason() {
        assert_eq!(
            assessment_reasons(true, false, "c@contoso.example", &domains()),
            [AssessmentReason::CompanyRequiresAssessment]
        );
        assert_eq!(
            assessment_reasons(false, true, "c@contoso.example", &domains()),
            [AssessmentReason::ContractFlagged]
        );
        assert_eq!(
            assessment_reasons(false, false, "c@notcontoso.example", &domains()),
            [AssessmentReason::UnknownEmailDomain {
                domain: "notcontoso.example".into()
            }]
        );
        assert_eq!(
            assessment_reasons(true, true, "c@other.example", &domains()).len(),
            3
        );
    }
}
