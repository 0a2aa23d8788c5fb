use leptos::prelude::*;

use super::{correct_selected_pids::CorrectSelectedPids, selection::Selection};
use crate::{
    library::{filter::MAX_SELECTED, BulkCorrection, DeviceFilter, LibraryError},
    ui::{
        inventory::format::{count, devices},
        whose::under_support,
    },
};

/// The devices selected one by one, and what can be done with them: download just those, show
/// only them, or clear the selection. Also says when the view shows a selection, not a filter.
#[component]
pub fn SelectionBar(
    selection: RwSignal<Selection>,
    /// How many devices the last selection could not add (there is a limit).
    left_out: RwSignal<usize>,
    #[prop(into)] current: Signal<DeviceFilter>,
    #[prop(into)] go: Callback<DeviceFilter>,
    /// Corrects the product IDs of the selected devices (the page reads them again after).
    correct: Action<Vec<i64>, Result<BulkCorrection, LibraryError>>,
) -> impl IntoView {
    let chosen = move || current.get().only(selection.get().ids().iter().copied());
    let export =
        move |format: &str| format!("/api/library/devices.{format}?{}", chosen().to_query(0));
    let clear = move |_| {
        selection.set(Selection::default());
        left_out.set(0);
    };
    let showing_choice = move || current.get().selected_ids().is_some();
    let show_all = move |_| {
        let view = current.get_untracked();
        go.run(DeviceFilter {
            sort: view.sort,
            descending: view.descending,
            ..DeviceFilter::default()
        });
    };
    view! {
        <div class="selection-bar" data-testid="selection-bar">
            {move || showing_choice().then(|| view! {
                <p>
                    "Showing only the selected devices. "
                    <button type="button" class="link-button" on:click=show_all>"Show all devices"</button>
                </p>
            })}
            <p role="status">
                {move || {
                    let n = selection.get().len();
                    (n > 0).then(|| format!("{} selected.", devices(n as u64)))
                }}
                {move || (left_out.get() > 0).then(|| format!(
                    " At most {} devices can be selected: {} more were not added. To download more, filter the view and download it whole.",
                    count(MAX_SELECTED as u64),
                    count(left_out.get() as u64),
                ))}
            </p>
            {move || (!selection.get().is_empty()).then(|| view! {
                <p class="selection-actions">
                    "Download the selected devices: "
                    <a href=move || export("csv") download>"CSV"</a>
                    " · "
                    <a href=move || export("xlsx") download>"Excel (XLSX)"</a>
                    " · "
                    <button type="button" class="link-button" on:click=move |_| go.run(chosen())>"Show only these"</button>
                    " · "
                    <button type="button" class="link-button" on:click=clear>"Clear selection"</button>
                </p>
            })}
            {move || (!selection.get().is_empty() && !under_support()).then(|| view! {
                <CorrectSelectedPids ids=Signal::derive(move || selection.get().ids().to_vec()) correct/>
            })}
        </div>
    }
}
