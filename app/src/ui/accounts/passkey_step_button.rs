use leptos::prelude::*;

use super::{
    passkey_browser::{ask_browser, failure, on_signed_in, PasskeyRequest},
    passkeys_section::said,
};
use crate::{
    accounts::{
        second_factor::{finish_passkey_second_step, start_passkey_second_step},
        CurrentUser,
    },
    ui::forms::FormError,
};

/// The second step of a sign-in answered with one of the person's passkeys.
#[component]
pub fn PasskeyStepButton(
    challenge: String,
    signed_in: RwSignal<Option<CurrentUser>>,
) -> impl IntoView {
    let run = Action::new_local(move |challenge: &String| {
        let challenge = challenge.clone();
        async move {
            let started = start_passkey_second_step(challenge.clone())
                .await
                .map_err(said)?;
            let credential = ask_browser(&started.options, PasskeyRequest::Get).await?;
            finish_passkey_second_step(challenge, started.ceremony, credential)
                .await
                .map_err(said)
        }
    });
    let result = run.value();
    on_signed_in(result, signed_in);
    let error = failure(result);
    view! {
        <div class="passkey-step">
            <FormError message=error/>
            <button type="button" class="button" disabled=move || run.pending().get() on:click=move |_| { run.dispatch_local(challenge.clone()); }>"Use your passkey"</button>
        </div>
    }
}
