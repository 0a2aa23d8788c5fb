use crate::ui::forms::LoadError;
use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;

use super::renewal_links::RenewalLinks;
use crate::ui::data_table::DataTable;
use crate::ui::whose::{under_support, whose};
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    library::{
        add_company_contract, load_company_contracts, AddedContract, ContractStanding,
        ContractSummary, DeviceFilter,
    },
    ui::inventory::format::{count, counted},
};

/// Library → Contracts → All contracts: every contract that covers one of the company's devices
/// (appearing as uploads land), and contracts added by number to see them before any upload.
#[component]
pub fn ContractsPage() -> impl IntoView {
    let (number, set_number) = signal(String::new());
    let add = act(move |_: &()| add_company_contract(number.get_untracked()));
    let contracts = load(move || {
        add.version().track();
        load_company_contracts()
    });
    view! {
        <Title text="Contracts · Library"/>
        <h1>"All contracts"</h1>
        <p class="lead">
            {move || format!("The contracts that cover {yours} devices, with their service level, dates and how many of {yours} devices each covers. ", yours = whose())}
            <A href="/library">"See the devices"</A> "."
        </p>
        <RenewalLinks/>
        <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading contracts…"</p> }>
            {move || suspend(async move {
                match contracts.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state">"No contracts yet: they appear here as soon as an upload has devices they cover. You can also add a contract your company holds below."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <DataTable heads=&["Contract", "Site", "Service level", "Status", "Starts", "Ends", "Devices"] caption="Contracts" testid="contracts-table">
                                {list.into_iter().map(|c| {
                                    let filter = DeviceFilter { contract: c.contract_number.clone(), ..DeviceFilter::default() };
                                    let link = format!("/library?{}", filter.to_query(0));
                                    let added = c.added.then_some(" (added by number)");
                                    let site = if c.site.is_empty() { "Whole organisation".to_owned() } else { c.site.clone() };
                                    let standing = standing_text(&c);
                                    let class = match c.standing {
                                        ContractStanding::Active => "status status-covered",
                                        ContractStanding::Expiring | ContractStanding::Future => "status status-expiring",
                                        ContractStanding::Expired => "status status-expired",
                                    };
                                    view! {
                                        <tr>
                                            <td data-label="Contract">{c.contract_number.clone()}{added}</td>
                                            <td data-label="Site">{site}</td>
                                            <td data-label="Service level">{c.service_level}</td>
                                            <td data-label="Status"><span class=class>{standing}</span></td>
                                            <td data-label="Starts">{c.start_date}</td>
                                            <td data-label="Ends">{c.end_date}</td>
                                            <td data-label="Devices"><a href=link>{counted(c.devices, "device", "devices")}</a></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </DataTable>
                    }.into_any(),
                    Err(err) => view! { <LoadError message=err.to_string() retry=move || contracts.refetch()/> }.into_any(),
                }
            })}
        </Transition>
        // Support access reads only: no adding.
        <section class="card" aria-labelledby="add-contract-heading" hidden=under_support>
            <h2 id="add-contract-heading">"Add a contract by number"</h2>
            <form on:submit=move |ev| { ev.prevent_default(); add.dispatch(()); }>
                <div class="field">
                    <label for="contract-number">"Contract number"</label>
                    <input id="contract-number" type="text" required prop:value=number
                        on:input=move |ev| set_number.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button" disabled=move || add.pending().get()>"Add contract"</button>
            </form>
            {move || add.value().get().map(|result| match result {
                Ok(added) => view! { <p role="status" data-testid="contract-added">{added_text(&added)}</p> }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

/// A contract's standing in words, with the days left while it runs.
fn standing_text(contract: &ContractSummary) -> String {
    let label = contract.standing.label();
    match (contract.standing, contract.days_left) {
        (_, Some(0)) => format!("{label}: ends today"),
        (_, Some(days)) => format!("{label}: {} left", counted(days as u64, "day", "days")),
        (ContractStanding::Expired, None) => format!("{label} on {}", contract.end_date),
        (ContractStanding::Future, None) => format!("{label}: starts on {}", contract.start_date),
        (_, None) => label.to_owned(),
    }
}

/// What adding a contract did, and where to see it.
fn added_text(added: &AddedContract) -> String {
    let c = &added.contract;
    if added.already_listed {
        return format!(
            "Contract {} is already in the list above.",
            c.contract_number
        );
    }
    let devices = match c.devices {
        0 => "none of your uploaded devices yet".to_owned(),
        n => format!("{} of your devices", count(n)),
    };
    format!(
        "Contract {} added: it is in the list above ({}, {}), covering {devices}.",
        c.contract_number,
        c.service_level,
        standing_text(c).to_ascii_lowercase()
    )
}
