use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
};

use super::{
    field_error, form_error, passkey_sign_in::PasskeySignIn, second_step_form::SecondStepForm,
};
use crate::{
    accounts::{second_factor::SignIn, CurrentUser, Login},
    contexts::session::use_session,
    ui::{
        forms::{FormError, TextField},
        shell::sign_in_redirect::after_sign_in,
    },
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let result = login.value();
    let session = use_session();
    let navigate = use_navigate();
    // Who signed in, by the password alone or after the second step.
    let signed_in = RwSignal::new(None::<CurrentUser>);
    // The second step's challenge, once the password was right for an account that has one.
    let challenge = Memo::new(move |_| match result.get() {
        Some(Ok(SignIn::SecondStep { challenge, methods })) => Some((challenge, methods)),
        _ => None,
    });
    // The page the person asked for before being sent here (see `SignInGate`).
    let next = use_query_map().read_untracked().get("next");
    let asked_for = next.is_some();
    Effect::new(move |_| {
        if let Some(Ok(SignIn::Complete(user))) = result.get() {
            signed_in.set(Some(user));
        }
    });
    Effect::new(move |_| {
        if signed_in.with(Option::is_some) {
            session.refresh();
        }
    });
    // Only once the session shows the person: a page that needs an account must not see the
    // visitor the session was a moment ago (see `SignInGate`).
    Effect::new(move |_| {
        if let Some(user) = signed_in.get() {
            if session.user().is_some_and(|shown| shown.id == user.id) {
                navigate(&after_sign_in(next.as_deref(), &user), Default::default());
            }
        }
    });
    let password_form = move || {
        view! {
            <ActionForm action=login>
                <FormError message=form_error(result)/>
                <TextField name="login" label="Username or email" autocomplete="username" error=field_error(result, "login")/>
                <TextField name="password" label="Password" kind="password" autocomplete="current-password" error=field_error(result, "password")/>
                <button type="submit" class="button" disabled=move || login.pending().get()>"Sign in"</button>
            </ActionForm>
            <PasskeySignIn signed_in/>
            <p class="standalone-link"><A href="/forgot-password">"Forgot your password?"</A></p>
            <p>"New to NetCare? " <A href="/register">"Create an account"</A></p>
        }
    };
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in to NetCare"</h1>
            // Why the person is here again, when their session ended under an open page.
            {move || session.ended().map(|why| view! { <p class="caution" role="alert" data-testid="session-ended">{why}</p> })}
            {asked_for.then(|| view! { <p class="lead" role="status">"Sign in to open the page you asked for."</p> })}
            {move || match challenge.get() {
                Some((challenge, methods)) => view! { <SecondStepForm challenge methods signed_in/> }.into_any(),
                None => password_form().into_any(),
            }}
        </section>
    }
}
