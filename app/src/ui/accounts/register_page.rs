use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{field_error, form_error};
use crate::{
    accounts::Register,
    ui::forms::{FormError, NewPasswordField, TextField},
};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let result = register.value();
    let done = move || matches!(result.get(), Some(Ok(())));
    view! {
        <Title text="Create your account"/>
        <section class="card narrow">
            <Show
                when=done
                fallback=move || view! {
                    <h1>"Create your NetCare account"</h1>
                    <p>"Use your business email address: it tells NetCare which company you work for."</p>
                    <ActionForm action=register>
                        <FormError message=form_error(result)/>
                        <TextField name="username" label="Username" autocomplete="username" error=field_error(result, "username")/>
                        <TextField name="full_name" label="Full name" autocomplete="name" error=field_error(result, "full_name")/>
                        <TextField name="email" label="Business email" kind="email" autocomplete="email" error=field_error(result, "email")/>
                        <NewPasswordField label="Password" error=field_error(result, "password")/>
                        <button type="submit" class="button" disabled=move || register.pending().get()>"Create account"</button>
                    </ActionForm>
                    <p>"Already have an account? " <A href="/login">"Sign in"</A></p>
                }
            >
                <div role="status">
                    <h1>"Check your email"</h1>
                    <p>"We sent you a link to verify your email address. Open it to finish creating your account, then sign in."</p>
                    <p><A href="/login">"Go to sign in"</A></p>
                </div>
            </Show>
        </section>
    }
}
