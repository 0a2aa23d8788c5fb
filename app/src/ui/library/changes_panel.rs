use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use super::devices_table::status_label;
use crate::{library::load_coverage_changes, ui::inventory::format::utc_minute};

/// What changed since the last upload: devices whose coverage moved, from what to what, and why
/// (the upload itself, a registry change, or a refresh).
#[component]
pub fn ChangesPanel() -> impl IntoView {
    let changes = load(load_coverage_changes);
    view! {
        <section class="card" aria-labelledby="changes-heading">
            <h2 id="changes-heading">"Changed since your last upload"</h2>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading changes…"</p> }>
                {move || suspend(async move {
                    match changes.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty-state">"No coverage has changed since your last upload."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="changes">
                                {list.into_iter().map(|c| {
                                    let cause = match c.cause.as_str() {
                                        "registry" => "the vendor's registry changed",
                                        "refresh" => "refreshed",
                                        _ => "uploaded",
                                    };
                                    view! { <li>{format!("{} ({}): {} → {} on {}, {cause}.", c.serial_number, c.product_id, status_label(&c.before), status_label(&c.now), utc_minute(&c.at))}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || changes.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
