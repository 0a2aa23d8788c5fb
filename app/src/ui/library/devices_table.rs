use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::data_table::DataTable;

use super::device_history::DeviceHistory;
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

#[component]
pub fn DevicesTable(devices: Vec<DeviceRecord>) -> impl IntoView {
    view! {
        <DataTable heads=&["Serial number", "Product ID", "Hostname", "Site", "Status", "Why", "Security", "Field notices", "End of life", "Computed", "History"] caption="Devices and their coverage" testid="devices-table">
                {devices.into_iter().map(|device| {
                    let why = explanation(&device);
                    // A phone has no serial number: its MAC address names it.
                    let identity = if device.serial_number.is_empty() {
                        device.mac_address.clone()
                    } else {
                        device.serial_number.clone()
                    };
                    let status = device.coverage.status;
                    let link_text = identity.clone();
                    let gone = device.no_longer_seen_at.as_deref().map(|at| format!(" · no longer seen since {}", utc_minute(at)));
                    view! {
                        <tr>
                            <td data-label="Serial number"><A href=format!("/library/devices/{}", device.id)>{link_text}</A></td>
                            <td data-label="Product ID">{device.product_id.clone()}</td>
                            <td data-label="Hostname">{device.hostname.clone()}</td>
                            <td data-label="Site">{device.site.clone()}</td>
                            <td data-label="Status"><span class=format!("status status-{status}")>{status.label()}</span></td>
                            <td data-label="Why">{why}{gone}</td>
                            <td data-label="Security">{security_cell(&device)}</td>
                            <td data-label="Field notices">{notices_cell(device.field_notices)}</td>
                            <td data-label="End of life">{end_of_life_cell(&device)}</td>
                            <td data-label="Computed">{utc_minute(&device.coverage.computed_at)}</td>
                            <td data-label="History"><HistoryToggle device_id=device.id device=identity.clone()/></td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
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
