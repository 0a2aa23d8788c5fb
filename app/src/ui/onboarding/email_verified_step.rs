use leptos::prelude::*;

use super::{wizard_action, StageSetter};
use crate::{onboarding::finish_registration, ui::forms::FormError};

#[component]
pub fn EmailVerifiedStep(set_stage: StageSetter) -> impl IntoView {
    let error = RwSignal::new(None);
    let finish = wizard_action(set_stage, error, finish_registration);
    view! {
        <h1>"Email successfully verified"</h1>
        <p>"Your business email address is verified: registration notifications and other people's access requests will reach you there."</p>
        <FormError message=error/>
        <button type="button" class="button" on:click=move |_| { finish.dispatch(()); } disabled=move || finish.pending().get()>"Continue"</button>
    }
}
