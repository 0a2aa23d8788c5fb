use crate::ui::forms::LoadError;
use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{
    access::{close_support, open_support, supported_companies},
    contexts::session::use_session,
    ui::inventory::format::utc_minute,
};

/// Agents: the companies that let the vendor read their data now. Opening one shows its Library
/// (read only) in this session until the grant ends; each opening is recorded for the company.
#[component]
pub fn SupportCompaniesPanel() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let open = act(|company_id: &String| open_support(company_id.clone()));
    let close = act(|_: &()| close_support());
    let companies = load(move || {
        close.version().track();
        supported_companies()
    });
    Effect::new(move |_| match open.value().get() {
        Some(Ok(())) => {
            session.refresh();
            navigate("/library", Default::default());
        }
        Some(Err(err)) => error.set(Some(err.to_string())),
        None => {}
    });
    Effect::new(move |_| {
        if close.value().get().is_some() {
            session.refresh();
        }
    });
    view! {
        <section class="card" aria-labelledby="support-companies-heading">
            <h2 id="support-companies-heading">"Support access"</h2>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }>
                {move || suspend(async move {
                    match companies.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty-state">"No company has granted support access. A company's DA or Admin grants it on their Access page."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="request-list">
                                {list.into_iter().map(|company| {
                                    let id = company.company_id.clone();
                                    view! {
                                        <li>
                                            {format!("{} ({}) until {}", company.company_name, company.company_id, utc_minute(&company.expires_at))}
                                            " "
                                            {if company.open {
                                                view! { <button type="button" class="button secondary" on:click=move |_| { close.dispatch(()); }>"Close"</button> }.into_any()
                                            } else {
                                                view! { <button type="button" class="button" aria-label=format!("Open its Library: {}", company.company_name)
                                                    on:click=move |_| { open.dispatch(id.clone()); }>"Open its Library"</button> }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || companies.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
        </section>
    }
}
