use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{field_error, form_error};
use crate::{
    accounts::second_factor::ConfirmIdentity,
    contexts::session::use_session,
    ui::{
        forms::{FormError, TextField},
        shell::sign_in_redirect::is_local_path,
    },
};

/// Step-up: the person proves who they are again (password, and the authenticator code if they
/// use two-step sign-in), then goes back to the page where an action asked for it (`next`).
#[component]
pub fn ConfirmIdentityPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|next| is_local_path(next))
        .unwrap_or_else(|| "/profile".to_owned());
    let confirm = ServerAction::<ConfirmIdentity>::new();
    let result = confirm.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = result.get() {
            session.step_up_settled();
            navigate(&next, Default::default());
        }
    });
    view! {
        <Title text="Confirm it is you"/>
        <section class="card narrow" aria-labelledby="confirm-heading">
            <h1 id="confirm-heading">"Confirm it is you"</h1>
            <p>"You signed in more than 10 minutes ago, and what you were doing changes who can do what. Enter your password (and your authenticator code if you use two-step sign-in); then you go back and do it again."</p>
            <ActionForm action=confirm>
                <FormError message=form_error(result)/>
                <TextField name="current_password" label="Your password" kind="password" autocomplete="current-password" error=field_error(result, "current_password")/>
                <TextField name="code" label="Authenticator code (if you use two-step sign-in)" autocomplete="one-time-code" error=field_error(result, "code")/>
                <button type="submit" class="button" disabled=move || confirm.pending().get()>"Confirm"</button>
            </ActionForm>
        </section>
    }
}
