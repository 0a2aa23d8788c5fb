use leptos::prelude::*;

use crate::coverage::ReasonCode;

/// Why devices are not covered, each reason a link to those devices.
#[component]
pub fn NotCoveredReasons(by_reason: Vec<(ReasonCode, u64)>) -> impl IntoView {
    let none = by_reason.iter().all(|(_, n)| *n == 0);
    view! {
        <section class="card" aria-labelledby="reasons-heading">
            <h2 id="reasons-heading">"Not covered, by reason"</h2>
            {if none {
                view! { <p class="empty-state">"Every device is matched to a contract line."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {by_reason.into_iter().filter(|(_, n)| *n > 0).map(|(reason, count)| {
                            let label = reason.label();
                            view! {
                                <li><a href=format!("/library?status=not_covered&reason={reason}")>{format!("{label}: {count}")}</a></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
