use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    correct_pid_button::CorrectPidButton, device_advisories::DeviceAdvisories,
    device_alert_history::DeviceAlertHistory, device_end_of_life::DeviceEndOfLife,
    device_history::DeviceHistory, device_notices::DeviceNotices,
    device_software_end_of_life::DeviceSoftwareEndOfLife, devices_table::explanation,
    pid_correction_note::PidCorrectionNote, renewal_links::RenewalLinks,
};
use crate::{
    coverage::{ReasonCode, Status},
    inventory::DeviceRecord,
    library::{
        correct_product_id, load_device, next_steps::next_steps, undo_pid_correction, LibraryError,
        PidCorrection,
    },
    ui::{inventory::format::utc_minute, loading::act, whose::under_support},
};

/// Correcting a device's product ID and undoing it: owned by the page, so what they did is still
/// said once the device is read again.
#[derive(Clone, Copy)]
pub struct PidActions {
    /// (device, the registry's product ID as shown)
    pub correct: Action<(i64, String), Result<PidCorrection, LibraryError>>,
    pub undo: Action<i64, Result<String, LibraryError>>,
}

/// Library → one device (`/library/devices/:id`): everything NetCare knows about it in one
/// place: what was uploaded, its coverage and how it changed, the security advisories affecting
/// its software, the field notices of its product, its hardware end of life, and what to do next.
#[component]
pub fn DevicePage() -> impl IntoView {
    let params = use_params_map();
    let device_id =
        Memo::new(move |_| params.get().get("id").and_then(|id| id.parse::<i64>().ok()));
    let actions = PidActions {
        correct: act(move |(id, pid): &(i64, String)| correct_product_id(*id, pid.clone())),
        undo: act(move |id: &i64| undo_pid_correction(*id)),
    };
    // Another device's page says nothing of what was done on this one.
    Effect::new(move |_| {
        device_id.track();
        actions.correct.clear();
        actions.undo.clear();
    });
    let device = load(move || {
        actions.correct.version().track();
        actions.undo.version().track();
        let id = device_id.get();
        async move {
            match id {
                Some(id) => load_device(id).await,
                None => Err(crate::library::LibraryError::DeviceNotFound),
            }
        }
    });
    view! {
        <p><A href="/library">"← All devices"</A></p>
        <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading the device…"</p> }>
            {move || suspend(async move {
                match device.await {
                    Ok(device) => view! { <DeviceDetails device actions/> }.into_any(),
                    Err(err) => view! {
                        <Title text="Device · Library"/>
                        <h1>"Device"</h1>
                        <LoadError message=err.to_string() retry=move || device.refetch()/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DeviceDetails(device: DeviceRecord, actions: PidActions) -> impl IntoView {
    let name = if device.hostname.is_empty() {
        device.serial_number.clone()
    } else {
        device.hostname.clone()
    };
    let identity = device.name().to_owned();
    let title = format!("{identity} · Library");
    let steps = next_steps(&device);
    let why = explanation(&device);
    let status = device.coverage.status;
    // Expired or expiring under a contract: the devices to renew with it, in one list.
    let renewal = matches!(status, Status::Expired | Status::Expiring)
        .then(|| device.coverage.contract_number.clone())
        .flatten()
        .map(|contract| view! { <RenewalLinks contract/> });
    // Known under another product ID: every such device, to correct the inventory in one go.
    let mismatch = (device.coverage.reason == Some(ReasonCode::PidMismatch)).then(|| {
        let correct = device
            .coverage
            .registry_product_id
            .clone()
            .filter(|_| !under_support())
            .map(|registry_pid| {
                let product_id = device.product_id.clone();
                view! { <CorrectPidButton device_id=device.id product_id registry_pid actions/> }
            });
        view! {
            {correct}
            <p class="exports" data-testid="pid-mismatches">
                "Every device whose serial number the registry knows under another product ID: "
                <A href="/library?reason=pid_mismatch">"see them"</A>
                " · download "
                <a href="/api/library/devices.csv?reason=pid_mismatch" download>"CSV"</a>
                " (its registry_product_id column holds the product ID to correct to)."
            </p>
        }
    });
    let fact = |label: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <dt>{label}</dt><dd>{value}</dd> })
    };
    let facts = view! {
        <dl class="device-facts" data-testid="device-facts">
            {fact("Serial number", device.serial_number.clone())}
            {fact("Product ID", device.product_id.clone())}
            {fact("Hostname", device.hostname.clone())}
            {fact("IP address", device.ip_address.clone())}
            {fact("MAC address", device.mac_address.clone())}
            {fact("Software type", device.software_type.clone())}
            {fact("Software version", device.software_version.clone())}
            {fact("Site", device.site.clone())}
            {fact("First uploaded", utc_minute(&device.first_seen_at))}
            {fact("Last uploaded", utc_minute(&device.last_seen_at))}
            {fact("No longer reported since", device.no_longer_seen_at.as_deref().map(utc_minute).unwrap_or_default())}
        </dl>
    };
    view! {
        <Title text=title/>
        <h1 class="device-name">{name}</h1>
        <p class="lead">{format!("{} · {}", device.product_id, identity)}</p>
        <section class="card" aria-labelledby="next-heading" data-testid="next-steps">
            <h2 id="next-heading">"What to do next"</h2>
            {move || actions.correct.value().get().map(|result| match result {
                Ok(done) => view! {
                    <p role="status" class="success">{format!(
                        "Product ID corrected to {}: coverage and alerts are decided with it, and uploads that report {} for this device are read as {}.",
                        done.corrected_product_id, done.reported_product_id, done.corrected_product_id
                    )}</p>
                }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
            {move || actions.undo.value().get().map(|result| match result {
                Ok(product_id) => view! {
                    <p role="status" class="success">{format!("Correction undone: the device is {product_id} again, as the inventory reports it.")}</p>
                }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
            <ul>{steps.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}</ul>
            {renewal}
            {mismatch}
        </section>
        <section class="card" aria-labelledby="facts-heading">
            <h2 id="facts-heading">"As uploaded"</h2>
            {facts}
            <PidCorrectionNote device_id=device.id actions/>
        </section>
        <section class="card" aria-labelledby="coverage-heading">
            <h2 id="coverage-heading">"Coverage"</h2>
            <p><span class=format!("status status-{status}")>{status.label()}</span>" "{why}</p>
            <h3>"How it changed"</h3>
            <DeviceHistory device_id=device.id/>
        </section>
        <DeviceAdvisories device_id=device.id software_type=device.software_type.clone()
            software_version=device.software_version.clone() security=device.security.clone()/>
        {device.software_end_of_life.clone().map(|software| view! { <DeviceSoftwareEndOfLife software/> })}
        <DeviceNotices device_id=device.id product_id=device.product_id.clone()/>
        <DeviceEndOfLife product_id=device.product_id.clone() end_of_life=device.hardware_end_of_life.clone()/>
        <DeviceAlertHistory device_id=device.id/>
    }
}
