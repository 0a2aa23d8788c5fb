use leptos::prelude::*;

use crate::ui::{data_table::DataTable, library::RenewalLinks};

use crate::library::{filter::percent_encode, ExpiringContract};

/// Coverage ending soon, by contract: what ends is the contract's lines covering these devices
/// (the contract itself often runs on), with the devices one click away.
#[component]
pub fn ExpiringContracts(expiring: Vec<ExpiringContract>, window_days: u32) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="expiring-heading">
            <h2 id="expiring-heading">"Coverage ending soon"</h2>
            {if expiring.is_empty() {
                let text = format!("No device's coverage ends within the next {window_days} days.");
                view! { <p class="empty-state">{text}</p> }.into_any()
            } else {
                let intro = format!("Contract lines covering these devices end within {window_days} days; the contract itself may run on.");
                view! {
                    <p class="muted">{intro}</p>
                    <DataTable heads=&["Contract", "Service level", "Coverage ends", "Devices", "Contract ends"]>
                            {expiring.into_iter().map(|c| {
                                let devices = if c.devices == 1 { "1 device".to_owned() } else { format!("{} devices", c.devices) };
                                let link = format!("/library?status=expiring&contract={}", percent_encode(&c.contract_number));
                                let label = format!("{devices} whose coverage through {} ends soon", c.contract_number);
                                view! {
                                    <tr>
                                        <td data-label="Contract">{c.contract_number.clone()}</td>
                                        <td data-label="Service level">{c.service_level}</td>
                                        <td data-label="Coverage ends">{c.end_date}</td>
                                        <td data-label="Devices"><a href=link aria-label=label>{devices}</a></td>
                                        <td data-label="Contract ends">{c.contract_end.unwrap_or_else(|| "not listed".to_owned())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </DataTable>
                    <RenewalLinks/>
                }.into_any()
            }}
        </section>
    }
}
