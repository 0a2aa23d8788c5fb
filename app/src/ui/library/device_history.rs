use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use crate::{
    coverage::{device_coverage_timeline, ReasonCode},
    ui::inventory::format::utc_minute,
};

/// A device's coverage over time, fetched when opened: each period's status, contract and why,
/// from when, and what started it.
#[component]
pub fn DeviceHistory(device_id: i64) -> impl IntoView {
    let timeline = load(move || device_coverage_timeline(device_id));
    view! {
        <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading history…"</p> }>
            {move || suspend(async move {
                match timeline.await {
                    Ok(periods) => view! {
                        <ol class="timeline" data-testid="device-history">
                            {periods.into_iter().map(|p| {
                                let contract = p.contract_number.map(|c| format!(", contract {c}")).unwrap_or_default();
                                let reason = match (p.reason, p.registry_pid) {
                                    (Some(ReasonCode::PidMismatch), Some(pid)) => format!(", serial known under PID {pid}"),
                                    (Some(_), _) => ", unknown serial".to_owned(),
                                    _ => String::new(),
                                };
                                let until = p.until.map(|u| format!(" until {}", utc_minute(&u))).unwrap_or_else(|| " (now)".to_owned());
                                view! { <li>{format!("{}{contract}{reason}: from {}{until}, {}.", p.status.label(), utc_minute(&p.from), p.cause.label())}</li> }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(err) => view! { <LoadError message=err.to_string() retry=move || timeline.refetch()/> }.into_any(),
                }
            })}
        </Transition>
    }
}
