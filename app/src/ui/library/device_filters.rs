use leptos::prelude::*;

use crate::{
    alerts::{AdvisoryState, EolStage, Severity},
    coverage::{ReasonCode, Status},
    library::{filter::SORTS, load_filter_choices, DeviceFilter, FilterChoices},
    ui::loading::load,
};

/// The Library's filter form: status, reason, contract, site, PID (each offering the company's
/// own values to pick from), a search inside hostnames, serials and product IDs, and the order.
#[component]
pub fn DeviceFilters(
    #[prop(into)] current: Signal<DeviceFilter>,
    #[prop(into)] on_apply: Callback<DeviceFilter>,
) -> impl IntoView {
    let draft = RwSignal::new(current.get_untracked());
    Effect::new(move |_| draft.set(current.get()));
    // The values to pick from; without them (still loading, or failed) the fields take text.
    let choices = load(load_filter_choices);
    let offered = move |pick: fn(FilterChoices) -> Vec<String>| {
        choices
            .get()
            .and_then(Result::ok)
            .map(pick)
            .unwrap_or_default()
    };
    let text_field = move |id: &'static str,
                           label: &'static str,
                           get: fn(&DeviceFilter) -> String,
                           set: fn(&mut DeviceFilter, String),
                           pick: Option<fn(FilterChoices) -> Vec<String>>| {
        let list = format!("{id}-choices");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="text" list=pick.map(|_| list.clone()) autocomplete="off"
                    prop:value=move || get(&draft.get())
                    on:input=move |ev| draft.update(|f| set(f, event_target_value(&ev)))/>
                {pick.map(|pick| view! {
                    <datalist id=list>
                        {move || offered(pick).into_iter().map(|value| view! { <option value=value/> }).collect_view()}
                    </datalist>
                })}
            </div>
        }
    };
    view! {
        <form class="filters" role="search" aria-label="Filter devices"
            on:submit=move |ev| { ev.prevent_default(); on_apply.run(draft.get_untracked()); }>
            {text_field("filter-search", "Hostname, serial or product ID contains", |f| f.search.clone(), |f, v| f.search = v, None)}
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" prop:value=move || draft.get().status.map_or("", Status::as_str)
                    on:change=move |ev| draft.update(|f| f.status = Status::parse(&event_target_value(&ev)))>
                    <option value="">"Any status"</option>
                    {Status::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-reason">"Why not covered"</label>
                <select id="filter-reason" prop:value=move || draft.get().reason.map_or("", ReasonCode::as_str)
                    on:change=move |ev| draft.update(|f| f.reason = ReasonCode::parse(&event_target_value(&ev)))>
                    <option value="">"Any reason"</option>
                    {ReasonCode::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-end-of-life">"End of life"</label>
                <select id="filter-end-of-life" prop:value=move || draft.get().end_of_life.map_or("", EolStage::as_str)
                    on:change=move |ev| draft.update(|f| f.end_of_life = EolStage::parse(&event_target_value(&ev)))>
                    <option value="">"Any"</option>
                    {EolStage::ORDER.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-software-end-of-life">"Software end of life"</label>
                <select id="filter-software-end-of-life" prop:value=move || draft.get().software_end_of_life.map_or("", EolStage::as_str)
                    on:change=move |ev| draft.update(|f| f.software_end_of_life = EolStage::parse(&event_target_value(&ev)))>
                    <option value="">"Any"</option>
                    {EolStage::ORDER.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-advisory-state">"Security advisories"</label>
                <select id="filter-advisory-state" prop:value=move || draft.get().advisory_state.map_or("", AdvisoryState::as_str)
                    on:change=move |ev| draft.update(|f| f.advisory_state = AdvisoryState::parse(&event_target_value(&ev)))>
                    <option value="">"Any"</option>
                    {AdvisoryState::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-advisory-severity">"Affected by an advisory rated"</label>
                <select id="filter-advisory-severity" prop:value=move || draft.get().advisory_severity.map_or("", Severity::as_str)
                    on:change=move |ev| draft.update(|f| f.advisory_severity = Severity::parse(&event_target_value(&ev)))>
                    <option value="">"Any"</option>
                    {Severity::WORST_FIRST.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            {text_field("filter-contract", "Contract number", |f| f.contract.clone(), |f, v| f.contract = v, Some(|c| c.contracts))}
            {text_field("filter-site", "Site", |f| f.site.clone(), |f, v| f.site = v, Some(|c| c.sites))}
            {text_field("filter-pid", "Product ID", |f| f.pid.clone(), |f, v| f.pid = v, Some(|c| c.pids))}
            {text_field("filter-bulletin", "End-of-life bulletin", |f| f.bulletin.clone(), |f, v| f.bulletin = v, None)}
            {text_field("filter-advisory", "Security advisory", |f| f.advisory.clone(), |f, v| f.advisory = v, None)}
            {text_field("filter-field-notice", "Field notice", |f| f.field_notice.clone(), |f, v| f.field_notice = v, None)}
            <div class="field">
                <label for="filter-sort">"Order by"</label>
                <select id="filter-sort" prop:value=move || draft.get().sort
                    on:change=move |ev| draft.update(|f| f.sort = event_target_value(&ev))>
                    {SORTS.iter().map(|(value, label)| {
                        let value = if *value == "serial" { "" } else { *value };
                        view! { <option value=value>{*label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field checkbox">
                <input id="filter-renewal" type="checkbox" prop:checked=move || draft.get().renewal
                    on:change=move |ev| draft.update(|f| f.renewal = event_target_checked(&ev))/>
                <label for="filter-renewal">"To renew (expired or expiring)"</label>
            </div>
            <div class="field checkbox">
                <input id="filter-descending" type="checkbox" prop:checked=move || draft.get().descending
                    on:change=move |ev| draft.update(|f| f.descending = event_target_checked(&ev))/>
                <label for="filter-descending">"Descending"</label>
            </div>
            <div class="actions">
                <button type="submit" class="button">"Show devices"</button>
                <button type="button" class="button secondary" on:click=move |_| on_apply.run(DeviceFilter::default())>"Clear"</button>
            </div>
        </form>
    }
}
