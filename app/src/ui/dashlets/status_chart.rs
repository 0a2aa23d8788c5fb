use leptos::prelude::*;

use crate::ui::library::status_label;

/// Devices by coverage status as horizontal bars, drawn in SVG. Each bar is a link to the
/// Library filtered to that status; the counts are text, so the chart reads without colour.
#[component]
pub fn StatusChart(by_status: Vec<(String, u64)>) -> impl IntoView {
    let total: u64 = by_status.iter().map(|(_, n)| n).sum();
    let largest = by_status.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    view! {
        <section class="card" aria-labelledby="coverage-heading" data-testid="coverage-chart">
            <h2 id="coverage-heading">"Coverage"</h2>
            <p>{format!("{total} devices")}</p>
            <ul class="status-bars">
                {by_status.into_iter().map(|(status, count)| {
                    let width = (count as f64 / largest as f64 * 100.0).max(if count > 0 { 1.0 } else { 0.0 });
                    let label = status_label(&status);
                    view! {
                        <li>
                            <a href=format!("/library?status={status}") aria-label=format!("{label}: {count} devices")>
                                <span class="status-bar-label">{label}</span>
                                <svg class="status-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                    <rect class=format!("bar-{status}") x="0" y="0" height="10" width=format!("{width:.1}")/>
                                </svg>
                                <span class="status-bar-count">{count}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
