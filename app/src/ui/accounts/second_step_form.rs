use leptos::prelude::*;

use super::{field_error, form_error, passkey_step_button::PasskeyStepButton};
use crate::{
    accounts::{
        second_factor::{SecondStepMethods, SignInSecondStep},
        CurrentUser,
    },
    ui::forms::{FormError, TextField},
};

/// The second step of signing in: a passkey, the authenticator app's code, or a recovery code.
#[component]
pub fn SecondStepForm(
    challenge: String,
    methods: SecondStepMethods,
    signed_in: RwSignal<Option<CurrentUser>>,
) -> impl IntoView {
    let step = ServerAction::<SignInSecondStep>::new();
    let result = step.value();
    Effect::new(move |_| {
        if let Some(Ok(user)) = result.get() {
            signed_in.set(Some(user));
        }
    });
    view! {
        <h2>"Two-step sign-in"</h2>
        {methods.passkey.then(|| view! {
            <p>"Confirm with your passkey (your device's screen lock or your security key)."</p>
            <PasskeyStepButton challenge=challenge.clone() signed_in/>
        })}
        <p>{match (methods.authenticator, methods.passkey) {
            (true, true) => "Or enter the 6-digit code your authenticator app shows for NetCare. Lost them? Enter one of your recovery codes instead.",
            (false, true) => "Passkey not at hand? Enter one of your recovery codes.",
            _ => "Enter the 6-digit code your authenticator app shows for NetCare. Lost your phone? Enter one of your recovery codes instead.",
        }}</p>
        <ActionForm action=step>
            <FormError message=form_error(result)/>
            <input type="hidden" name="challenge" value=challenge/>
            <TextField name="code" label="Authentication code" autocomplete="one-time-code" hint=if methods.authenticator { "6 digits, or a recovery code like abcd-efgh-ijkl-mnop" } else { "A recovery code like abcd-efgh-ijkl-mnop" } error=field_error(result, "code")/>
            <button type="submit" class=if methods.passkey { "button secondary" } else { "button" } disabled=move || step.pending().get()>"Verify"</button>
        </ActionForm>
        <p><a href="/login">"Start again"</a></p>
    }
}
