use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

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
                                    view! { <li>{format!("{} ({}): {} → {} on {}, {}.", c.serial_number, c.product_id, c.before.label(), c.now.label(), utc_minute(&c.at), c.cause.label())}</li> }
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
