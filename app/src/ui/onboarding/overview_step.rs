use leptos::prelude::*;

use super::{wizard_action, StageSetter};
use crate::{onboarding::continue_registration, ui::forms::FormError};

#[component]
pub fn OverviewStep(set_stage: StageSetter) -> impl IntoView {
    let error = RwSignal::new(None);
    let next = wizard_action(set_stage, error, continue_registration);
    view! {
        <h1>"Register your company with NetCare"</h1>
        <p>"NetCare shows, device by device, which of your network devices a service contract covers, and why not when it does not."</p>
        <ol class="plain-steps">
            <li><strong>"Registration"</strong>": prove your entitlement with a contract number and the serial number of a device it covers."</li>
            <li><strong>"Collection"</strong>": upload your device inventory as a CSV file, or let a collector send it."</li>
            <li><strong>"Portal use"</strong>": read the coverage of every device and the contracts behind it."</li>
        </ol>
        <p>"The first person of a company becomes its Delegated Administrator, who approves everyone else."</p>
        <FormError message=error/>
        <button type="button" class="button" on:click=move |_| { next.dispatch(()); } disabled=move || next.pending().get()>
            "Continue registration"
        </button>
    }
}
