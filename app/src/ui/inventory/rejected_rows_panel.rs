use leptos::prelude::*;

use crate::ui::data_table::DataTable;

use super::upload_answer::rejected_rows_csv;
use crate::{inventory::RejectedRow, ui::inventory::format::count};

/// Rows that were not accepted, with line and reason, and the download to fix them.
#[component]
pub fn RejectedRowsPanel(
    columns: Vec<String>,
    rows: Vec<RejectedRow>,
    total: u64,
) -> impl IntoView {
    let shown: Vec<RejectedRow> = rows.iter().take(20).cloned().collect();
    let listed = rows.len() as u64;
    let download = move |_| {
        let text = rejected_rows_csv(&columns, &rows);
        super::xhr_upload::download_text("rejected-rows.csv", &text, "text/csv");
    };
    view! {
        <div class="rejected" data-testid="rejected-rows">
            <h3>{format!("Rejected rows ({})", count(total))}</h3>
            <DataTable heads=&["Line", "Reason"]>
                    {shown.into_iter().map(|r| view! { <tr><td data-label="Line">{r.line}</td><td data-label="Reason">{r.reason}</td></tr> }).collect_view()}
                </DataTable>
            {(listed > 20).then(|| view! { <p>{format!("…and {} more in the download.", count(listed - 20))}</p> })}
            {(total > listed).then(|| view! { <p>{format!("The first {} rejected rows are listed.", count(listed))}</p> })}
            <button type="button" class="button secondary" on:click=download data-testid="download-rejected">
                "Download rejected rows (CSV)"
            </button>
            <p class="muted">"Fix them in the file, then upload it again: the line and reason columns are ignored."</p>
        </div>
    }
}
