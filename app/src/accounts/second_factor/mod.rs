//! Two-step sign-in: an authenticator app (TOTP, RFC 6238), passkeys (WebAuthn) and ten
//! single-use recovery codes; a passkey also signs in alone (it verifies the person itself).
//! Anyone can turn it on from their profile; vendor agents must, and a company's Delegated
//! Administrator can require it of every member. Until someone who must has set it up, every
//! server function but those of this module refuses them (`AppError::SecondFactorSetupRequired`).

server_only! {
    pub mod codes;
    pub mod passkey_queries;
    pub mod passkeys;
    pub mod queries;
    pub mod relying_party;
    pub mod service;
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::{
    caller::{serve, serve_anyone, serve_enrolling, serve_sign_in},
    session,
};
use crate::accounts::{AccountError, CurrentUser};

/// Why an account must use two-step sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecondFactorRequirement {
    /// Vendor agents read every company's data.
    Agent,
    /// The company's Delegated Administrator requires it of every member.
    Company { company_name: String },
}

impl SecondFactorRequirement {
    pub fn explain(&self) -> String {
        match self {
            SecondFactorRequirement::Agent => {
                "Vendor agents must use two-step sign-in: they can read every company's data."
                    .into()
            }
            SecondFactorRequirement::Company { company_name } => format!(
                "{company_name} requires two-step sign-in of every member (its Delegated \
                 Administrator decided so)."
            ),
        }
    }
}

/// The signed-in person's two-step sign-in, for the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    /// When the authenticator app was confirmed; `None` while it is off.
    pub enabled_since: Option<String>,
    /// How many passkeys the person has (each also a second factor).
    #[serde(default)]
    pub passkeys: i64,
    pub recovery_codes_left: i64,
    pub required: Option<SecondFactorRequirement>,
}

/// What the person needs to add NetCare to an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The secret in groups of four, to type in by hand.
    pub secret: String,
    /// The `otpauth://` link the QR code holds.
    pub link: String,
    /// The QR code, an SVG image as a `data:` URL.
    pub qr_image: String,
}

/// How a sign-in with the right password goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignIn {
    /// Signed in (the session cookie is set).
    Complete(CurrentUser),
    /// The account uses two-step sign-in: the code or a passkey is asked next, with this
    /// challenge (good for a few minutes, only for this sign-in).
    SecondStep {
        challenge: String,
        #[serde(default)]
        methods: SecondStepMethods,
    },
}

/// What the second step can take besides a recovery code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondStepMethods {
    /// A code from an authenticator app.
    pub authenticator: bool,
    /// One of the person's passkeys.
    pub passkey: bool,
}

/// One of the signed-in person's passkeys, for the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    pub id: i64,
    pub name: String,
    pub added: String,
    pub last_used: Option<String>,
}

/// A passkey request for the browser: its token (answered once, within five minutes) and the
/// options for `navigator.credentials`, in the WebAuthn JSON form browsers parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyCeremony {
    pub ceremony: String,
    pub options: String,
}

/// A company's rule, for its Delegated Administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySecondFactorRule {
    /// Since when and by whom two-step sign-in is required, if it is.
    pub required_since: Option<String>,
    pub required_by: String,
    /// Members (username, full name) who have not set it up yet.
    pub members_without: Vec<(String, String)>,
}

#[server(endpoint = "accounts/second-factor")]
pub async fn load_second_factor() -> Result<SecondFactorStatus, AccountError> {
    serve_enrolling(async |state, caller| {
        service::status(state, caller.account_id, caller.is_agent).await
    })
    .await
}

/// A new authenticator secret to scan, once the current password is proven again; it counts only
/// once a first code from the app is confirmed.
#[server(endpoint = "accounts/second-factor/start")]
pub async fn start_totp_enrolment(current_password: String) -> Result<TotpEnrolment, AccountError> {
    serve_enrolling(async |state, caller| {
        let address = session::client_address();
        service::start_enrolment(state, &address, caller.account_id, &current_password).await
    })
    .await
}

/// Confirms the app with a first code: two-step sign-in is on; returns the recovery codes (shown
/// once).
#[server(endpoint = "accounts/second-factor/confirm")]
pub async fn confirm_totp_enrolment(code: String) -> Result<Vec<String>, AccountError> {
    serve_enrolling(async |state, caller| {
        let address = session::client_address();
        service::confirm_enrolment(state, &address, caller.account_id, &code).await
    })
    .await
}

/// New recovery codes in place of all earlier ones, once the current password is proven again.
#[server(endpoint = "accounts/second-factor/recovery-codes")]
pub async fn replace_recovery_codes(current_password: String) -> Result<Vec<String>, AccountError> {
    serve(async |state, caller| {
        let address = session::client_address();
        service::replace_codes(state, &address, caller.account_id, &current_password).await
    })
    .await
}

/// Turns two-step sign-in off (refused while it is required of the account).
#[server(endpoint = "accounts/second-factor/turn-off")]
pub async fn turn_off_second_factor(current_password: String) -> Result<(), AccountError> {
    serve(async |state, caller| {
        let address = session::client_address();
        service::turn_off(state, &address, &caller, &current_password).await
    })
    .await
}

/// Proves again who the signed-in person is (password, and the code if they use two-step
/// sign-in), for the most sensitive actions, which ask for it within ten minutes of signing in.
#[server(endpoint = "accounts/confirm-identity")]
pub async fn confirm_identity(
    current_password: String,
    #[server(default)] code: String,
) -> Result<(), AccountError> {
    serve(async |state, caller| {
        let address = session::client_address();
        service::confirm_identity(state, &address, &caller, &current_password, &code).await
    })
    .await
}

/// The second step of a sign-in: the authenticator code or a recovery code.
#[server(endpoint = "accounts/login/second-step")]
pub async fn sign_in_second_step(
    challenge: String,
    code: String,
) -> Result<CurrentUser, AccountError> {
    serve_sign_in(async |state, address, presented| {
        service::answer_challenge(state, address, &challenge, &code, presented).await
    })
    .await
}

/// The company's two-step sign-in rule (Delegated Administrators and Administrators).
#[server(endpoint = "access/second-factor-rule")]
pub async fn load_company_second_factor_rule() -> Result<CompanySecondFactorRule, AccountError> {
    serve(async |state, caller| {
        let company = caller.manager()?;
        service::company_rule(state, &company.company_id).await
    })
    .await
}

/// Requires two-step sign-in of every member of the company, or stops requiring it (Delegated
/// Administrators only; one who has not set it up cannot require it).
#[server(endpoint = "access/second-factor-rule/set")]
pub async fn set_company_second_factor_rule(
    required: bool,
) -> Result<CompanySecondFactorRule, AccountError> {
    serve(async |state, caller| service::set_company_rule(state, &caller, required).await).await
}

/// The signed-in person's passkeys.
#[server(endpoint = "accounts/passkeys")]
pub async fn load_passkeys() -> Result<Vec<PasskeySummary>, AccountError> {
    serve_enrolling(async |state, caller| passkeys::list(state, caller.account_id).await).await
}

/// Starts adding a passkey (named by the person), once the current password is proven again.
#[server(endpoint = "accounts/passkeys/start")]
pub async fn start_passkey_registration(
    current_password: String,
    #[server(default)] name: String,
) -> Result<PasskeyCeremony, AccountError> {
    serve_enrolling(async |state, caller| {
        let address = session::client_address();
        passkeys::start_registration(state, &address, caller.account_id, &current_password, &name)
            .await
    })
    .await
}

/// Adds the passkey the browser made; returns the recovery codes when it is the person's first
/// second factor (shown once), none otherwise.
#[server(endpoint = "accounts/passkeys/finish")]
pub async fn finish_passkey_registration(
    ceremony: String,
    credential: String,
) -> Result<Vec<String>, AccountError> {
    serve_enrolling(async |state, caller| {
        let address = session::client_address();
        passkeys::finish_registration(state, &address, caller.account_id, &ceremony, &credential)
            .await
    })
    .await
}

/// Removes one of the person's passkeys, once the current password is proven again.
#[server(endpoint = "accounts/passkeys/remove")]
pub async fn remove_passkey(id: i64, current_password: String) -> Result<(), AccountError> {
    serve(async |state, caller| {
        let address = session::client_address();
        passkeys::remove(state, &address, &caller, id, &current_password).await
    })
    .await
}

/// The second step of a sign-in with a passkey: the browser's options for this challenge.
#[server(endpoint = "accounts/login/second-step/passkey")]
pub async fn start_passkey_second_step(challenge: String) -> Result<PasskeyCeremony, AccountError> {
    serve_anyone(async |state| passkeys::start_second_step(state, &challenge).await).await
}

/// The second step answered by a passkey: signs in.
#[server(endpoint = "accounts/login/second-step/passkey/finish")]
pub async fn finish_passkey_second_step(
    challenge: String,
    ceremony: String,
    credential: String,
) -> Result<CurrentUser, AccountError> {
    serve_sign_in(async |state, address, presented| {
        passkeys::finish_second_step(
            state,
            address,
            &challenge,
            &ceremony,
            &credential,
            presented,
        )
        .await
    })
    .await
}

/// A sign-in with a passkey alone: the browser's options.
#[server(endpoint = "accounts/login/passkey")]
pub async fn start_passkey_sign_in() -> Result<PasskeyCeremony, AccountError> {
    serve_anyone(async |state| passkeys::start_sign_in(state).await).await
}

/// A sign-in with a passkey alone, answered: signs in as the passkey's account.
#[server(endpoint = "accounts/login/passkey/finish")]
pub async fn finish_passkey_sign_in(
    ceremony: String,
    credential: String,
) -> Result<CurrentUser, AccountError> {
    serve_sign_in(async |state, address, presented| {
        passkeys::finish_sign_in(state, address, &ceremony, &credential, presented).await
    })
    .await
}
