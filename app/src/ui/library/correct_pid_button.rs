use leptos::prelude::*;

use super::device_page::PidActions;

/// For a device whose serial number the registry knows under another product ID: take the
/// registry's, in one click (kept for every later upload that reports the device the old way).
#[component]
pub fn CorrectPidButton(
    device_id: i64,
    /// As the company's inventory reports it.
    product_id: String,
    /// As the registry knows the serial number.
    registry_pid: String,
    actions: PidActions,
) -> impl IntoView {
    let explanation = format!(
        "NetCare then reads this device as {registry_pid} (coverage, end of life, field notices), \
         and so every later upload that reports it as {product_id}; you can undo it."
    );
    let label = format!("Correct the product ID to {registry_pid}");
    let pending = actions.correct.pending();
    view! {
        <div class="pid-correction" data-testid="correct-pid">
            <button type="button" class="button" disabled=pending
                on:click=move |_| { actions.correct.dispatch((device_id, registry_pid.clone())); }>
                {label}
            </button>
            <p class="muted">{explanation}</p>
        </div>
    }
}
