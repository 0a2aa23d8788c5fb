use leptos::prelude::*;

use crate::{
    library::{BulkCorrection, LibraryError},
    ui::inventory::format::devices,
};

/// The selection's product IDs corrected in one go: each selected device whose serial number the
/// registry knows under another product ID takes the registry's, after the person confirms; then
/// what was corrected and what was left as it was, and why.
#[component]
pub fn CorrectSelectedPids(
    /// The selected devices' ids.
    #[prop(into)]
    ids: Signal<Vec<i64>>,
    correct: Action<Vec<i64>, Result<BulkCorrection, LibraryError>>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let pending = correct.pending();
    let confirm = move |_| {
        asking.set(false);
        correct.dispatch(ids.get_untracked());
    };
    view! {
        <div class="correct-selected" data-testid="correct-selected">
            {move || if asking.get() {
                let n = ids.get().len() as u64;
                view! {
                    <p class="caution">{format!(
                        "Of the {} selected, each one whose serial number the registry knows under another product ID takes the registry's product ID, here and in later uploads; the others stay as they are. Each can be undone on its page.",
                        devices(n)
                    )}</p>
                    <p>
                        <button type="button" class="button" on:click=confirm>"Correct their product IDs"</button>
                        " "
                        <button type="button" class="button secondary" on:click=move |_| asking.set(false)>"Cancel"</button>
                    </p>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="link-button" disabled=pending
                        on:click=move |_| { correct.clear(); asking.set(true); }>
                        "Correct product IDs…"
                    </button>
                }.into_any()
            }}
            {move || correct.value().get().map(|result| match result {
                Ok(done) => view! { <Outcome done/> }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
        </div>
    }
}

/// What a correction of the selection did.
#[component]
fn Outcome(done: BulkCorrection) -> impl IntoView {
    let corrected = match done.corrected.len() {
        0 => "No product ID corrected.".to_owned(),
        n => format!("Product ID corrected on {}.", devices(n as u64)),
    };
    let left = (!done.left.is_empty()).then(|| {
        let items = done
            .left
            .into_iter()
            .map(|device| {
                let name = if device.name.is_empty() {
                    format!("Device #{}", device.device_id)
                } else {
                    device.name
                };
                view! { <li>{format!("{name}: {}", device.why)}</li> }
            })
            .collect_view();
        view! {
            <p>"Left as they were:"</p>
            <ul class="correction-left">{items}</ul>
        }
    });
    let list = done
        .corrected
        .into_iter()
        .map(|d| view! { <li>{format!("{}: {} → {}", d.name, d.from, d.to)}</li> })
        .collect_view();
    view! {
        <div role="status" data-testid="correction-outcome">
            <p class="success">{corrected}</p>
            <ul class="correction-done">{list}</ul>
            {left}
        </div>
    }
}
