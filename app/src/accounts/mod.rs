//! Accounts: registration, sign-in, sessions, email verification, password reset and the profile.
//!
//! The server functions here are thin: they read the caller's session, call `service` and map
//! errors. The rules are in `rules` (shared with the browser); the SQL is in `queries`.

pub mod free_mail;
mod role;
pub mod rules;
pub mod second_factor;

server_only! {
    pub mod caller;
    pub mod passwords;
    pub mod queries;
    pub mod service;
    pub mod session;
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::caller::{serve, serve_anyone, serve_enrolling};
use crate::AppError;
pub use role::Role;

/// The signed-in person, as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub email_verified: bool,
    pub is_agent: bool,
    /// The company the person belongs to (or, for an agent, reads under support access), with
    /// their role there.
    pub membership: Option<Membership>,
    /// Two-step sign-in is required of the person and not set up yet: until it is, only their
    /// profile's two-step section answers them.
    #[serde(default)]
    pub second_factor_setup: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub company_id: String,
    pub company_name: String,
    pub role: Role,
    /// For [`Role::Support`]: when the company's grant of support access ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_until: Option<String>,
}

/// A problem with one form field, named as the form names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AccountError {
    #[error("Some fields need attention.")]
    Invalid(Vec<FieldError>),
    #[error("That username or email and password do not match an account.")]
    WrongCredentials,
    #[error("Too many attempts. Try again in {retry_after_seconds} seconds.")]
    TooManyAttempts { retry_after_seconds: u64 },
    #[error("This account is disabled. Ask your company's Delegated Administrator.")]
    Disabled,
    #[error("This link is not valid. Check that you copied all of it, or ask for a new one.")]
    LinkInvalid,
    #[error("This link has expired. Ask for a new one.")]
    LinkExpired,
    #[error("This link was already used.")]
    LinkUsed,
    #[error("This sign-in took too long or was already completed. Enter your password again.")]
    SignInExpired,
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(AccountError {
    AccountError::Invalid(_)
    | AccountError::LinkInvalid
    | AccountError::LinkExpired
    | AccountError::LinkUsed => 400,
    AccountError::WrongCredentials | AccountError::SignInExpired => 401,
    AccountError::Disabled => 403,
    AccountError::TooManyAttempts { .. } => 429,
});

impl AccountError {
    /// The message for one field, if the error is about it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AccountError::Invalid(fields) => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }
}

/// What a verification link is for, shown before the person confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLink {
    pub username: String,
    pub email: String,
    /// A new address for the account (else the account's first verification).
    pub change: bool,
}

/// What a verification link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerifiedEmail {
    /// The account's address is now verified.
    AccountEmail,
    /// The account's address was changed to the newly verified one.
    ChangedEmail,
}

#[server(endpoint = "accounts/me")]
pub async fn load_current_user() -> Result<Option<CurrentUser>, AccountError> {
    serve_anyone(async |state| match session::current() {
        Some(session) => service::load_signed_in(state, &session).await,
        // A visitor; or someone whose session was ended by another, who is told why.
        None => match session::ended() {
            Some(end) => Err(AppError::SessionEnded(end).into()),
            None => Ok(None),
        },
    })
    .await
}

#[server(endpoint = "accounts/register")]
pub async fn register(
    username: String,
    full_name: String,
    email: String,
    password: String,
) -> Result<(), AccountError> {
    serve_anyone(async |state| {
        let address = session::client_address();
        service::register(state, &address, &username, &full_name, &email, &password).await
    })
    .await
}

/// Signs in; an account with two-step sign-in is asked for its code next
/// ([`second_factor::sign_in_second_step`]).
#[server(endpoint = "accounts/login")]
pub async fn login(login: String, password: String) -> Result<second_factor::SignIn, AccountError> {
    serve_anyone(async |state| {
        let address = session::client_address();
        let presented = session::presented_token(&state.settings);
        match service::login(state, &address, &login, &password, presented).await? {
            service::SignInStep::Complete(user, token) => {
                session::set_cookie(&state.settings, &token);
                Ok(second_factor::SignIn::Complete(user))
            }
            service::SignInStep::SecondStep { challenge, methods } => {
                Ok(second_factor::SignIn::SecondStep { challenge, methods })
            }
        }
    })
    .await
}

#[server(endpoint = "accounts/logout")]
pub async fn logout() -> Result<(), AccountError> {
    serve_anyone(async |state| {
        if let Some(token) = session::presented_token(&state.settings) {
            service::end_session(state, &token).await?;
        }
        session::clear_cookie(&state.settings);
        Ok(())
    })
    .await
}

#[server(endpoint = "accounts/logout-everywhere")]
pub async fn logout_everywhere() -> Result<(), AccountError> {
    serve_enrolling(async |state, caller| {
        service::end_all_sessions(state, caller.account_id).await?;
        session::clear_cookie(&state.settings);
        Ok(())
    })
    .await
}

#[server(endpoint = "accounts/verify-email")]
pub async fn verify_email(token: String) -> Result<VerifiedEmail, AccountError> {
    serve_anyone(async |state| service::verify_email(state, &token).await).await
}

/// What a verification link would confirm, without using it.
#[server(endpoint = "accounts/inspect-email-link")]
pub async fn inspect_email_link(token: String) -> Result<EmailLink, AccountError> {
    serve_anyone(async |state| service::inspect_email_link(state, &token).await).await
}

#[server(endpoint = "accounts/resend-verification")]
pub async fn resend_verification() -> Result<(), AccountError> {
    serve(async |state, caller| service::resend_verification(state, caller.account_id).await).await
}

#[server(endpoint = "accounts/request-password-reset")]
pub async fn request_password_reset(email: String) -> Result<(), AccountError> {
    serve_anyone(async |state| {
        service::request_password_reset(state, &session::client_address(), &email).await
    })
    .await
}

#[server(endpoint = "accounts/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AccountError> {
    serve_anyone(async |state| service::reset_password(state, &token, &password).await).await
}

#[server(endpoint = "accounts/update-name")]
pub async fn update_name(full_name: String) -> Result<CurrentUser, AccountError> {
    serve(async |state, caller| service::update_name(state, caller.account_id, &full_name).await)
        .await
}

/// A new password for the signed-in person, proving the current one; other sessions end.
#[server(endpoint = "accounts/change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AccountError> {
    serve(async |state, caller| {
        let address = session::client_address();
        service::change_password(
            state,
            &address,
            &caller.session,
            &current_password,
            &new_password,
        )
        .await
    })
    .await
}

#[server(endpoint = "accounts/change-email")]
pub async fn change_email(new_email: String, current_password: String) -> Result<(), AccountError> {
    serve(async |state, caller| {
        let address = session::client_address();
        service::change_email(
            state,
            &address,
            caller.account_id,
            &new_email,
            &current_password,
        )
        .await
    })
    .await
}
