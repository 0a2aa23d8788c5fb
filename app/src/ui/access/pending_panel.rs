use leptos::prelude::*;
use leptos_router::components::A;

use crate::{onboarding::WaitingRequest, ui::inventory::format::utc_minute};

/// Who is waiting for access: the first DA is emailed; any DA decides.
#[component]
pub fn PendingPanel(pending: Vec<WaitingRequest>, is_da: bool) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="pending-access-heading">
            <div class="card-header">
                <h2 id="pending-access-heading">"Pending access requests"</h2>
                {is_da.then(|| view! { <A href="/access/requests">"Review requests"</A> })}
            </div>
            {if pending.is_empty() {
                view! { <p class="empty-state">"No one is waiting for access."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {pending.into_iter().map(|request| view! {
                            <li>{format!("{} ({}), since {}", request.full_name, request.email, utc_minute(&request.since))}</li>
                        }).collect_view()}
                    </ul>
                    {(!is_da).then(|| view! { <p>"A Delegated Administrator of your company decides them."</p> })}
                }.into_any()
            }}
        </section>
    }
}
