use crate::ui::forms::LoadError;
use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;

use super::registry_import_panel::RegistryImportPanel;
use crate::onboarding::{agent_decide, agent_queue, ProvenCompany, QueueItem};

/// The agents' console: manual onboarding and assessment requests, oldest first.
#[component]
pub fn AgentConsolePage() -> impl IntoView {
    let queue = load(agent_queue);
    // What the last decision did, said until the next one.
    let done = RwSignal::new(None::<String>);
    let decided = move |outcome: String| {
        done.set(Some(outcome));
        queue.refetch();
    };
    view! {
        <Title text="Agents' console"/>
        <section class="card" aria-labelledby="queue-heading">
            <h1 id="queue-heading">"Agents' console"</h1>
            <p>"Registrations waiting for an agent: manual onboarding (the person found no matching organisation) and additional assessments."</p>
            {move || done.get().map(|text| view! { <p class="success" role="status" data-testid="agent-outcome">{text}</p> })}
            <Transition fallback=|| view! { <p aria-busy="true">"Loading the queues…"</p> }>
                {move || suspend(async move {
                    match queue.await {
                        Ok(items) if items.is_empty() => view! { <p>"Both queues are empty."</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="request-list">
                                {items.into_iter().map(|item| view! { <QueueEntry item on_done=decided/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || queue.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <crate::ui::access::SupportCompaniesPanel/>
        <RegistryImportPanel/>
    }
}

#[component]
fn QueueEntry(
    item: QueueItem,
    on_done: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let first_entry = item
        .company
        .as_ref()
        .and_then(|c| c.entries.first())
        .map(|e| e.id.clone());
    let chosen = RwSignal::new(first_entry.clone().unwrap_or_else(|| OTHER.to_owned()));
    let other = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let question = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = item.account_id;
    let decide = act(move |action: &&'static str| {
        let action = *action;
        let text = match action {
            "approve" if chosen.get_untracked() == OTHER => other.get_untracked(),
            "approve" => chosen.get_untracked(),
            "reject" => reason.get_untracked(),
            _ => question.get_untracked(),
        };
        async move {
            match agent_decide(id, action.to_owned(), text).await {
                Ok(outcome) => on_done(outcome),
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    });
    let queue = if item.assessment {
        "Additional assessment"
    } else {
        "Manual onboarding"
    };
    let label = format!("Registration of {}", item.full_name);
    let name = item.full_name.clone();
    let field = |what: &str| format!("agent-{what}-{id}");
    view! {
        <li class="request" aria-label=label>
            <h2>{item.full_name.clone()} <span class="badge">{queue}</span></h2>
            <dl class="facts">
                <div><dt>"Email"</dt><dd>{item.email}</dd></div>
                {item.details.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
                <div><dt>"Waiting since"</dt><dd>{item.since.get(..16).unwrap_or_default().replace('T', " ")}</dd></div>
            </dl>
            {item.question.map(|q| view! { <p><strong>"Asked: "</strong>{q}" (waiting for the answer)"</p> })}
            {item.answer.map(|a| view! { <p><strong>"Answer: "</strong>{a}</p> })}
            {item.proposal.map(|p| view! { <p class="caution" role="status">{p}</p> })}
            {item.company.clone().map(|company| view! { <CompanyContext company/> })}
            <fieldset class="field">
                <legend>{format!("Approve {name} as Delegated Administrator of")}</legend>
                {item.company.map(|company| company.entries.into_iter().map(|entry| {
                    let value = entry.id.clone();
                    let checked = Some(&value) == first_entry.as_ref();
                    view! {
                        <label class="choice">
                            <input type="radio" name=field("entry") value=value.clone() checked=checked
                                on:change=move |_| chosen.set(value.clone())/>
                            <span>{entry.name}<span class="choice-detail">{format!("{} {}", entry.id, entry.address)}</span></span>
                        </label>
                    }
                }).collect_view())}
                <label class="choice">
                    <input type="radio" name=field("entry") value=OTHER checked=first_entry.is_none()
                        on:change=move |_| chosen.set(OTHER.to_owned())/>
                    <span>"Another company or site"<span class="choice-detail">"Not the one the request proved: a second agent must approve it too."</span></span>
                </label>
                <label for=field("other") class="visually-hidden">"Id of another company or site"</label>
                <input id=field("other") placeholder="Company or site id" prop:value=other
                    on:input=move |ev| { other.set(event_target_value(&ev)); chosen.set(OTHER.to_owned()); }/>
            </fieldset>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| { decide.dispatch("approve"); }>"Approve"</button>
            </div>
            <div class="field">
                <label for=field("question")>"Question for the person (emailed to them)"</label>
                <input id=field("question") prop:value=question on:input=move |ev| question.set(event_target_value(&ev))/>
            </div>
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| { decide.dispatch("ask"); }>"Ask for information"</button>
            </div>
            <div class="field">
                <label for=field("reason")>"Reason for rejecting (emailed to them)"</label>
                <input id=field("reason") prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
            </div>
            {move || error.get().map(|t| view! { <p class="form-error" role="alert">{t}</p> })}
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| { decide.dispatch("reject"); }>"Reject"</button>
            </div>
        </li>
    }
}

/// The radio value for "another company or site".
const OTHER: &str = "other";

/// The company the request proved: who already runs it, how many people and contracts it has.
#[component]
fn CompanyContext(company: ProvenCompany) -> impl IntoView {
    let das = if company.delegated_admins.is_empty() {
        "None yet: approving makes this person its first.".to_owned()
    } else {
        format!(
            "{} (approving adds another)",
            company.delegated_admins.join(", ")
        )
    };
    view! {
        <dl class="facts" aria-label="The proven company">
            <div><dt>"Proven company"</dt><dd>{format!("{} ({})", company.name, company.id)}</dd></div>
            <div><dt>"Its DAs"</dt><dd>{das}</dd></div>
            <div><dt>"People, contracts"</dt><dd>{format!("{} with access, {} contracts", company.members, company.contracts)}</dd></div>
        </dl>
    }
}
