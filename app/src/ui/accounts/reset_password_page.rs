use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::{field_error, form_error};
use crate::{
    accounts::{AccountError, ResetPassword},
    ui::forms::{FormError, NewPasswordField},
};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let reset = ServerAction::<ResetPassword>::new();
    let result = reset.value();
    let link_problem = move || {
        matches!(
            result.get(),
            Some(Err(AccountError::LinkUsed
                | AccountError::LinkExpired
                | AccountError::LinkInvalid))
        )
    };
    view! {
        <Title text="Choose a new password"/>
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <Show
                when=move || matches!(result.get(), Some(Ok(())))
                fallback=move || view! {
                    <ActionForm action=reset>
                        <FormError message=form_error(result)/>
                        <input type="hidden" name="token" prop:value=token/>
                        <NewPasswordField label="New password" error=field_error(result, "password")/>
                        <button type="submit" class="button" disabled=move || reset.pending().get()>"Change my password"</button>
                    </ActionForm>
                    <Show when=link_problem>
                        <p class="standalone-link"><A href="/forgot-password">"Ask for a new link"</A></p>
                    </Show>
                }
            >
                <p role="status">"Your password is changed, and you are signed out everywhere."</p>
                <p><A href="/login">"Sign in with your new password"</A></p>
            </Show>
        </section>
    }
}
