use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    accounts::{resend_verification, verify_email, AccountError, VerifiedEmail},
    contexts::session::use_session,
};

/// Opened from the link in a verification email: checks the link once and says what happened.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let outcome = load(move || verify_email(token.clone()));
    let session = use_session();
    view! {
        <Title text="Verify your email"/>
        <section class="card narrow">
            <Transition fallback=|| view! { <p aria-busy="true">"Checking your link…"</p> }>
                {move || suspend(async move {
                    match outcome.await {
                        Ok(verified) => {
                            session.refresh();
                            let text = match verified {
                                VerifiedEmail::AccountEmail => "Your email address is verified. NetCare can now send you notifications about your registration and access requests.",
                                VerifiedEmail::ChangedEmail => "Your new email address is confirmed and is now the address of your account.",
                            };
                            view! {
                                <h1>"Email successfully verified"</h1>
                                <p role="status">{text}</p>
                                <A href="/profile" attr:class="button">"Continue"</A>
                            }.into_any()
                        }
                        Err(err) => view! { <LinkProblem err/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Why the link did not work, and the way forward.
#[component]
fn LinkProblem(err: AccountError) -> impl IntoView {
    let session = use_session();
    let resend = act(|_: &()| resend_verification());
    let can_resend = matches!(
        err,
        AccountError::LinkUsed | AccountError::LinkExpired | AccountError::LinkInvalid
    );
    view! {
        <h1>"This link cannot be used"</h1>
        <p role="alert">{err.to_string()}</p>
        {move || match session.user() {
            Some(user) if user.email_verified => view! {
                <p>"Your email address " <strong>{user.email}</strong> " is already verified. " <A href="/profile">"Go to your profile"</A></p>
            }.into_any(),
            Some(_) if can_resend => view! {
                <p>"Need a new link? We can send one to the address on your profile."</p>
                <button type="button" class="button" on:click=move |_| { resend.dispatch(()); } disabled=move || resend.pending().get()>
                    "Send a new link"
                </button>
                {move || resend.value().get().map(|result| match result {
                    Ok(()) => view! { <p role="status">"A new link is on its way."</p> }.into_any(),
                    Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                })}
            }.into_any(),
            _ => view! {
                <p>"If your address is already verified, you can sign in. To get a new link, sign in and ask for one on your profile."</p>
                <A href="/login" attr:class="button">"Sign in"</A>
            }.into_any(),
        }}
    }
}
