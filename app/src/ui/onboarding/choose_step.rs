use crate::ui::loading::act;
use leptos::prelude::*;

use super::StageSetter;
use crate::onboarding::{
    choose_organisation, go_back, none_of_the_above,
    wizard::{OrgEntry, Proof},
};

const NONE_OF_THE_ABOVE: &str = "";

/// A new company: the entry that matches the person's scope of authority, or none of them.
#[component]
pub fn ChooseStep(set_stage: StageSetter, proof: Proof, entries: Vec<OrgEntry>) -> impl IntoView {
    let choice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let submit = act(move |_: &()| {
        let picked = choice.get_untracked();
        async move {
            let result = match picked.as_deref() {
                Some(NONE_OF_THE_ABOVE) => none_of_the_above().await,
                Some(entry) => choose_organisation(entry.to_owned()).await,
                None => {
                    return error.set(Some(
                        "Choose one of the organisations, or None of the above.".into(),
                    ))
                }
            };
            match result {
                Ok(stage) => set_stage.set(Some(stage)),
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    });
    let back = act(move |_: &()| async move {
        if let Ok(stage) = go_back().await {
            set_stage.set(Some(stage));
        }
    });
    let option = move |id: String, label: String, detail: String| {
        let value = id.clone();
        view! {
            <label class="choice">
                <input type="radio" name="entry" value=id.clone() on:change=move |_| choice.set(Some(value.clone()))/>
                <span>{label}{(!detail.is_empty()).then(|| view! { <span class="choice-detail">{detail}</span> })}</span>
            </label>
        }
    };
    view! {
        <h1>"Choose your organisation"</h1>
        <p>
            "Your company is new to NetCare: you will be its Delegated Administrator. Choose the entry that matches your "
            "scope of authority: the whole organisation (first) if you manage access for all of it, or your site."
        </p>
        <p class="field-hint">"Contract " {proof.contract_number.clone()} ", serial " {proof.serial_number.clone()}</p>
        <form on:submit=move |ev| { ev.prevent_default(); submit.dispatch(()); }>
            <fieldset>
                <legend>"Organisation"</legend>
                {entries.into_iter().map(|entry| option(entry.id, entry.name, entry.address)).collect_view()}
                {option(NONE_OF_THE_ABOVE.to_owned(), "None of the above".to_owned(), "An agent will find your company with you.".to_owned())}
            </fieldset>
            <p class="field-hint">"Not your company? Go back and try another contract and serial."</p>
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| { back.dispatch(()); }>"Back"</button>
                <button type="submit" class="button" disabled=move || submit.pending().get()>"Submit"</button>
            </div>
        </form>
    }
}
