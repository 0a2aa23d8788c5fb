use leptos::prelude::*;

use crate::coverage::Status;

/// Devices by coverage status as horizontal bars, drawn in SVG. Each bar is a link to the
/// Library filtered to that status; the counts are text, so the chart reads without colour.
#[component]
pub fn StatusChart(by_status: Vec<(Status, u64)>) -> impl IntoView {
    let total: u64 = by_status.iter().map(|(_, n)| n).sum();
    let largest = by_status.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    view! {
        <section class="card" aria-labelledby="coverage-heading" data-testid="coverage-chart">
            <h2 id="coverage-heading">"Coverage"</h2>
            <p>{format!("{total} devices")}</p>
            <ul class="status-bars">
                {by_status.into_iter().map(|(status, count)| {
                    let width = bar_width(count, largest);
                    let label = status.label();
                    view! {
                        <li>
                            // The link's name is one text, "Covered 12 devices": it starts with what is
                            // shown (WCAG 2.5.3, label in name), whatever the layout does to the parts.
                            <a href=format!("/library?status={status}")>
                                <span class="visually-hidden">{format!("{label} {count} devices")}</span>
                                <span class="status-bar-label" aria-hidden="true">{label}</span>
                                <svg class="status-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                    <rect class=format!("bar-{status}") x="0" y="0" height="10" width=width/>
                                </svg>
                                <span class="status-bar-count" aria-hidden="true">{count}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A bar's length out of 100, to a tenth, against the largest count; a count above zero is never
/// shorter than 1. Integer arithmetic only: formatting floats would add a lot to the browser bundle.
fn bar_width(count: u64, largest: u64) -> String {
    let tenths = (count * 1000 / largest.max(1)).max(if count > 0 { 10 } else { 0 });
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::bar_width;

    #[test]
    fn bars_are_tenths_of_the_largest() {
        assert_eq!(bar_width(50, 50), "100.0");
        assert_eq!(bar_width(1, 3), "33.3");
        assert_eq!(bar_width(0, 10), "0.0");
        assert_eq!(bar_width(1, 100_000), "1.0");
        assert_eq!(bar_width(0, 0), "0.0");
    }
}
