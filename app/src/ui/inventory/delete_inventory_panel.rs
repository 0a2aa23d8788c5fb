use crate::ui::loading::act;
use leptos::prelude::*;

use crate::{inventory::delete_inventory, ui::inventory::format::count};

/// Removing every device of the company (DA and Admin), confirmed by typing DELETE. The upload
/// history stays.
#[component]
pub fn DeleteInventoryPanel(#[prop(into)] on_deleted: Callback<()>) -> impl IntoView {
    let (confirmation, set_confirmation) = signal(String::new());
    let delete = act(move |_: &()| delete_inventory(confirmation.get_untracked()));
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(_))) {
            set_confirmation.set(String::new());
            on_deleted.run(());
        }
    });
    view! {
        <section class="card danger-zone" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete the inventory"</h2>
            <p>"Removes every device of your company from NetCare, with the product IDs corrected on them, for example before uploading a fresh inventory. The upload history is kept."</p>
            <form on:submit=move |ev| { ev.prevent_default(); delete.dispatch(()); }>
                <div class="field">
                    <label for="delete-confirmation">"Type DELETE to confirm"</label>
                    <input id="delete-confirmation" type="text" autocomplete="off" prop:value=confirmation
                        on:input=move |ev| set_confirmation.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button danger" disabled=move || confirmation.get().trim() != "DELETE" || delete.pending().get()>
                    "Delete all devices"
                </button>
            </form>
            {move || delete.value().get().map(|result| match result {
                Ok(n) => view! { <p role="status">{format!("{} devices deleted.", count(n))}</p> }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}
