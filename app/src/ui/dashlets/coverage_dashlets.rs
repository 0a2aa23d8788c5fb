use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use crate::ui::whose::under_support;
use leptos::prelude::*;

use super::dashlet_readiness::report_first_answer;
use leptos_router::components::A;

use super::{
    expiring_contracts::ExpiringContracts, not_covered_reasons::NotCoveredReasons,
    status_chart::StatusChart,
};
use crate::library::load_coverage_summary;

/// The company's coverage at a glance: devices by status (a chart whose bars open the Library
/// filtered to them), why devices are not covered, and the contracts ending soonest. A company
/// with no devices yet is shown how to get them in instead of zeros.
#[component]
pub fn CoverageDashlets() -> impl IntoView {
    let summary = load(load_coverage_summary);
    report_first_answer(summary);
    view! {
        <Transition fallback=|| view! { <section class="card skeleton" aria-busy="true"><h2>"Coverage"</h2><p>"Loading…"</p></section> }>
            {move || suspend(async move {
                match summary.await {
                    Ok(summary) if summary.total() == 0 => view! {
                        <section class="card" aria-labelledby="coverage-heading">
                            <h2 id="coverage-heading">"Coverage"</h2>
                            {under_support().then(|| view! { <p class="empty-state">"No devices uploaded yet."</p> })}
                            <p class="empty-state" hidden=under_support()>
                                "No devices yet. Upload your inventory from the "
                                <A href="/uploads">"Uploads page"</A>
                                " (start from the "
                                <a href="/public/netcare-inventory-template.csv" download="netcare-inventory-template.csv">"CSV template"</a>
                                "), or let a collector send it with a token from the "
                                <A href="/collectors">"Collectors page"</A>
                                ". NetCare then shows each device's coverage and why."
                            </p>
                        </section>
                    }.into_any(),
                    Ok(summary) => view! {
                        <StatusChart by_status=summary.by_status.clone()/>
                        <NotCoveredReasons by_reason=summary.by_reason.clone()/>
                        <ExpiringContracts expiring=summary.expiring.clone() window_days=summary.expiring_window_days/>
                    }.into_any(),
                    Err(err) => view! {
                        <section class="card" aria-labelledby="coverage-heading">
                            <h2 id="coverage-heading">"Coverage"</h2>
                            <LoadError message=err.to_string() retry=move || summary.refetch()/>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
