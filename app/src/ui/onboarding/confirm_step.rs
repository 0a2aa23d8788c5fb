use leptos::prelude::*;

use super::{wizard_action, StageSetter};
use crate::{
    onboarding::{confirm_request, go_back, wizard::Proof},
    ui::forms::FormError,
};

/// The company already has DAs: the request goes to the first of them.
#[component]
pub fn ConfirmStep(set_stage: StageSetter, proof: Proof, first_da: String) -> impl IntoView {
    let error = RwSignal::new(None);
    let confirm = wizard_action(set_stage, error, confirm_request);
    let back = wizard_action(set_stage, error, go_back);
    view! {
        <h1>"Confirm your request"</h1>
        <p>"You entered:"</p>
        <dl class="facts">
            <div><dt>"Contract number"</dt><dd>{proof.contract_number}</dd></div>
            <div><dt>"Serial number"</dt><dd>{proof.serial_number}</dd></div>
        </dl>
        <p>"Your company already has a Delegated Administrator: " <strong>{first_da}</strong> ". We will forward your access request to them."</p>
        <FormError message=error/>
        <div class="actions">
            <button type="button" class="button secondary" on:click=move |_| { back.dispatch(()); }>"Back"</button>
            <button type="button" class="button" on:click=move |_| { confirm.dispatch(()); } disabled=move || confirm.pending().get()>"Confirm"</button>
        </div>
    }
}
