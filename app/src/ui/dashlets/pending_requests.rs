use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use super::dashlet_readiness::report_first_answer;
use leptos_router::components::A;

use crate::onboarding::pending_access_requests;

/// A DA's pending access requests: how many, the oldest few, and the way to decide them.
#[component]
pub fn PendingRequestsDashlet() -> impl IntoView {
    let requests = load(pending_access_requests);
    report_first_answer(requests);
    view! {
        <section class="card" aria-labelledby="pending-heading">
            <div class="card-header">
                <h2 id="pending-heading">"Pending access requests"</h2>
                <A href="/access/requests">"Review requests"</A>
            </div>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                {move || suspend(async move {
                    match requests.await {
                        Ok(list) if list.is_empty() => view! { <p>"No one is waiting for access."</p> }.into_any(),
                        Ok(list) => {
                            let count = list.len();
                            view! {
                                <p role="status">{format!("{count} waiting for your decision")}</p>
                                <ul>
                                    {list.into_iter().take(5).map(|r| view! { <li>{r.full_name}" ("{r.email}")"</li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || requests.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
