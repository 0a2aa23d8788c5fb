use crate::ui::loading::act;
use leptos::prelude::*;

use crate::{coverage::refresh_coverage, ui::inventory::format::count};

/// *Refresh coverage now* (DA and Admin): decides every device's coverage again from the registry
/// as it is this minute. Coverage also follows uploads and registry changes on its own.
#[component]
pub fn RefreshCoveragePanel(#[prop(into)] on_refreshed: Callback<()>) -> impl IntoView {
    let refresh = act(|_: &()| refresh_coverage());
    Effect::new(move |_| {
        if matches!(refresh.value().get(), Some(Ok(_))) {
            on_refreshed.run(());
        }
    });
    view! {
        <section class="card" aria-labelledby="refresh-heading">
            <h2 id="refresh-heading">"Coverage"</h2>
            <p>
                "Coverage is computed when an upload lands and again whenever the vendor's registry changes "
                "for one of your devices. To decide every device again now:"
            </p>
            <button type="button" class="button secondary" disabled=move || refresh.pending().get()
                on:click=move |_| { refresh.dispatch(()); }>
                "Refresh coverage now"
            </button>
            {move || refresh.value().get().map(|result| match result {
                Ok(done) => view! {
                    <p role="status">{format!("Coverage decided again for {} devices; {} changed.", count(done.devices), count(done.changed))}</p>
                }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}
