//! Self-service onboarding (PRODUCT.md §2): proving entitlement, then joining a company that has
//! Delegated Administrators, becoming the first DA of a new one, or waiting for an agent.
//!
//! The rules are pure: `entitlement` (step 2's checks), `assessment` (when an agent must look),
//! `wizard` (the state machine: every step, branch and refused move).

pub mod assessment;
pub mod entitlement;
pub mod org_entries;
pub mod wizard;

server_only! {
    mod agent_view;
    mod effects;
    pub mod queries;
    pub mod service;
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::{
    caller::{serve, serve_anyone},
    Role,
};
use crate::AppError;
use entitlement::EntitlementProblem;
use wizard::{Refused, Stage};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum OnboardingError {
    #[error("{0}")]
    Entitlement(EntitlementProblem),
    #[error("{0}")]
    Refused(Refused),
    #[error("There is no such request.")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("Too many attempts. Try again in {retry_after_seconds} seconds.")]
    TooManyAttempts { retry_after_seconds: u64 },
    #[error("This link is not valid. Check that you copied all of it.")]
    LinkInvalid,
    #[error("This link has expired.")]
    LinkExpired,
    #[error("This link was already used.")]
    LinkUsed,
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(OnboardingError {
    OnboardingError::NotFound => 404,
    OnboardingError::Refused(_) => 409,
    OnboardingError::TooManyAttempts { .. } => 429,
    _ => 400,
});

impl From<Refused> for OnboardingError {
    fn from(refused: Refused) -> Self {
        OnboardingError::Refused(refused)
    }
}

/// The wizard as the person sees it: where they are, and the profile it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WizardView {
    pub stage: Stage,
    pub full_name: String,
    pub email: String,
}

/// A request waiting for a DA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingRequest {
    pub account_id: i64,
    pub full_name: String,
    pub email: String,
    pub contract_number: String,
    pub serial_number: String,
    pub since: String,
}

/// A request in the agents' queues, with everything the person entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub account_id: i64,
    pub full_name: String,
    pub email: String,
    /// In the assessment queue (else manual onboarding).
    pub assessment: bool,
    /// What the person entered and why an agent must look, as (label, value) pairs.
    pub details: Vec<(String, String)>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub since: String,
    /// An approval into a company the request did not prove, waiting for a second agent.
    pub proposal: Option<String>,
    /// The company the person's contract and serial proved, with what an agent needs to decide.
    pub company: Option<ProvenCompany>,
}

/// The company a request proved, as an agent sees it before approving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenCompany {
    pub id: String,
    pub name: String,
    /// What the person may be approved for: the whole organisation first, then its sites.
    pub entries: Vec<wizard::OrgEntry>,
    /// Its Delegated Administrators in order, "name <email>": approving adds another.
    pub delegated_admins: Vec<String>,
    /// People with access today.
    pub members: u64,
    /// Contracts the company holds.
    pub contracts: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentDecision {
    /// Make the person DA of this organisation entry (a company id or a site id).
    Approve {
        entry_id: String,
    },
    Reject {
        reason: String,
    },
    Ask {
        question: String,
    },
}

#[cfg(feature = "ssr")]
async fn move_wizard(event: wizard::Event) -> Result<Stage, OnboardingError> {
    serve(async |state, caller| service::person_moves(state, caller.account_id, event).await).await
}

#[server(endpoint = "onboarding/status")]
pub async fn load_wizard() -> Result<WizardView, OnboardingError> {
    serve(async |state, caller| {
        let stage = service::status(state, caller.account_id).await?;
        Ok(WizardView {
            stage,
            full_name: caller.full_name,
            email: caller.email,
        })
    })
    .await
}

#[server(endpoint = "onboarding/continue")]
pub async fn continue_registration() -> Result<Stage, OnboardingError> {
    move_wizard(wizard::Event::ContinueRegistration).await
}

#[server(endpoint = "onboarding/verify")]
pub async fn verify_entitlement(
    contract_number: String,
    serial_number: String,
) -> Result<Stage, OnboardingError> {
    serve(async |state, caller| {
        service::verify_entitlement(state, caller.account_id, &contract_number, &serial_number)
            .await
    })
    .await
}

/// Step 2's *Validate*: checks the contract and serial and says what *Next* will do, saving
/// nothing (so an additional assessment is announced before the person commits to it).
#[server(endpoint = "onboarding/check")]
pub async fn check_entitlement(
    contract_number: String,
    serial_number: String,
) -> Result<CheckedEntitlement, OnboardingError> {
    serve(async |state, caller| {
        service::validate_entitlement(state, caller.account_id, &contract_number, &serial_number)
            .await
    })
    .await
}

/// What step 2's *Next* will do with a contract and serial that prove entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedEntitlement {
    /// The stage *Next* moves to.
    pub next: Stage,
    /// Why an agent must assess the registration first, in words (empty when none).
    pub assessment_reasons: Vec<String>,
}

/// Takes back a request still waiting for a DA or an agent: the wizard returns to step 2.
#[server(endpoint = "onboarding/withdraw")]
pub async fn withdraw_request() -> Result<Stage, OnboardingError> {
    serve(async |state, caller| service::withdraw_request(state, caller.account_id).await).await
}

#[server(endpoint = "onboarding/back")]
pub async fn go_back() -> Result<Stage, OnboardingError> {
    move_wizard(wizard::Event::Back).await
}

#[server(endpoint = "onboarding/choose")]
pub async fn choose_organisation(entry_id: String) -> Result<Stage, OnboardingError> {
    serve(async |state, caller| service::choose_entry(state, caller.account_id, &entry_id).await)
        .await
}

#[server(endpoint = "onboarding/none-of-the-above")]
pub async fn none_of_the_above() -> Result<Stage, OnboardingError> {
    move_wizard(wizard::Event::NoneOfTheAbove).await
}

#[server(endpoint = "onboarding/confirm")]
pub async fn confirm_request() -> Result<Stage, OnboardingError> {
    move_wizard(wizard::Event::Confirm).await
}

#[server(endpoint = "onboarding/answer")]
pub async fn answer_question(answer: String) -> Result<Stage, OnboardingError> {
    serve(async |state, caller| service::answer_question(state, caller.account_id, &answer).await)
        .await
}

/// Why the person's request waits for an agent's assessment, in words (empty when it does not).
#[server(endpoint = "onboarding/assessment-reasons")]
pub async fn load_assessment_reasons() -> Result<Vec<String>, OnboardingError> {
    serve(async |state, caller| service::waiting_assessment_reasons(state, caller.account_id).await)
        .await
}

/// What an onboarding link is for: the address it verifies and the company being registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardingLink {
    pub email: String,
    pub company: String,
}

/// What the onboarding link would verify, without using it; needs no session.
#[server(endpoint = "onboarding/inspect-link")]
pub async fn inspect_onboarding_link(token: String) -> Result<OnboardingLink, OnboardingError> {
    serve_anyone(async |state| service::inspect_link(state, &token).await).await
}

/// Opened from the onboarding email; needs no session.
#[server(endpoint = "onboarding/open-link")]
pub async fn open_onboarding_link(token: String) -> Result<Stage, OnboardingError> {
    serve_anyone(async |state| service::open_link(state, &token).await).await
}

#[server(endpoint = "onboarding/finish")]
pub async fn finish_registration() -> Result<Stage, OnboardingError> {
    move_wizard(wizard::Event::Continue).await
}

#[server(endpoint = "onboarding/start-again")]
pub async fn start_again() -> Result<Stage, OnboardingError> {
    move_wizard(wizard::Event::StartAgain).await
}

#[server(endpoint = "access/pending")]
pub async fn pending_access_requests() -> Result<Vec<WaitingRequest>, OnboardingError> {
    serve(async |state, caller| service::pending_for_da(state, caller.account_id).await).await
}

/// A DA's decision: `role` is `da`, `admin` or `user` to grant, empty to deny (with `reason`).
#[server(endpoint = "access/decide")]
pub async fn decide_access_request(
    requester_id: i64,
    role: String,
    reason: String,
) -> Result<(), OnboardingError> {
    serve(async |state, caller| {
        let role = match role.as_str() {
            "" => None,
            chosen => Some(Role::parse(chosen).ok_or_else(|| {
                OnboardingError::Invalid(
                    "Choose the role: Delegated Administrator, Administrator or User.".into(),
                )
            })?),
        };
        if role.is_some() {
            // Granting a role is among the most sensitive actions; denying is not.
            if caller.delegated_admin().is_ok() {
                caller.recently_authenticated()?;
            }
        }
        service::decide_for_da(state, caller.account_id, requester_id, role, Some(reason)).await?;
        let decision = match role {
            Some(role) => format!("granted as {}", role.label()),
            None => "denied".to_owned(),
        };
        // About the requester: granted, they are in the DA's company; denied, the DA's company
        // still reads it (the event is the DA's own decision).
        let company = caller.company()?.company_id.clone();
        let event = caller
            .security_event(crate::security_log::EventKind::AccessDecided, &company)
            .detail(format!("request of account #{requester_id} {decision}"));
        crate::security_log::record(state, event.about(requester_id)).await;
        Ok(())
    })
    .await
}

#[server(endpoint = "agents/queue")]
pub async fn agent_queue() -> Result<Vec<QueueItem>, OnboardingError> {
    serve(async |state, caller| agent_view::agent_queue(state, &caller).await).await
}

/// An agent's decision: `action` is `approve` (with `text` the organisation entry id), `reject`
/// (with the reason) or `ask` (with the question). The answer says what happened and what comes
/// next, for the console to show.
#[server(endpoint = "agents/decide")]
pub async fn agent_decide(
    requester_id: i64,
    action: String,
    text: String,
) -> Result<String, OnboardingError> {
    serve(async |state, caller| {
        let decision = match action.as_str() {
            "approve" => AgentDecision::Approve { entry_id: text },
            "reject" => AgentDecision::Reject { reason: text },
            "ask" => AgentDecision::Ask { question: text },
            _ => {
                return Err(OnboardingError::Invalid(
                    "Choose approve, reject or ask.".into(),
                ))
            }
        };
        if let AgentDecision::Approve { .. } = decision {
            if caller.agent().is_ok() {
                caller.recently_authenticated()?;
            }
        }
        service::agent_decides(state, &caller, requester_id, decision).await
    })
    .await
}
