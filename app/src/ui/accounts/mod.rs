//! Pages of the accounts area: register, sign in, verify email, profile, password reset.

mod appearance_section;
mod confirm_identity_page;
mod forgot_password_page;
mod login_page;
mod passkey_browser;
mod passkey_sign_in;
mod passkey_step_button;
mod passkeys_section;
mod profile_page;
mod register_page;
mod reset_password_page;
mod second_step_form;
mod two_step_section;
mod verify_email_page;

pub use confirm_identity_page::ConfirmIdentityPage;
pub use forgot_password_page::ForgotPasswordPage;
pub use login_page::LoginPage;
pub use profile_page::ProfilePage;
pub use register_page::RegisterPage;
pub use reset_password_page::ResetPasswordPage;
pub use verify_email_page::VerifyEmailPage;

use leptos::prelude::*;

use crate::accounts::AccountError;

/// The message for one field from an action's last result.
pub(crate) fn field_error<T, S>(result: S, name: &'static str) -> Signal<Option<String>>
where
    S: Get<Value = Option<Result<T, AccountError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || match result.get() {
        Some(Err(err)) => err.field(name),
        _ => None,
    })
}

/// The message for the form as a whole (anything not about one field).
pub(crate) fn form_error<T, S>(result: S) -> Signal<Option<String>>
where
    S: Get<Value = Option<Result<T, AccountError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || match result.get() {
        Some(Err(AccountError::Invalid(_))) => {
            Some("Please correct the fields marked below.".to_owned())
        }
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    })
}
