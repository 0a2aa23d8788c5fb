use crate::ui::loading::{act, load};
use leptos::prelude::*;

use super::{
    AccountDashlet, CoverageDashlets, EndOfLifeDashlet, FieldNoticesDashlet,
    PendingRequestsDashlet, SecurityAdvisoriesDashlet, UploadsDashlet,
};
use crate::dashboard::{load_dashboard_layout, save_dashboard_layout, title, Layout};

/// The dashlets in the person's order, each with controls to move it or hide it, and the hidden
/// ones offered back; every change is saved for the next visit. `is_da` adds access requests.
#[component]
pub fn DashboardGrid(is_da: bool) -> impl IntoView {
    let stored = load(load_dashboard_layout);
    let layout = RwSignal::new(None::<Layout>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(loaded)) = stored.get() {
            layout.set(Some(loaded));
        }
    });
    // One save at a time, always of the latest layout: two quick clicks must not race, or the
    // older layout could land last.
    let dirty = RwSignal::new(false);
    let save = act(move |_: &()| async move {
        loop {
            dirty.set(false);
            let Some(current) = layout.get_untracked() else {
                return;
            };
            if let Err(err) = save_dashboard_layout(current).await {
                error.set(Some(err.to_string()));
                return;
            }
            if !dirty.get_untracked() {
                return;
            }
        }
    });
    let change = move |update: Box<dyn FnOnce(Layout) -> Layout>| {
        if let Some(current) = layout.get_untracked() {
            layout.set(Some(update(current)));
            if save.pending().get_untracked() {
                dirty.set(true);
            } else {
                save.dispatch(());
            }
        }
    };
    let shown = move |id: &String| is_da || id != "requests";
    view! {
        {move || layout.get().map(|current| {
            let visible: Vec<String> = current.visible().into_iter().filter(shown).collect();
            let hidden: Vec<String> = current.hidden.iter().filter(|id| shown(id)).cloned().collect();
            let last = visible.len().saturating_sub(1);
            view! {
                <div class="dashboard">
                    {visible.into_iter().enumerate().map(|(place, id)| {
                        let name = title(&id);
                        let (up, down, hide) = (id.clone(), id.clone(), id.clone());
                        view! {
                            <div class="dashlet-frame" data-dashlet=id.clone()>
                                <div class="dashlet-controls" role="group" aria-label=format!("Arrange {name}")>
                                    <button type="button" class="link-button" disabled={place == 0}
                                        aria-label=format!("Move {name} up")
                                        on:click=move |_| change(Box::new({ let id = up.clone(); move |l: Layout| l.moved(&id, true) }))>"↑"</button>
                                    <button type="button" class="link-button" disabled={place == last}
                                        aria-label=format!("Move {name} down")
                                        on:click=move |_| change(Box::new({ let id = down.clone(); move |l: Layout| l.moved(&id, false) }))>"↓"</button>
                                    <button type="button" class="link-button"
                                        aria-label=format!("Hide {name}")
                                        on:click=move |_| change(Box::new({ let id = hide.clone(); move |l: Layout| l.with_hidden(&id, true) }))>"Hide"</button>
                                </div>
                                {match id.as_str() {
                                    "coverage" => view! { <CoverageDashlets/> }.into_any(),
                                    "account" => view! { <AccountDashlet/> }.into_any(),
                                    "uploads" => view! { <UploadsDashlet/> }.into_any(),
                                    "end_of_life" => view! { <EndOfLifeDashlet/> }.into_any(),
                                    "security_advisories" => view! { <SecurityAdvisoriesDashlet/> }.into_any(),
                                    "field_notices" => view! { <FieldNoticesDashlet/> }.into_any(),
                                    _ => view! { <PendingRequestsDashlet/> }.into_any(),
                                }}
                            </div>
                        }
                    }).collect_view()}
                    {(!hidden.is_empty()).then(|| view! {
                        <p class="hidden-dashlets">
                            "Hidden: "
                            {hidden.into_iter().map(|id| {
                                let name = title(&id);
                                view! {
                                    <button type="button" class="button secondary" aria-label=format!("Show {name}")
                                        on:click=move |_| change(Box::new({ let id = id.clone(); move |l: Layout| l.with_hidden(&id, false) }))>{name}</button>
                                    " "
                                }
                            }).collect_view()}
                        </p>
                    })}
                    {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
                </div>
            }
        })}
    }
}
