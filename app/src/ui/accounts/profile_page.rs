use crate::ui::loading::act;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_navigate};

use super::{
    appearance_section::AppearanceSection, field_error, form_error,
    passkeys_section::PasskeysSection, two_step_section::TwoStepSection,
};
use crate::{
    accounts::{
        logout_everywhere, resend_verification, ChangeEmail, ChangePassword, CurrentUser,
        UpdateName,
    },
    contexts::session::use_session,
    ui::forms::{FormError, TextField},
};

/// The signed-in person's profile: name, email (changed only after verifying the new one).
#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    let signed_in = Memo::new(move |_| session.user().is_some());
    let loaded = Memo::new(move |_| session.loaded());
    view! {
        <Title text="Your profile"/>
        // Built once when someone is signed in: it reads the user reactively, so saving a change
        // (which refreshes the session) keeps the forms and their messages in place.
        {move || match signed_in.get() {
            true => view! { <Profile/> }.into_any(),
            false if loaded.get() => view! {
                <section class="card narrow">
                    <h1>"Your profile"</h1>
                    <p>"Please sign in to see your profile."</p>
                    <A href="/login" attr:class="button">"Sign in"</A>
                </section>
            }.into_any(),
            false => view! { <section class="card narrow skeleton-block" aria-busy="true"></section> }.into_any(),
        }}
    }
}

#[component]
fn Profile() -> impl IntoView {
    let session = use_session();
    let field =
        move |read: fn(CurrentUser) -> String| move || session.user().map(read).unwrap_or_default();
    let verified = move || session.user().is_some_and(|u| u.email_verified);
    let update_name = ServerAction::<UpdateName>::new();
    let name_result = update_name.value();
    Effect::new(move |_| {
        if let Some(Ok(_)) = name_result.get() {
            session.refresh();
        }
    });
    let change_email = ServerAction::<ChangeEmail>::new();
    let email_result = change_email.value();
    let change_password = ServerAction::<ChangePassword>::new();
    let password_result = change_password.value();
    let resend = act(|_: &()| resend_verification());
    let navigate = use_navigate();
    let sign_out_everywhere = act(|_: &()| logout_everywhere());
    Effect::new(move |_| {
        if sign_out_everywhere.value().get().is_some() {
            session.refresh();
            navigate("/login", Default::default());
        }
    });
    let full_name = Signal::derive(field(|u| u.full_name));
    view! {
        <section class="card narrow" aria-labelledby="profile-heading">
            <h1 id="profile-heading">"Your profile"</h1>
            <dl class="facts">
                <div><dt>"Username"</dt><dd>{field(|u| u.username)}</dd></div>
                <div><dt>"Name"</dt><dd>{field(|u| u.full_name)}</dd></div>
                <div>
                    <dt>"Email"</dt>
                    <dd>{move || format!("{} {}", field(|u| u.email)(), if verified() { "(verified)" } else { "(not verified yet)" })}</dd>
                </div>
            </dl>
            {move || (!verified()).then(|| view! {
                <p>"Verify your email address to use NetCare: open the link we sent you."</p>
                <button type="button" class="button secondary" on:click=move |_| { resend.dispatch(()); }>"Send a new link"</button>
                {move || resend.value().get().map(|r| match r {
                    Ok(()) => view! { <p role="status">"A new link is on its way."</p> }.into_any(),
                    Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                })}
            })}
        </section>
        {
            // Either section's change may turn two-step sign-in on or off: both reload.
            let factors_changed = RwSignal::new(0u32);
            view! {
                <TwoStepSection factors_changed/>
                <PasskeysSection factors_changed/>
            }
        }
        <AppearanceSection/>
        <section class="card narrow" aria-labelledby="name-heading">
            <h2 id="name-heading">"Change your name"</h2>
            <ActionForm action=update_name>
                <FormError message=form_error(name_result)/>
                <TextField name="full_name" label="Full name" autocomplete="name" value=full_name error=field_error(name_result, "full_name")/>
                <button type="submit" class="button" disabled=move || update_name.pending().get()>"Save name"</button>
                {move || matches!(name_result.get(), Some(Ok(_))).then(|| view! { <p role="status">"Your name is saved."</p> })}
            </ActionForm>
        </section>
        <section class="card narrow" aria-labelledby="email-heading">
            <h2 id="email-heading">"Change your email address"</h2>
            <p>"We send a link to the new address; it replaces the current one when you open it."</p>
            <ActionForm action=change_email>
                <FormError message=form_error(email_result)/>
                <TextField name="new_email" label="New business email" kind="email" autocomplete="email" error=field_error(email_result, "new_email")/>
                <TextField name="current_password" label="Current password" kind="password" autocomplete="current-password" error=field_error(email_result, "current_password")/>
                <button type="submit" class="button" disabled=move || change_email.pending().get()>"Send the confirmation link"</button>
                {move || matches!(email_result.get(), Some(Ok(()))).then(|| view! {
                    <p role="status">"Check the new address's inbox and open the link to confirm it."</p>
                })}
            </ActionForm>
        </section>
        <section class="card narrow" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <p>"Every other session of your account is signed out; this one goes on."</p>
            <ActionForm action=change_password>
                <FormError message=form_error(password_result)/>
                <TextField name="current_password" form="password" label="Current password" kind="password" autocomplete="current-password" error=field_error(password_result, "current_password")/>
                <TextField name="new_password" form="password" label="New password" kind="password" autocomplete="new-password" error=field_error(password_result, "new_password")/>
                <button type="submit" class="button" disabled=move || change_password.pending().get()>"Change password"</button>
                {move || matches!(password_result.get(), Some(Ok(()))).then(|| view! {
                    <p role="status">"Your password is changed."</p>
                })}
            </ActionForm>
        </section>
        <section class="card narrow" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Sessions"</h2>
            <p>"Signed in on a computer you no longer use? End every session, here included."</p>
            <button type="button" class="button secondary" on:click=move |_| { sign_out_everywhere.dispatch(()); }>"Sign out everywhere"</button>
        </section>
    }
}
