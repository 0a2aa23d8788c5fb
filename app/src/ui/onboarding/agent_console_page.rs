use crate::ui::forms::LoadError;
use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;

use super::registry_import_panel::RegistryImportPanel;
use crate::onboarding::{agent_decide, agent_queue, QueueItem};

/// The agents' console: manual onboarding and assessment requests, oldest first.
#[component]
pub fn AgentConsolePage() -> impl IntoView {
    let queue = load(agent_queue);
    view! {
        <Title text="Agents' console"/>
        <section class="card" aria-labelledby="queue-heading">
            <h1 id="queue-heading">"Agents' console"</h1>
            <p>"Registrations waiting for an agent: manual onboarding (the person found no matching organisation) and additional assessments."</p>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading the queues…"</p> }>
                {move || suspend(async move {
                    match queue.await {
                        Ok(items) if items.is_empty() => view! { <p>"Both queues are empty."</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="request-list">
                                {items.into_iter().map(|item| view! { <QueueEntry item on_done=move || queue.refetch()/> }).collect_view()}
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
fn QueueEntry(item: QueueItem, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = item.account_id;
    let decide = act(move |action: &&'static str| {
        let (action, text) = (action.to_string(), text.get_untracked());
        async move {
            match agent_decide(id, action, text).await {
                Ok(()) => on_done(),
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    });
    let queue = if item.assessment {
        "Additional assessment"
    } else {
        "Manual onboarding"
    };
    let input_id = format!("agent-text-{id}");
    let label = format!("Registration of {}", item.full_name);
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
            <div class="field">
                <label for=input_id.clone()>"Organisation entry to approve (company or site id), or the reason or question"</label>
                <input id=input_id prop:value=text on:input=move |ev| text.set(event_target_value(&ev))/>
            </div>
            {move || error.get().map(|t| view! { <p class="form-error" role="alert">{t}</p> })}
            <div class="actions">
                <button type="button" class="button" on:click=move |_| { decide.dispatch("approve"); }>"Approve"</button>
                <button type="button" class="button secondary" on:click=move |_| { decide.dispatch("ask"); }>"Ask for information"</button>
                <button type="button" class="button secondary" on:click=move |_| { decide.dispatch("reject"); }>"Reject"</button>
            </div>
        </li>
    }
}
