use leptos::prelude::*;

use super::device_page::PidActions;
use crate::{
    library::load_pid_correction,
    ui::{inventory::format::utc_minute, loading::load, whose::under_support},
};

/// The product ID correction a device was given, if any: from what, to what, by whom and when,
/// with a way back for the company's own people.
#[component]
pub fn PidCorrectionNote(device_id: i64, actions: PidActions) -> impl IntoView {
    let correction = load(move || load_pid_correction(device_id));
    let pending = actions.undo.pending();
    move || {
        let Some(Ok(Some(c))) = correction.get() else {
            return ().into_any();
        };
        let text = format!(
            "Product ID corrected from {} (as the inventory reports it) to {} by {} on {}. \
             Uploads that report this device as {} are read as {}.",
            c.reported_product_id,
            c.corrected_product_id,
            c.corrected_by,
            utc_minute(&c.corrected_at),
            c.reported_product_id,
            c.corrected_product_id,
        );
        let undo = (!under_support()).then(|| {
            let label = format!("Undo: back to {}", c.reported_product_id);
            view! {
                <button type="button" class="button secondary" disabled=pending
                    on:click=move |_| { actions.undo.dispatch(device_id); }>
                    {label}
                </button>
            }
        });
        view! {
            <div class="pid-correction" data-testid="pid-correction">
                <p>{text}</p>
                {undo}
            </div>
        }
        .into_any()
    }
}
