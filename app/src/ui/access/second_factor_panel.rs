use leptos::prelude::*;

use crate::{
    accounts::second_factor::{load_company_second_factor_rule, set_company_second_factor_rule},
    ui::{
        forms::LoadError,
        inventory::format::utc_minute,
        loading::{act, load, suspend},
    },
};

/// The company's two-step sign-in rule: whether every member must use it, who has not set it up
/// yet; Delegated Administrators change it.
#[component]
pub fn SecondFactorPanel(is_da: bool) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let rule = load(move || {
        changed.track();
        load_company_second_factor_rule()
    });
    let error = RwSignal::new(None::<String>);
    let set_rule = act(move |required: &bool| {
        let required = *required;
        async move {
            match set_company_second_factor_rule(required).await {
                Ok(_) => {
                    error.set(None);
                    changed.update(|n| *n += 1);
                }
                Err(err) => error.set(Some(
                    err.field("required").unwrap_or_else(|| err.to_string()),
                )),
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="two-step-rule-heading">
            <h2 id="two-step-rule-heading">"Two-step sign-in"</h2>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }>
                {move || suspend(async move {
                    match rule.await {
                        Ok(rule) => {
                            let required = rule.required_since.is_some();
                            let without = rule.members_without.len();
                            view! {
                                <p role="status" data-testid="two-step-rule">{match &rule.required_since {
                                    Some(since) => format!(
                                        "Required of every member since {} (decided by {}): whoever has not set it up is asked to before anything else.",
                                        utc_minute(since), rule.required_by
                                    ),
                                    None => "Not required: each person chooses on their profile.".to_owned(),
                                }}</p>
                                {(without > 0).then(|| view! {
                                    <p>{format!("{without} member{} without it:", if without == 1 { "" } else { "s" })}</p>
                                    <ul class="plain-list">
                                        {rule.members_without.into_iter().map(|(username, name)| view! {
                                            <li>{format!("{name} ({username})")}</li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                {is_da.then(|| view! {
                                    <button type="button" class="button secondary" on:click=move |_| { set_rule.dispatch(!required); }>
                                        {if required { "Stop requiring two-step sign-in" } else { "Require two-step sign-in of every member" }}
                                    </button>
                                })}
                            }.into_any()
                        }
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || rule.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
        </section>
    }
}
