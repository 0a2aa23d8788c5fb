use crate::ui::loading::act;
use leptos::prelude::*;

use crate::{
    access::{end_support_access, grant_support_access, SupportGrant, SUPPORT_HOURS},
    ui::inventory::format::utc_minute,
};

/// Vendor support access: the company lets the vendor's agents read its inventory and coverage
/// for a few hours (never change them), and can end it at any time. Every opening is recorded.
#[component]
pub fn SupportPanel(grant: Option<SupportGrant>, on_change: Callback<()>) -> impl IntoView {
    let hours = RwSignal::new(SUPPORT_HOURS[1]);
    let error = RwSignal::new(None::<String>);
    let grant_action = act(move |_: &()| {
        let hours = hours.get_untracked();
        async move {
            match grant_support_access(hours).await {
                Ok(_) => on_change.run(()),
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    });
    let end_action = act(move |_: &()| async move {
        match end_support_access().await {
            Ok(()) => on_change.run(()),
            Err(err) => error.set(Some(err.to_string())),
        }
    });
    view! {
        <section class="card" aria-labelledby="support-heading">
            <h2 id="support-heading">"Vendor support access"</h2>
            {match grant {
                Some(grant) => view! {
                    <p role="status">{format!(
                        "The vendor's agents may read your inventory and coverage until {} (granted by {}).",
                        utc_minute(&grant.expires_at), grant.granted_by
                    )}</p>
                    <button type="button" class="button secondary" on:click=move |_| { end_action.dispatch(()); }>"End support access now"</button>
                }.into_any(),
                None => view! {
                    <p>"The vendor's agents cannot see your inventory. When you need their help, let them read it (not change it) for a while:"</p>
                    <div class="field">
                        <label for="support-hours">"For"</label>
                        <select id="support-hours" on:change=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse() { hours.set(value) }
                        }>
                            {SUPPORT_HOURS.into_iter().map(|h| view! {
                                <option value=h.to_string() selected={h == SUPPORT_HOURS[1]}>{format!("{h} hours")}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="button" class="button" on:click=move |_| { grant_action.dispatch(()); }>"Grant support access"</button>
                }.into_any(),
            }}
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
        </section>
    }
}
