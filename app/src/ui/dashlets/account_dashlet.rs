use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use super::dashlet_readiness::report_first_answer;

use crate::ui::data_table::DataTable;

use crate::access::load_account_info;

/// Account information and contract status: the company, the organisation entry, the person's
/// role, the DAs in order, and every contract the company holds with where it stands.
#[component]
pub fn AccountDashlet() -> impl IntoView {
    let info = load(load_account_info);
    report_first_answer(info);
    view! {
        <section class="card" aria-labelledby="account-heading" data-testid="account-dashlet">
            <h2 id="account-heading">"Your account"</h2>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }>
                {move || suspend(async move {
                    match info.await {
                        Ok(info) => {
                            let role = info.role.label();
                            view! {
                                <dl class="facts">
                                    <div><dt>"Company"</dt><dd>{format!("{} ({})", info.company_name, info.company_id)}</dd></div>
                                    <div><dt>"Registered under"</dt><dd>{info.org_entry}</dd></div>
                                    <div><dt>"Your role"</dt><dd>{role}</dd></div>
                                    <div><dt>"Delegated Administrators"</dt><dd>{info.delegated_admins.join(", ")}</dd></div>
                                </dl>
                                <DataTable heads=&["Contract", "Service level", "From", "Until", "Status", "Portal access"] caption="Contracts" caption_shown=true>
                                        {info.contracts.into_iter().map(|c| {
                                            let standing = match c.standing.as_str() {
                                                "active" => "Active",
                                                "expiring" => "Expiring soon",
                                                "future" => "Starts later",
                                                _ => "Expired",
                                            };
                                            view! {
                                                <tr>
                                                    <td data-label="Contract">{c.contract_number}</td>
                                                    <td data-label="Service level">{c.service_level}</td>
                                                    <td data-label="From">{c.start_date}</td>
                                                    <td data-label="Until">{c.end_date}</td>
                                                    <td data-label="Status" class=format!("status-{}", c.standing)>{standing}</td>
                                                    <td data-label="Portal access">{if c.portal_access { "Yes" } else { "No" }}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </DataTable>
                            }.into_any()
                        }
                        Err(err) => view! {
                            <LoadError message=err.to_string() retry=move || info.refetch()/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
