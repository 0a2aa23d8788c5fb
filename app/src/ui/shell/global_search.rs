use leptos::{ev, prelude::*};
use leptos_router::{
    components::A,
    hooks::{use_location, use_navigate},
};
use web_sys::wasm_bindgen::JsCast;

use crate::{
    library::{filter::percent_encode, global_search::SHORTEST, search_everything, SearchResults},
    ui::{inventory::format::devices as devices_count, loading::load},
};

const INPUT_ID: &str = "global-search";
/// How long typing pauses before the text is searched.
const PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

/// `/` anywhere but in a form field puts the cursor in the top bar's search.
pub fn focus_search_on_slash() {
    let handle = window_event_listener(ev::keydown, |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.is_content_editable()
            });
        let search = document()
            .get_element_by_id(INPUT_ID)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let (false, Some(search)) = (typing, search) {
            ev.prevent_default();
            let _ = search.focus();
        }
    });
    // The top bar lives as long as the page: the listener too.
    std::mem::forget(handle);
}

/// The top bar's search: the company's devices, contracts and (for DAs and Admins) people
/// containing the text, a few of each as links; Enter opens the Library's search.
#[component]
pub fn GlobalSearch() -> impl IntoView {
    let term = RwSignal::new(String::new());
    // What is searched: the text once typing pauses, so each keystroke is not a search.
    let asked = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        location.search.track();
        open.set(false);
    });
    let results = load(move || {
        let text = asked.get();
        async move {
            if text.trim().chars().count() < SHORTEST {
                None
            } else {
                Some(search_everything(text).await)
            }
        }
    });
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let text = term.get_untracked();
        if !text.trim().is_empty() {
            navigate(
                &format!("/library?search={}", percent_encode(text.trim())),
                Default::default(),
            );
        }
    };
    view! {
        <form class="global-search" role="search" aria-label="Search NetCare" on:submit=submit
            on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
            <label for=INPUT_ID class="visually-hidden">"Search devices, contracts and people"</label>
            <input id=INPUT_ID type="search" autocomplete="off" placeholder="Search (press /)"
                prop:value=term
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    term.set(text.clone());
                    open.set(true);
                    set_timeout(move || if term.get_untracked() == text { asked.set(text) }, PAUSE);
                }
                on:focus=move |_| open.set(true)/>
            {move || {
                let shown = open.get() && term.get().trim().chars().count() >= SHORTEST;
                shown.then(|| view! {
                    <div id="global-search-results" class="search-results" data-testid="search-results"
                        role="region" aria-label="Search results" aria-live="polite">
                        {move || match results.get().flatten() {
                            _ if asked.get() != term.get() => view! { <p class="muted">"Searching…"</p> }.into_any(),
                            None => view! { <p class="muted">"Searching…"</p> }.into_any(),
                            Some(Err(err)) => view! { <p class="form-error">{err.to_string()}</p> }.into_any(),
                            Some(Ok(found)) => view! { <Found found term=asked.get_untracked()/> }.into_any(),
                        }}
                    </div>
                })
            }}
        </form>
    }
}

/// What a search found, by kind.
#[component]
fn Found(found: SearchResults, term: String) -> impl IntoView {
    let term = term.trim().to_owned();
    let nothing = found.devices.is_empty()
        && found.contracts.is_empty()
        && found.people.as_ref().is_none_or(Vec::is_empty);
    if nothing {
        return view! { <p>{format!("Nothing matches “{term}”.")}</p> }.into_any();
    }
    let all_devices = {
        let of = if found.devices_more {
            format!("more than {}", devices_count(found.devices_total))
        } else {
            devices_count(found.devices_total)
        };
        format!("All {of} in the Library")
    };
    let devices = (!found.devices.is_empty()).then(|| view! {
        <h2>"Devices"</h2>
        <ul>
            {found.devices.into_iter().map(|device| {
                let detail = [device.hostname, device.product_id, device.status.label().to_owned()]
                    .into_iter().filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" · ");
                view! {
                    <li>
                        <A href=format!("/library/devices/{}", device.id)>{device.name}</A>
                        <span class="muted">" "{detail}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p><A href=format!("/library?search={}", percent_encode(&term))>{all_devices}</A></p>
    });
    let contracts = (!found.contracts.is_empty()).then(|| {
        let more = (found.contracts_total > found.contracts.len())
            .then(|| view! { <p><A href="/library/contracts">{format!("All {} matching contracts", found.contracts_total)}</A></p> });
        view! {
            <h2>"Contracts"</h2>
            <ul>
                {found.contracts.into_iter().map(|contract| {
                    let detail = format!("{} · {} · {}", contract.service_level, contract.standing.label(), devices_count(contract.devices));
                    view! {
                        <li>
                            <A href=format!("/library?contract={}", percent_encode(&contract.contract_number))>{contract.contract_number}</A>
                            <span class="muted">" "{detail}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {more}
        }
    });
    let people = found.people.filter(|people| !people.is_empty()).map(|people| view! {
        <h2>"People"</h2>
        <ul>
            {people.into_iter().map(|person| view! {
                <li>
                    <A href="/access">{person.full_name}</A>
                    <span class="muted">" "{format!("{} · {}", person.email, person.role.label())}</span>
                </li>
            }).collect_view()}
        </ul>
    });
    view! { {devices} {contracts} {people} }.into_any()
}
