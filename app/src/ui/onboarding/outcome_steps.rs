//! The stages where the person waits or has arrived: small enough to share a file.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{withdraw_button::WithdrawButton, wizard_action, StageSetter};
use crate::{contexts::session::use_session, onboarding::start_again, ui::forms::FormError};

#[component]
pub fn SubmittedStep(set_stage: StageSetter, first_da: String) -> impl IntoView {
    view! {
        <h1>"Request submitted"</h1>
        <p role="status">"Your access request went to " <strong>{first_da}</strong> ", your company's Delegated Administrator. You will get an email when they decide; once they grant you a role, you can use NetCare at once."</p>
        <WithdrawButton set_stage/>
    }
}

#[component]
pub fn VerifyEmailStep(email: String) -> impl IntoView {
    view! {
        <h1>"Check your email"</h1>
        <p role="status">"Your request to become your company's Delegated Administrator is approved. We sent a link to " <strong>{email}</strong> ": open it to verify your address and finish."</p>
    }
}

#[component]
pub fn CompleteStep() -> impl IntoView {
    let session = use_session();
    let detail = move || {
        session.user().and_then(|u| u.membership).map(|m| {
            let role = match m.role.as_str() {
                "da" => "its Delegated Administrator (and administrator)",
                "admin" => "an Administrator",
                _ => "a User",
            };
            format!(
                "You have access to NetCare for {} as {role}.",
                m.company_name
            )
        })
    };
    view! {
        <h1>"Registration complete"</h1>
        <p role="status">{detail}</p>
        <p>"Next: upload your device inventory to see its coverage."</p>
        <div class="actions">
            <A href="/uploads" attr:class="button">"Upload your inventory"</A>
            <A href="/" attr:class="button secondary">"Go to the dashboard"</A>
        </div>
    }
}

#[component]
pub fn DeniedStep(set_stage: StageSetter, reason: Option<String>) -> impl IntoView {
    let error = RwSignal::new(None);
    let again = wizard_action(set_stage, error, start_again);
    view! {
        <h1>"Your request was declined"</h1>
        <p role="status">{reason.map(|r| format!("The reason given: {r}")).unwrap_or_else(|| "No reason was given.".to_owned())}</p>
        <FormError message=error/>
        <button type="button" class="button secondary" on:click=move |_| { again.dispatch(()); }>"Start again"</button>
    }
}
