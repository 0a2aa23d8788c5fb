use leptos::prelude::*;

use crate::ui::data_table::DataTable;

use crate::library::ExpiringContract;

/// Contracts whose lines covering the company's devices end soonest (within the expiring window).
#[component]
pub fn ExpiringContracts(expiring: Vec<ExpiringContract>, window_days: u32) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="expiring-heading">
            <h2 id="expiring-heading">"Contracts expiring soon"</h2>
            {if expiring.is_empty() {
                let text = format!("No device's coverage ends within the next {window_days} days.");
                view! { <p class="empty-state">{text}</p> }.into_any()
            } else {
                view! {
                    <DataTable heads=&["Contract", "Service level", "Ends", "Devices"]>
                            {expiring.into_iter().map(|c| view! {
                                <tr>
                                    <td data-label="Contract"><a href=format!("/library?contract={}", c.contract_number)>{c.contract_number.clone()}</a></td>
                                    <td data-label="Service level">{c.service_level}</td>
                                    <td data-label="Ends">{c.end_date}</td>
                                    <td data-label="Devices">{c.devices}</td>
                                </tr>
                            }).collect_view()}
                        </DataTable>
                }.into_any()
            }}
        </section>
    }
}
