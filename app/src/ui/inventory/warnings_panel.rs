use leptos::prelude::*;

use crate::ui::data_table::DataTable;

use crate::{
    inventory::RowWarning,
    ui::inventory::format::{count, counted},
};

/// Devices that were accepted without an optional value they had (a malformed IP address, a
/// hostname too long…): which line, and what was left out, so the file can be fixed.
#[component]
pub fn WarningsPanel(warnings: Vec<RowWarning>, warned: u64) -> impl IntoView {
    let listed = warnings.len();
    let shown: Vec<RowWarning> = warnings.into_iter().take(20).collect();
    let heading = format!(
        "{} kept without a value",
        counted(warned, "device", "devices")
    );
    view! {
        <div class="warnings" data-testid="upload-warnings">
            <h3>{heading}</h3>
            <p class="muted">"These devices were accepted; the values named here were left out. Fix them in the file and upload it again to add them."</p>
            <DataTable heads=&["Line", "What was left out"]>
                    {shown.into_iter().map(|w| view! { <tr><td data-label="Line">{w.line}</td><td data-label="Left out">{w.message}</td></tr> }).collect_view()}
                </DataTable>
            {(listed > 20).then(|| view! { <p>{format!("…and {} more.", count(listed as u64 - 20))}</p> })}
        </div>
    }
}
