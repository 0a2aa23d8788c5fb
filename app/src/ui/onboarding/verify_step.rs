use crate::ui::loading::act;
use leptos::prelude::*;
use leptos_router::components::A;

use super::StageSetter;
use crate::onboarding::{
    check_entitlement, verify_entitlement,
    wizard::{AgentQueue, Stage},
    CheckedEntitlement,
};

/// Step 2: the profile, then a contract number and a serial number. *Validate* checks them and
/// says what *Next* will do (an additional assessment included) without saving anything; *Next*,
/// enabled only after a successful validation, commits.
#[component]
pub fn VerifyStep(set_stage: StageSetter, full_name: String, email: String) -> impl IntoView {
    let contract = RwSignal::new(String::new());
    let serial = RwSignal::new(String::new());
    let validated = RwSignal::new(None::<CheckedEntitlement>);
    let error = RwSignal::new(None::<String>);
    let validate = act(move |_: &()| {
        let (c, s) = (contract.get_untracked(), serial.get_untracked());
        async move {
            match check_entitlement(c, s).await {
                Ok(checked) => {
                    error.set(None);
                    validated.set(Some(checked));
                }
                Err(err) => {
                    validated.set(None);
                    error.set(Some(err.to_string()));
                }
            }
        }
    });
    let next = act(move |_: &()| {
        let (c, s) = (contract.get_untracked(), serial.get_untracked());
        async move {
            match verify_entitlement(c, s).await {
                Ok(stage) => set_stage.set(Some(stage)),
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
            {move || validated.get().map(|checked| what_next(&checked))}
            <div class="actions">
                <button type="submit" class="button secondary" disabled=move || validate.pending().get()>"Validate"</button>
                <button type="button" class="button" disabled=move || validated.with(Option::is_none) || next.pending().get()
                    on:click=move |_| { next.dispatch(()); }>
                    "Next"
                </button>
            </div>
        </form>
    }
}

/// What *Next* will do, said before the person commits to it.
fn what_next(checked: &CheckedEntitlement) -> impl IntoView + use<> {
    let (class, text) = match &checked.next {
        Stage::ConfirmRequest { first_da, .. } => ("success", format!(
            "Validated: this contract and serial prove your entitlement. Next: you confirm sending your access request to {first_da}, your company's Delegated Administrator."
        )),
        Stage::ChooseOrganisation { .. } => ("success",
            "Validated: this contract and serial prove your entitlement. Next: choose the part of your organisation you manage.".to_owned()),
        Stage::WaitingForAgent { queue: AgentQueue::Assessment, .. } => ("caution", format!(
            "Validated, but one of our agents must assess this registration first: {}. Next sends it to them; allow up to 24 hours. You can withdraw it while it waits.",
            checked.assessment_reasons.join("; ")
        )),
        _ => ("caution",
            "Validated. Next sends your registration to one of our agents, who finds your organisation with you; allow up to 24 hours. You can withdraw it while it waits.".to_owned()),
    };
    view! { <p class=class role="status" data-testid="what-next">{text}</p> }
}
