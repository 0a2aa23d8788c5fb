use crate::ui::forms::LoadError;
use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::onboarding::{decide_access_request, pending_access_requests, WaitingRequest};

/// A DA's pending access requests: grant a role, or deny with an optional reason.
#[component]
pub fn AccessRequestsPage() -> impl IntoView {
    let requests = load(pending_access_requests);
    // What the last decision did, said until the next one (the request itself leaves the list).
    let done = RwSignal::new(None::<String>);
    let decided = move |outcome: String| {
        done.set(Some(outcome));
        requests.refetch();
    };
    view! {
        <Title text="Access requests"/>
        <section class="card" aria-labelledby="requests-heading">
            <h1 id="requests-heading">"Pending access requests"</h1>
            {move || done.get().map(|text| view! { <p class="success" role="status" data-testid="decision-outcome">{text}</p> })}
            <Transition fallback=|| view! { <p aria-busy="true">"Loading requests…"</p> }>
                {move || suspend(async move {
                    match requests.await {
                        Ok(list) if list.is_empty() => view! { <p>"No requests are waiting for you."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="request-list">
                                {list.into_iter().map(|request| view! { <RequestItem request on_done=decided/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || requests.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RequestItem(
    request: WaitingRequest,
    on_done: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let role = RwSignal::new("user".to_owned());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = request.account_id;
    let person = request.full_name.clone();
    let decide = act(move |grant: &bool| {
        let grant = *grant;
        let (role, reason) = (
            if grant {
                role.get_untracked()
            } else {
                String::new()
            },
            reason.get_untracked(),
        );
        let said = outcome(&person, grant.then_some(role.as_str()), reason.trim());
        async move {
            match decide_access_request(id, role, reason).await {
                Ok(()) => on_done(said),
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    });
    let role_id = format!("role-{id}");
    let reason_id = format!("reason-{id}");
    let label = format!("Request from {}", request.full_name);
    view! {
        <li class="request" aria-label=label>
            <h2>{request.full_name.clone()}</h2>
            <dl class="facts">
                <div><dt>"Email"</dt><dd>{request.email}</dd></div>
                <div><dt>"Contract"</dt><dd>{request.contract_number}</dd></div>
                <div><dt>"Serial"</dt><dd>{request.serial_number}</dd></div>
                <div><dt>"Since"</dt><dd>{request.since.get(..16).unwrap_or_default().replace('T', " ")}</dd></div>
            </dl>
            <div class="field">
                <label for=role_id.clone()>"Role to grant"</label>
                <select id=role_id on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="user" selected>"User"</option>
                    <option value="admin">"Administrator"</option>
                    <option value="da">"Delegated Administrator"</option>
                </select>
            </div>
            <div class="field">
                <label for=reason_id.clone()>"Reason, if you deny (optional)"</label>
                <input id=reason_id prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
            </div>
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| { decide.dispatch(false); }>"Deny"</button>
                <button type="button" class="button" on:click=move |_| { decide.dispatch(true); }>"Grant"</button>
            </div>
        </li>
    }
}

/// What a DA's decision did, said back to them.
fn outcome(person: &str, granted: Option<&str>, reason: &str) -> String {
    match granted {
        Some(role) => {
            let role = match role {
                "da" => "a Delegated Administrator",
                "admin" => "an Administrator",
                _ => "a User",
            };
            format!("{person} now has access as {role}, from their next page. They were emailed.")
        }
        None if reason.is_empty() => {
            format!("You denied {person}'s request. They were emailed, without a reason.")
        }
        None => format!("You denied {person}'s request. They were emailed your reason."),
    }
}
