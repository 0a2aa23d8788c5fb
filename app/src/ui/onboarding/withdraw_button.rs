use leptos::prelude::*;

use super::{wizard_action, StageSetter};
use crate::{onboarding::withdraw_request, ui::forms::FormError};

/// Takes back a request still waiting for a DA or an agent, back to step 2 (to try another
/// contract and serial, or to stop).
#[component]
pub fn WithdrawButton(set_stage: StageSetter) -> impl IntoView {
    let error = RwSignal::new(None);
    let withdraw = wizard_action(set_stage, error, withdraw_request);
    view! {
        <FormError message=error/>
        <div class="actions">
            <button type="button" class="button secondary" disabled=move || withdraw.pending().get()
                on:click=move |_| { withdraw.dispatch(()); }>"Withdraw request"</button>
        </div>
    }
}
