use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{field_error, form_error};
use crate::{
    accounts::RequestPasswordReset,
    ui::forms::{FormError, TextField},
};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let result = request.value();
    view! {
        <Title text="Reset your password"/>
        <section class="card narrow">
            <h1>"Reset your password"</h1>
            <Show
                when=move || matches!(result.get(), Some(Ok(())))
                fallback=move || view! {
                    <p>"Enter the email address of your account and we will send you a link to choose a new password."</p>
                    <ActionForm action=request>
                        <FormError message=form_error(result)/>
                        <TextField name="email" label="Email" kind="email" autocomplete="email" error=field_error(result, "email")/>
                        <button type="submit" class="button" disabled=move || request.pending().get()>"Send the link"</button>
                    </ActionForm>
                }
            >
                <p role="status">"If an account has this address, a link to reset its password is on its way. It works once and expires in an hour."</p>
            </Show>
            <p><A href="/login">"Back to sign in"</A></p>
        </section>
    }
}
