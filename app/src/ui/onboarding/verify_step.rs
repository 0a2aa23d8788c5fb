use crate::ui::loading::act;
use leptos::prelude::*;
use leptos_router::components::A;

use super::StageSetter;
use crate::onboarding::{verify_entitlement, wizard::Stage};

/// Step 2: the profile, then a contract number and a serial number. *Next* is enabled only after
/// a successful validation.
#[component]
pub fn VerifyStep(set_stage: StageSetter, full_name: String, email: String) -> impl IntoView {
    let contract = RwSignal::new(String::new());
    let serial = RwSignal::new(String::new());
    let validated = RwSignal::new(None::<Stage>);
    let error = RwSignal::new(None::<String>);
    let validate = act(move |_: &()| {
        let (c, s) = (contract.get_untracked(), serial.get_untracked());
        async move {
            match verify_entitlement(c, s).await {
                Ok(stage) => {
                    error.set(None);
                    validated.set(Some(stage));
                }
                Err(err) => {
                    validated.set(None);
                    error.set(Some(err.to_string()));
                }
            }
        }
    });
    view! {
        <h1>"Verify your account"</h1>
        <dl class="facts">
            <div><dt>"Name"</dt><dd>{full_name}</dd></div>
            <div><dt>"Email"</dt><dd>{email}</dd></div>
        </dl>
        <p class="field-hint">"Wrong? " <A href="/profile">"Correct your profile"</A> ", then come back to this page."</p>
        <form on:submit=move |ev| { ev.prevent_default(); validate.dispatch(()); }>
            <div class="field">
                <label for="contract">"Contract number"</label>
                <p class="field-hint" id="contract-hint">"A smart-entitled contract associated with your account."</p>
                <input id="contract" aria-describedby="contract-hint" prop:value=contract on:input=move |ev| { contract.set(event_target_value(&ev)); validated.set(None); }/>
            </div>
            <div class="field">
                <label for="serial">"Serial number"</label>
                <p class="field-hint" id="serial-hint">"Of a device this contract covers."</p>
                <input id="serial" aria-describedby="serial-hint" prop:value=serial on:input=move |ev| { serial.set(event_target_value(&ev)); validated.set(None); }/>
            </div>
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
            {move || validated.get().is_some().then(|| view! { <p class="success" role="status">"Validated: this contract and serial prove your entitlement."</p> })}
            <div class="actions">
                <button type="submit" class="button secondary" disabled=move || validate.pending().get()>"Validate"</button>
                <button type="button" class="button" disabled=move || validated.get().is_none() on:click=move |_| set_stage.set(validated.get())>
                    "Next"
                </button>
            </div>
        </form>
    }
}
