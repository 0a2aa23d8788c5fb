use leptos::prelude::*;

use crate::ui::data_table::DataTable;

use super::{columns::Column, device_history::DeviceHistory, selection::Selection};
use crate::{
    alerts::{milestones::date_label, AdvisoryState},
    coverage::{ReasonCode, Status},
    inventory::DeviceRecord,
    ui::inventory::format::utc_minute,
};

/// Why a device has its status, in words: the contract that decides it, or what is wrong.
pub fn explanation(device: &DeviceRecord) -> String {
    let c = &device.coverage;
    match (c.status, c.reason) {
        (_, Some(ReasonCode::PidMismatch)) => format!(
            "Serial known under PID {} (this inventory says {}): check the product ID.",
            c.registry_product_id.as_deref().unwrap_or("?"),
            device.product_id
        ),
        (_, Some(_)) => "Unknown serial number: no contract line has it.".to_owned(),
        (status, None) => {
            let contract = c.contract_number.as_deref().unwrap_or("?");
            let level = c.service_level.as_deref().unwrap_or("");
            let end = c.end_date.as_deref().unwrap_or("?");
            let start = c.start_date.as_deref().unwrap_or("?");
            match status {
                Status::Future => format!("Contract {contract} ({level}) starts on {start}."),
                Status::Expired => format!("Contract {contract} ({level}) ended on {end}."),
                _ => format!("Contract {contract} ({level}) until {end}."),
            }
        }
    }
}

/// Where the device stands in its hardware end of life, with what comes next and its
/// replacement; `None` when no bulletin lists its product.
fn end_of_life_cell(device: &DeviceRecord) -> impl IntoView {
    let hardware = match &device.hardware_end_of_life {
        None => view! { <span class="muted">"Not announced"</span> }.into_any(),
        Some(eol) => {
            let stage = eol.stage;
            let next = eol.next_milestone.as_ref().map(|next| {
                format!(
                    "Next: {} on {}.",
                    next.milestone.label(),
                    date_label(&next.date)
                )
            });
            let replacement = eol
                .replacement_product_id
                .as_ref()
                .map(|pid| format!("Replace with {pid}."));
            let bulletin = format!("Bulletin {}", eol.bulletin_number);
            view! {
                <span class=format!("eol eol-{}", stage.as_str())>{stage.label()}</span>
                <span class="cell-detail">{next}" "{replacement}</span>
                <span class="cell-detail muted">{bulletin}</span>
            }
            .into_any()
        }
    };
    // The software's train, when a bulletin covers it.
    let software = device.software_end_of_life.as_ref().map(|software| {
        let text = format!(
            "Software {} {}: {}",
            software.software_type,
            software.release_train,
            software.stage.label().to_lowercase()
        );
        view! { <span class=format!("cell-detail eol eol-{}", software.stage.as_str())>{text}</span> }
    });
    view! { {hardware} {software} }
}

/// Where the device's software stands against security advisories, and why it is not assessed.
fn security_cell(device: &DeviceRecord) -> impl IntoView {
    let security = &device.security;
    let state = security.state;
    let detail = match state {
        AdvisoryState::NotAssessed => security.reason.clone(),
        AdvisoryState::Vulnerable | AdvisoryState::PotentiallyVulnerable => {
            let count = security.vulnerable_advisories + security.potentially_vulnerable_advisories;
            let worst = security
                .highest_severity
                .map(|s| format!(", worst {}", s.label().to_lowercase()))
                .unwrap_or_default();
            let advisories = if count == 1 { "advisory" } else { "advisories" };
            Some(format!("{count} {advisories}{worst}"))
        }
        AdvisoryState::NotVulnerable => None,
    };
    view! {
        <span class=format!("advisory advisory-{}", state.as_str())>{state.label()}</span>
        <span class="cell-detail muted">{detail}</span>
    }
}

fn notices_cell(count: u32) -> impl IntoView {
    match count {
        0 => view! { <span class="muted">"None"</span> }.into_any(),
        1 => view! { <span class="notice-count">"1 notice"</span> }.into_any(),
        n => view! { <span class="notice-count">{format!("{n} notices")}</span> }.into_any(),
    }
}

/// One page of devices, in the columns chosen (see [`Column`]), each with a box to select it;
/// the headings of sortable columns order the view (`sort`: its order and whether descending).
#[component]
pub fn DevicesTable(
    devices: Vec<DeviceRecord>,
    #[prop(into)] columns: Signal<Vec<Column>>,
    sort: (&'static str, bool),
    #[prop(into)] on_sort: Callback<&'static str>,
    selection: RwSignal<Selection>,
    left_out: RwSignal<usize>,
) -> impl IntoView {
    let page_ids: Vec<i64> = devices.iter().map(|device| device.id).collect();
    let select = move |ids: &[i64], on: bool| {
        let mut not_added = 0;
        selection.update(|chosen| {
            if on {
                not_added = chosen.add(ids);
            } else {
                chosen.remove(ids);
            }
        });
        left_out.set(not_added);
    };
    let on_page = match page_ids.len() {
        1 => "Select the device on this page".to_owned(),
        n => format!("Select the {n} devices on this page"),
    };
    let whole_page = page_ids.clone();
    let select_page = view! {
        <label class="check select-page">
            <input type="checkbox" data-testid="select-page"
                prop:checked=move || selection.with(|chosen| chosen.contains_all(&page_ids))
                on:change=move |ev| select(&whole_page, event_target_checked(&ev))/>
            {on_page}
        </label>
    };
    let table = move || {
        let shown = columns.get();
        let head_cells = {
            let shown = shown.clone();
            move || {
                let heads = shown
                    .iter()
                    .map(|column| sortable_heading(*column, sort, on_sort))
                    .collect_view();
                view! { <th scope="col"><span class="visually-hidden">"Selected"</span></th> {heads} }
            }
        };
        let rows = devices
            .iter()
            .map(|device| {
                let id = device.id;
                let cells = shown
                    .iter()
                    .map(|column| view! { <td data-label=column.label()>{cell(*column, device)}</td> })
                    .collect_view();
                view! {
                    <tr>
                        <td class="select-cell">
                            <input type="checkbox" aria-label=format!("Select {}", device.name())
                                prop:checked=move || selection.with(|chosen| chosen.contains(id))
                                on:change=move |ev| select(&[id], event_target_checked(&ev))/>
                        </td>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        // On a wide screen the table scrolls inside its region (headings in view): as many
        // columns as the person chose, words whole.
        view! {
            <div class="table-region" tabindex="0" role="region" aria-label="Devices table">
                <DataTable head_cells caption="Devices and their coverage" testid="devices-table">{rows}</DataTable>
            </div>
        }
    };
    view! { {select_page} {table} }
}

/// A column's heading: for a sortable column, a button ordering the view by it (the other way
/// round when it already is), saying which way it is ordered now.
fn sortable_heading(
    column: Column,
    (current, descending): (&'static str, bool),
    on_sort: Callback<&'static str>,
) -> impl IntoView {
    let label = column.label();
    match column.sort_key() {
        None => view! { <th scope="col">{label}</th> }.into_any(),
        Some(key) => {
            let ordered = (key == current).then_some(descending);
            let aria_sort = ordered.map(|down| if down { "descending" } else { "ascending" });
            let mark = match ordered {
                Some(true) => "▼",
                Some(false) => "▲",
                None => "↕",
            };
            view! {
                <th scope="col" aria-sort=aria_sort>
                    <button type="button" class="sort-button" on:click=move |_| on_sort.run(key)>
                        {label}<span class="sort-mark" aria-hidden="true">{mark}</span>
                    </button>
                </th>
            }
            .into_any()
        }
    }
}

/// What one column says of one device.
fn cell(column: Column, device: &DeviceRecord) -> AnyView {
    let c = &device.coverage;
    let or_none = |text: &str| {
        if text.is_empty() {
            view! { <span class="muted">"None"</span> }.into_any()
        } else {
            text.to_owned().into_any()
        }
    };
    match column {
        Column::Identity => {
            // A plain link (the router still opens it in place): `<A>` would watch the address
            // for `aria-current`, three reactive nodes in each of the page's rows for nothing.
            let name = device.name().to_owned();
            view! { <a href=format!("/library/devices/{}", device.id)>{name}</a> }.into_any()
        }
        Column::ProductId => device.product_id.clone().into_any(),
        Column::Hostname => device.hostname.clone().into_any(),
        Column::IpAddress => or_none(&device.ip_address),
        Column::Software => {
            or_none(format!("{} {}", device.software_type, device.software_version).trim())
        }
        Column::Site => device.site.clone().into_any(),
        Column::Status => {
            let status = c.status;
            view! { <span class=format!("status status-{status}")>{status.label()}</span> }
                .into_any()
        }
        Column::Why => {
            let gone = device
                .no_longer_seen_at
                .as_deref()
                .map(|at| format!(" · no longer seen since {}", utc_minute(at)));
            view! { {explanation(device)}{gone} }.into_any()
        }
        Column::Contract => or_none(c.contract_number.as_deref().unwrap_or_default()),
        Column::ServiceLevel => or_none(c.service_level.as_deref().unwrap_or_default()),
        Column::CoverageEnd => {
            let left = c.days_left.map(|days| match days {
                0 => "ends today".to_owned(),
                1 => "1 day left".to_owned(),
                n => format!("{n} days left"),
            });
            view! {
                {or_none(c.end_date.as_deref().unwrap_or_default())}
                <span class="cell-detail muted">{left}</span>
            }
            .into_any()
        }
        Column::Security => security_cell(device).into_any(),
        Column::FieldNotices => notices_cell(device.field_notices).into_any(),
        Column::EndOfLife => end_of_life_cell(device).into_any(),
        Column::Computed => utc_minute(&c.computed_at).into_any(),
        Column::History => {
            view! { <HistoryToggle device_id=device.id device=device.name().to_owned()/> }
                .into_any()
        }
    }
}

/// Shows and hides one device's coverage history.
#[component]
fn HistoryToggle(device_id: i64, device: String) -> impl IntoView {
    let (open, set_open) = signal(false);
    // The name starts with the visible word (WCAG 2.5.3, label in name).
    let name = move || {
        let verb = if open.get() { "Hide" } else { "Show" };
        format!("{verb} coverage history of {device}")
    };
    view! {
        <button type="button" class="link-button" aria-expanded=move || open.get().to_string()
            aria-label=name
            on:click=move |_| set_open.update(|o| *o = !*o)>
            {move || if open.get() { "Hide" } else { "Show" }}
        </button>
        {move || open.get().then(|| view! { <DeviceHistory device_id/> })}
    }
}
