use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    accounts::{
        inspect_email_link, resend_verification, verify_email, AccountError, EmailLink,
        VerifiedEmail,
    },
    contexts::session::use_session,
};

/// Opened from the link in a verification email: says which account and address the link is
/// for, and verifies only when the person confirms (a mail scanner opening the link does nothing).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let link = {
        let token = token.clone();
        load(move || inspect_email_link(token.clone()))
    };
    let confirm = act(move |_: &()| verify_email(token.clone()));
    let session = use_session();
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            session.refresh();
        }
    });
    view! {
        <Title text="Verify your email"/>
        <section class="card narrow">
            <Transition fallback=|| view! { <p aria-busy="true">"Checking your link…"</p> }>
                {move || suspend(async move {
                    match link.await {
                        Ok(link) => view! { <ConfirmLink link confirm/> }.into_any(),
                        Err(err) => view! { <LinkProblem err/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The address and account a usable link is for, and the button that verifies it.
#[component]
fn ConfirmLink(
    link: EmailLink,
    confirm: Action<(), Result<VerifiedEmail, AccountError>>,
) -> impl IntoView {
    let what = if link.change {
        format!(
            "Make {} the email address of the NetCare account {}.",
            link.email, link.username
        )
    } else {
        format!(
            "Confirm that {} is the email address of the NetCare account {}.",
            link.email, link.username
        )
    };
    move || match confirm.value().get() {
        Some(Ok(verified)) => {
            let text = match verified {
                VerifiedEmail::AccountEmail => "Your email address is verified. NetCare can now send you notifications about your registration and access requests.",
                VerifiedEmail::ChangedEmail => "Your new email address is confirmed and is now the address of your account.",
            };
            view! {
                <h1>"Email successfully verified"</h1>
                <p role="status">{text}</p>
                <A href="/profile" attr:class="button">"Continue"</A>
            }
            .into_any()
        }
        Some(Err(err)) => view! { <LinkProblem err/> }.into_any(),
        None => view! {
            <h1>"Confirm your email address"</h1>
            <p>{what.clone()}</p>
            <button type="button" class="button" disabled=move || confirm.pending().get()
                on:click=move |_| { confirm.dispatch(()); }>"Confirm email address"</button>
        }
        .into_any(),
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
