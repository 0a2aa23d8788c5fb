use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    access::load_security_log,
    library::filter::percent_encode,
    security_log::{EventKind, SecurityEvent, SecurityLogFilter},
    ui::{data_table::DataTable, inventory::format::utc_minute, loading::act},
};

/// The company's security log (DAs): sign-ins, password and email changes, collector tokens,
/// access changes, support access, exports and refused uploads, newest first; filtered by kind,
/// by text and by day, a page at a time, and downloadable as CSV with the same filter.
#[component]
pub fn SecurityLogPage() -> impl IntoView {
    let kind = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    // The filter the list shows (the form's until it is applied).
    let applied = RwSignal::new(SecurityLogFilter::default());
    let events = RwSignal::new(Vec::<SecurityEvent>::new());
    let more = RwSignal::new(false);
    let retention_days = RwSignal::new(None::<u32>);
    let error = RwSignal::new(None::<String>);
    let fetch = act(move |(filter, before): &(SecurityLogFilter, Option<i64>)| {
        let (filter, before) = (filter.clone(), *before);
        async move {
            match load_security_log(filter, before).await {
                Ok(page) => {
                    if before.is_none() {
                        events.set(page.events);
                    } else {
                        events.update(|shown| shown.extend(page.events));
                    }
                    more.set(page.more);
                    retention_days.set(Some(page.retention_days));
                    error.set(None);
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    });
    fetch.dispatch((SecurityLogFilter::default(), None));
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let filter = SecurityLogFilter {
            kind: kind.get_untracked(),
            search: search.get_untracked(),
            since: since.get_untracked(),
        };
        applied.set(filter.clone());
        fetch.dispatch((filter, None));
    };
    let older = move |_| {
        let last = events.with_untracked(|shown| shown.last().map(|event| event.id));
        fetch.dispatch((applied.get_untracked(), last));
    };
    let download = move || {
        let filter = applied.get();
        let query: Vec<String> = [
            ("kind", filter.kind),
            ("search", filter.search),
            ("since", filter.since),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", percent_encode(value.trim())))
        .collect();
        format!("/api/access/security-log.csv?{}", query.join("&"))
    };
    view! {
        <Title text="Security log"/>
        <h1>"Security log"</h1>
        <p class="lead">
            "What happened to your company's accounts, access, collector tokens and data: who did it, when, and from which address. "
            {move || retention_days.get().map(|days| format!("Events are kept for {days} days."))}
        </p>
        <form class="filters" on:submit=apply>
            <label>"Kind"
                <select prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">"Every kind"</option>
                    {EventKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str()>{k.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Person or text"
                <input type="search" maxlength="200" prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/>
            </label>
            <label>"From day"
                <input type="date" prop:value=move || since.get()
                    on:input=move |ev| since.set(event_target_value(&ev))/>
            </label>
            <button type="submit" class="button">"Show"</button>
            <a class="button secondary" href=download download>"Download CSV"</a>
        </form>
        {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        <section class="card" aria-labelledby="events-heading">
            <h2 id="events-heading">"Events"</h2>
            {move || {
                let shown = events.get();
                if shown.is_empty() {
                    let text = if fetch.pending().get() { "Loading…" } else { "No event matches." };
                    view! { <p class="empty-state">{text}</p> }.into_any()
                } else {
                    view! {
                        <DataTable heads=&["When", "What", "Who", "Detail", "From"] caption="Security events, newest first">
                            {shown.into_iter().map(|event| view! {
                                <tr>
                                    <td data-label="When">{utc_minute(&event.at)}</td>
                                    <td data-label="What">{event.kind.label()}</td>
                                    <td data-label="Who">{event.actor}</td>
                                    <td data-label="Detail">{event.detail}</td>
                                    <td data-label="From">{event.client_address}</td>
                                </tr>
                            }).collect_view()}
                        </DataTable>
                    }.into_any()
                }
            }}
            <Show when=move || more.get()>
                <button type="button" class="button secondary" on:click=older>"Show older events"</button>
            </Show>
        </section>
    }
}
