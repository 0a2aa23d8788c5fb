use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    contexts::session::use_session,
    onboarding::{
        finish_registration, inspect_onboarding_link, open_onboarding_link, OnboardingError,
        OnboardingLink,
    },
};

/// Opened from the onboarding email: names the address and company, verifies the address only
/// when the person confirms (a mail scanner opening the link does nothing), then *Continue*
/// completes the registration.
#[component]
pub fn OnboardingLinkPage() -> impl IntoView {
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let link = {
        let token = token.clone();
        load(move || inspect_onboarding_link(token.clone()))
    };
    let confirm = act(move |_: &()| open_onboarding_link(token.clone()));
    view! {
        <Title text="Verify your email"/>
        <section class="card narrow">
            <Transition fallback=|| view! { <p aria-busy="true">"Checking your link…"</p> }>
                {move || suspend(async move {
                    match link.await {
                        Ok(link) => view! {
                            {move || match confirm.value().get() {
                                Some(Ok(_)) => view! { <Verified/> }.into_any(),
                                Some(Err(err)) => view! { <LinkProblem err/> }.into_any(),
                                None => view! { <ConfirmLink link=link.clone() confirm=move || { confirm.dispatch(()); }/> }.into_any(),
                            }}
                        }.into_any(),
                        Err(err) => view! { <LinkProblem err/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ConfirmLink(link: OnboardingLink, confirm: impl Fn() + 'static) -> impl IntoView {
    let what = format!(
        "Confirm that {} is your business email address, to finish registering {} with NetCare.",
        link.email, link.company
    );
    view! {
        <h1>"Confirm your email address"</h1>
        <p>{what}</p>
        <button type="button" class="button" on:click=move |_| confirm()>"Confirm email address"</button>
    }
}

/// The address is verified: *Continue* completes the registration.
#[component]
fn Verified() -> impl IntoView {
    let session = use_session();
    let finish = act(|_: &()| finish_registration());
    Effect::new(move |_| {
        if let Some(Ok(_)) = finish.value().get() {
            session.refresh();
        }
    });
    move || {
        match finish.value().get() {
        Some(Ok(_)) => view! {
            <h1>"Registration complete"</h1>
            <p role="status">"You are your company's Delegated Administrator, and its administrator in NetCare."</p>
            <p>"Next: upload your device inventory to see its coverage."</p>
            <div class="actions">
                <A href="/uploads" attr:class="button">"Upload your inventory"</A>
                <A href="/" attr:class="button secondary">"Go to the dashboard"</A>
            </div>
        }
        .into_any(),
        Some(Err(err)) => view! {
            <h1>"Email successfully verified"</h1>
            <p role="alert">{err.to_string()}</p>
            <A href="/onboarding" attr:class="button">"Go to your registration"</A>
        }
        .into_any(),
        None => view! {
            <h1>"Email successfully verified"</h1>
            <p>"Thank you: your business email address is verified."</p>
            <button type="button" class="button" on:click=move |_| { finish.dispatch(()); }>"Continue"</button>
        }
        .into_any(),
    }
    }
}

#[component]
fn LinkProblem(err: OnboardingError) -> impl IntoView {
    view! {
        <h1>"This link cannot be used"</h1>
        <p role="alert">{err.to_string()}</p>
        <A href="/onboarding" attr:class="button">"Go to your registration"</A>
    }
}
