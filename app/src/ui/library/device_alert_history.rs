use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use crate::{library::load_device_alert_history, ui::inventory::format::utc_minute};

/// What changed for a device's alerts over time, newest first: software changes by upload (with
/// the advisories they ended or brought), advisories and notices as published, milestones passed.
#[component]
pub fn DeviceAlertHistory(device_id: i64) -> impl IntoView {
    let history = load(move || load_device_alert_history(device_id));
    view! {
        <section class="card" aria-labelledby="alert-history-heading">
            <h2 id="alert-history-heading">"Alert history"</h2>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading the alert history…"</p> }>
                {move || suspend(async move {
                    match history.await {
                        Ok(events) if events.is_empty() => view! {
                            <p class="empty-state">"Nothing has concerned this device yet: no advisory, field notice or end-of-life milestone, and no software change."</p>
                        }.into_any(),
                        Ok(events) => view! {
                            <ol class="timeline" data-testid="device-alert-history">
                                {events.into_iter().map(|event| {
                                    // Dates stay dates; an upload's time reads like the coverage history's.
                                    let at = if event.at.len() > 10 { utc_minute(&event.at) } else { event.at.clone() };
                                    view! { <li><span class="timeline-date">{at}</span>" "{event.sentence()}</li> }
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || history.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
