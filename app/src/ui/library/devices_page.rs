use crate::ui::forms::LoadError;
use crate::ui::loading::{act, load, suspend};
use crate::ui::whose::whose;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
};

use super::{
    changes_panel::ChangesPanel,
    column_chooser::ColumnChooser,
    columns::{saved_columns, saved_compact},
    device_filters::DeviceFilters,
    devices_table::DevicesTable,
    saved_views_panel::SavedViewsPanel,
    selection::Selection,
    selection_bar::SelectionBar,
};
use crate::{
    library::{correct_product_ids, load_library_devices, DeviceFilter, PAGE_SIZE},
    ui::inventory::format::{count, devices as devices_count},
};

/// Library → Devices: the inventory with each device's coverage and why, filtered, searched,
/// sorted and paged on the server. The filters live in the address, so views can be bookmarked
/// and shared, and exports download exactly what is shown.
#[component]
pub fn DevicesPage() -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| {
        let params = query.get();
        DeviceFilter::from_query(|key| params.get(key))
    });
    let correct = act(move |ids: &Vec<i64>| correct_product_ids(ids.clone()));
    let devices = load(move || {
        // Read again once product IDs were corrected.
        correct.version().track();
        let (filter, offset) = current.get();
        load_library_devices(filter, offset)
    });
    let navigate = use_navigate();
    let go = Callback::new(move |(filter, offset): (DeviceFilter, u64)| {
        let query = filter.to_query(offset);
        let path = if query.is_empty() {
            "/library".to_owned()
        } else {
            format!("/library?{query}")
        };
        navigate(&path, Default::default());
    });
    let updating = RwSignal::new(false);
    let columns = RwSignal::new(saved_columns());
    let compact = RwSignal::new(saved_compact());
    // Devices selected one by one; kept while the person pages, filters and sorts.
    let selection = RwSignal::new(Selection::default());
    let left_out = RwSignal::new(0usize);
    let on_sort = Callback::new(move |key: &'static str| {
        go.run((current.get_untracked().0.sorted_by(key), 0));
    });
    view! {
        <Title text="Devices · Library"/>
        <h1>"Devices"</h1>
        <p class="lead">
            // Reactive: opening a company under support access settles the session after this page starts.
            {move || format!("Every device of {} inventory with its coverage: which contract covers it until when, or why it is not covered. ", whose())}
            <A href="/library/contracts">"See the contracts"</A> "."
        </p>
        <SavedViewsPanel current=Signal::derive(move || current.get().0) columns/>
        <DeviceFilters current=Signal::derive(move || current.get().0) on_apply=move |filter| go.run((filter, 0))/>
        <p class="exports">
            "Download this view: "
            <a href=move || format!("/api/library/devices.csv?{}", current.get().0.to_query(0)) download>"CSV"</a>
            " · "
            <a href=move || format!("/api/library/devices.xlsx?{}", current.get().0.to_query(0)) download>"Excel (XLSX)"</a>
        </p>
        <ColumnChooser columns compact/>
        <SelectionBar selection left_out current=Signal::derive(move || current.get().0) go=move |filter| go.run((filter, 0)) correct/>
        // While another page or filter loads, the current rows stay and are marked as updating.
        <div class="devices-results" class:compact=move || compact.get() aria-busy=move || updating.get().to_string()>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading devices…"</p> } set_pending=updating>
                {move || suspend(async move {
                    match devices.await {
                        Ok(page) => {
                            let (view_filter, offset) = current.get_untracked();
                            let sort = (view_filter.sort_key(), view_filter.descending);
                            let total = page.total;
                            let shown = page.devices.len() as u64;
                            let first_page = offset == 0;
                            let last_page = offset + shown >= total && !page.more;
                            let range = if total == 0 {
                                "No devices match.".to_owned()
                            } else {
                                let of = if page.more { format!("more than {}", devices_count(total)) } else { devices_count(total) };
                                format!("Showing {}–{} of {of}.", count(offset + 1), count(offset + shown))
                            };
                            view! {
                                <p role="status" data-testid="device-range">{range}</p>
                                <DevicesTable devices=page.devices columns sort on_sort selection left_out/>
                                <nav class="pager" aria-label="Pages">
                                    <button type="button" class="button secondary" disabled=first_page
                                        on:click=move |_| go.run((current.get_untracked().0, offset.saturating_sub(PAGE_SIZE)))>"Previous page"</button>
                                    <button type="button" class="button secondary" disabled=last_page
                                        on:click=move |_| go.run((current.get_untracked().0, offset + PAGE_SIZE))>"Next page"</button>
                                </nav>
                            }.into_any()
                        }
                        Err(err) => view! {
                            <LoadError message=err.to_string() retry=move || devices.refetch()/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
        <ChangesPanel/>
    }
}
