use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use crate::registry::{load_registry_stats, RegistryStats};

/// Live counts from the registry: proves the browser → server function → database round trip.
#[component]
pub fn RegistryStatsPanel() -> impl IntoView {
    let stats = load(load_registry_stats);

    view! {
        <section class="card" aria-labelledby="registry-heading">
            <div class="card-header">
                <h2 id="registry-heading">"This NetCare's registry"</h2>
                <button type="button" class="button secondary" on:click=move |_| stats.refetch()>
                    "Refresh"
                </button>
            </div>
            <Transition fallback=|| view! { <StatsSkeleton/> }>
                {move || suspend(async move {
                    match stats.await {
                        Ok(counts) => view! { <StatsList counts/> }.into_any(),
                        Err(err) => view! {
                            <p class="error" role="alert">{err.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatsList(counts: RegistryStats) -> impl IntoView {
    let rows = [
        ("Companies", counts.companies),
        ("Sites", counts.sites),
        ("Service contracts", counts.contracts),
        ("Covered devices (contract lines)", counts.contract_lines),
        (
            "Accounts associated with contracts",
            counts.associated_accounts,
        ),
    ];
    view! {
        <dl class="stats" aria-label="Registry statistics">
            {rows.into_iter().map(|(label, value)| view! {
                <div class="stat">
                    <dt>{label}</dt>
                    <dd>{value.to_string()}</dd>
                </div>
            }).collect_view()}
        </dl>
        {counts.is_empty().then(|| view! {
            <p class="hint">"The registry is empty. Load it with " <code>"netcare registry import DIR"</code> "."</p>
        })}
    }
}

#[component]
fn StatsSkeleton() -> impl IntoView {
    view! {
        <dl class="stats skeleton" aria-busy="true" aria-label="Loading registry statistics">
            {(0..5).map(|_| view! { <div class="stat"><dt>"\u{a0}"</dt><dd>"\u{a0}"</dd></div> }).collect_view()}
        </dl>
    }
}
