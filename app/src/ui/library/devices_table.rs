use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::data_table::DataTable;

use super::{columns::Column, device_history::DeviceHistory};
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

/// One page of devices, in the columns chosen (see [`Column`]).
#[component]
pub fn DevicesTable(
    devices: Vec<DeviceRecord>,
    #[prop(into)] columns: Signal<Vec<Column>>,
) -> impl IntoView {
    move || {
        let shown = columns.get();
        let heads: Vec<&'static str> = shown.iter().map(|column| column.label()).collect();
        let rows = devices
            .iter()
            .map(|device| {
                let cells = shown
                    .iter()
                    .map(|column| view! { <td data-label=column.label()>{cell(*column, device)}</td> })
                    .collect_view();
                view! { <tr>{cells}</tr> }
            })
            .collect_view();
        // On a wide screen the table scrolls inside its region (headings in view): as many
        // columns as the person chose, words whole.
        view! {
            <div class="table-region" tabindex="0" role="region" aria-label="Devices table">
                <DataTable heads caption="Devices and their coverage" testid="devices-table">{rows}</DataTable>
            </div>
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
            // The link's text is drawn later: it owns what it shows.
            let name = identity(device);
            view! { <A href=format!("/library/devices/{}", device.id)>{name}</A> }.into_any()
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
            view! { <HistoryToggle device_id=device.id device=identity(device)/> }.into_any()
        }
    }
}

/// What names a device: its serial number, or for a phone (which has none) its MAC address.
fn identity(device: &DeviceRecord) -> String {
    if device.serial_number.is_empty() {
        device.mac_address.clone()
    } else {
        device.serial_number.clone()
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
