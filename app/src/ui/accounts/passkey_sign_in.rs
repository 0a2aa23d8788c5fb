use leptos::prelude::*;

use super::{
    passkey_browser::{ask_browser, failure, on_signed_in, PasskeyRequest},
    passkeys_section::said,
};
use crate::{
    accounts::{
        second_factor::{finish_passkey_sign_in, start_passkey_sign_in},
        CurrentUser,
    },
    ui::forms::FormError,
};

/// Signs in with a passkey alone: the browser offers the passkeys it holds for NetCare.
#[component]
pub fn PasskeySignIn(signed_in: RwSignal<Option<CurrentUser>>) -> impl IntoView {
    let run = Action::new_local(move |(): &()| async move {
        let started = start_passkey_sign_in().await.map_err(said)?;
        let credential = ask_browser(&started.options, PasskeyRequest::Get).await?;
        finish_passkey_sign_in(started.ceremony, credential)
            .await
            .map_err(said)
    });
    let result = run.value();
    on_signed_in(result, signed_in);
    let error = failure(result);
    view! {
        <div class="passkey-sign-in">
            <p>"Or sign in without typing anything, with a passkey on this device or a security key:"</p>
            <FormError message=error/>
            <button type="button" class="button secondary" disabled=move || run.pending().get() on:click=move |_| { run.dispatch_local(()); }>"Use a passkey"</button>
        </div>
    }
}
