use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_navigate};

use super::{field_error, form_error};
use crate::{
    accounts::Login,
    contexts::session::use_session,
    ui::forms::{FormError, TextField},
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let result = login.value();
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = result.get() {
            session.refresh();
            navigate("/profile", Default::default());
        }
    });
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in to NetCare"</h1>
            <ActionForm action=login>
                <FormError message=form_error(result)/>
                <TextField name="login" label="Username or email" autocomplete="username" error=field_error(result, "login")/>
                <TextField name="password" label="Password" kind="password" autocomplete="current-password" error=field_error(result, "password")/>
                <button type="submit" class="button" disabled=move || login.pending().get()>"Sign in"</button>
            </ActionForm>
            <p><A href="/forgot-password">"Forgot your password?"</A></p>
            <p>"New to NetCare? " <A href="/register">"Create an account"</A></p>
        </section>
    }
}
