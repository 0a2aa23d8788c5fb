use leptos::prelude::*;

use crate::ui::data_table::DataTable;

use crate::{access::RoleEvent, ui::inventory::format::utc_minute};

/// Every change of access, latest first: who, what, by whom, when.
#[component]
pub fn RoleHistory(events: Vec<RoleEvent>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">"Changes of access"</h2>
            {if events.is_empty() {
                view! { <p class="empty-state">"No changes yet."</p> }.into_any()
            } else {
                view! {
                    <DataTable heads=&["When", "Person", "Change", "By"]>
                            {events.into_iter().map(|event| view! {
                                <tr>
                                    <td data-label="When">{utc_minute(&event.at)}</td>
                                    <td data-label="Person">{if event.person.is_empty() { "—".to_owned() } else { event.person }}</td>
                                    <td data-label="Change">{event.change}</td>
                                    <td data-label="By">{event.actor}</td>
                                </tr>
                            }).collect_view()}
                        </DataTable>
                }.into_any()
            }}
        </section>
    }
}
