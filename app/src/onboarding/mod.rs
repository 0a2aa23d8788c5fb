//! Self-service onboarding (PRODUCT.md §2): proving entitlement, then joining a company that has
//! Delegated Administrators, becoming the first DA of a new one, or waiting for an agent.
//!
//! The rules are pure: `entitlement` (step 2's checks), `assessment` (when an agent must look),
//! `wizard` (the state machine: every step, branch and refused move).

pub mod assessment;
pub mod entitlement;
pub mod wizard;

#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod service;

use leptos::{
    prelude::*,
    server_fn::{
        codec::JsonEncoding,
        error::{FromServerFnError, ServerFnErrorErr},
    },
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, error::answered};
use crate::{error::StatusCoded, AppError};
use entitlement::EntitlementProblem;
use wizard::{Refused, Stage};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum OnboardingError {
    #[error("{0}")]
    Entitlement(EntitlementProblem),
    #[error("{0}")]
    Refused(Refused),
    #[error("Please sign in to continue.")]
    NotSignedIn,
    #[error(
        "Only a Delegated Administrator (or, for the agents' console, a vendor agent) can do this."
    )]
    NotAllowed,
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

impl StatusCoded for OnboardingError {
    fn status_code(&self) -> u16 {
        match self {
            OnboardingError::NotSignedIn => 401,
            OnboardingError::NotAllowed => 403,
            OnboardingError::NotFound => 404,
            OnboardingError::Refused(_) => 409,
            OnboardingError::TooManyAttempts { .. } => 429,
            OnboardingError::App(err) => err.status_code(),
            _ => 400,
        }
    }
}

impl From<AppError> for OnboardingError {
    fn from(err: AppError) -> Self {
        OnboardingError::App(err)
    }
}

impl From<Refused> for OnboardingError {
    fn from(refused: Refused) -> Self {
        OnboardingError::Refused(refused)
    }
}

impl FromServerFnError for OnboardingError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        OnboardingError::App(AppError::from_server_fn_error(value))
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
fn signed_in() -> Result<i64, OnboardingError> {
    session::current()
        .map(|s| s.account_id)
        .ok_or(OnboardingError::NotSignedIn)
}

#[cfg(feature = "ssr")]
async fn move_wizard(event: wizard::Event) -> Result<Stage, OnboardingError> {
    let state = crate::server::app_state()?;
    service::person_moves(&state, signed_in()?, event).await
}

#[server(endpoint = "onboarding/status")]
pub async fn load_wizard() -> Result<WizardView, OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            let account_id = signed_in()?;
            let user = crate::accounts::service::load_user(&state, account_id)
                .await
                .map_err(|_| OnboardingError::NotSignedIn)?
                .ok_or(OnboardingError::NotSignedIn)?;
            let stage = service::status(&state, account_id).await?;
            Ok(WizardView {
                stage,
                full_name: user.full_name,
                email: user.email,
            })
        }
        .await,
    )
}

#[server(endpoint = "onboarding/continue")]
pub async fn continue_registration() -> Result<Stage, OnboardingError> {
    answered(move_wizard(wizard::Event::ContinueRegistration).await)
}

#[server(endpoint = "onboarding/verify")]
pub async fn verify_entitlement(
    contract_number: String,
    serial_number: String,
) -> Result<Stage, OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            service::verify_entitlement(&state, signed_in()?, &contract_number, &serial_number)
                .await
        }
        .await,
    )
}

#[server(endpoint = "onboarding/back")]
pub async fn go_back() -> Result<Stage, OnboardingError> {
    answered(move_wizard(wizard::Event::Back).await)
}

#[server(endpoint = "onboarding/choose")]
pub async fn choose_organisation(entry_id: String) -> Result<Stage, OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            service::choose_entry(&state, signed_in()?, &entry_id).await
        }
        .await,
    )
}

#[server(endpoint = "onboarding/none-of-the-above")]
pub async fn none_of_the_above() -> Result<Stage, OnboardingError> {
    answered(move_wizard(wizard::Event::NoneOfTheAbove).await)
}

#[server(endpoint = "onboarding/confirm")]
pub async fn confirm_request() -> Result<Stage, OnboardingError> {
    answered(move_wizard(wizard::Event::Confirm).await)
}

#[server(endpoint = "onboarding/answer")]
pub async fn answer_question(answer: String) -> Result<Stage, OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            service::answer_question(&state, signed_in()?, &answer).await
        }
        .await,
    )
}

/// Opened from the onboarding email; needs no session.
#[server(endpoint = "onboarding/open-link")]
pub async fn open_onboarding_link(token: String) -> Result<Stage, OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            service::open_link(&state, &token).await
        }
        .await,
    )
}

#[server(endpoint = "onboarding/finish")]
pub async fn finish_registration() -> Result<Stage, OnboardingError> {
    answered(move_wizard(wizard::Event::Continue).await)
}

#[server(endpoint = "onboarding/start-again")]
pub async fn start_again() -> Result<Stage, OnboardingError> {
    answered(move_wizard(wizard::Event::StartAgain).await)
}

#[server(endpoint = "access/pending")]
pub async fn pending_access_requests() -> Result<Vec<WaitingRequest>, OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            service::pending_for_da(&state, signed_in()?).await
        }
        .await,
    )
}

/// A DA's decision: `role` is `da`, `admin` or `user` to grant, empty to deny (with `reason`).
#[server(endpoint = "access/decide")]
pub async fn decide_access_request(
    requester_id: i64,
    role: String,
    reason: String,
) -> Result<(), OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            let role = (!role.is_empty()).then_some(role.as_str());
            service::decide_for_da(&state, signed_in()?, requester_id, role, Some(reason)).await
        }
        .await,
    )
}

#[server(endpoint = "agents/queue")]
pub async fn agent_queue() -> Result<Vec<QueueItem>, OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
            service::agent_queue(&state, signed_in()?).await
        }
        .await,
    )
}

/// An agent's decision: `action` is `approve` (with `text` the organisation entry id), `reject`
/// (with the reason) or `ask` (with the question).
#[server(endpoint = "agents/decide")]
pub async fn agent_decide(
    requester_id: i64,
    action: String,
    text: String,
) -> Result<(), OnboardingError> {
    answered(
        async move {
            let state = crate::server::app_state()?;
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
            service::agent_decides(&state, signed_in()?, requester_id, decision).await
        }
        .await,
    )
}
