//! The first rows of a long table, and a button for more: a company affected by thousands of
//! advisories gets a page that draws at once instead of thousands of rows.

use leptos::prelude::*;

use crate::ui::inventory::format::count;

/// Rows a long table draws at first, and adds at each *Show more*.
pub const ROWS_AT_ONCE: usize = 100;

/// Under a table drawing the first `shown` of its `total` rows: how many it shows, and a button
/// adding [`ROWS_AT_ONCE`] more (nothing once all are shown). `noun` names the rows (plural).
#[component]
pub fn ShowMore(
    shown: RwSignal<usize>,
    total: usize,
    noun: &'static str,
    testid: &'static str,
) -> impl IntoView {
    move || {
        let now = shown.get();
        (now < total).then(|| {
            let more = (total - now).min(ROWS_AT_ONCE);
            view! {
                <p class="show-more" data-testid=testid>
                    {format!("Showing the first {} of {} {noun}. ", count(now as u64), count(total as u64))}
                    <button type="button" class="button secondary" on:click=move |_| shown.update(|n| *n += ROWS_AT_ONCE)>
                        {format!("Show {} more {noun}", count(more as u64))}
                    </button>
                </p>
            }
        })
    }
}
