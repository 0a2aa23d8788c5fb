use crate::ui::forms::LoadError;
use crate::ui::loading::{act, load};
use leptos::prelude::*;

use super::{
    dashlet_frame::{DashletFrame, LayoutChange},
    dashlet_readiness::DashletReadiness,
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
    let change = Callback::new(move |update: LayoutChange| {
        if let Some(current) = layout.get_untracked() {
            layout.set(Some(update(current)));
            if save.pending().get_untracked() {
                dirty.set(true);
            } else {
                save.dispatch(());
            }
        }
    });
    let shown = move |id: &String| is_da || id != "requests";
    let visible = Memo::new(move |_| {
        layout.with(|current| {
            current.as_ref().map_or_else(Vec::new, |current| {
                current
                    .visible()
                    .into_iter()
                    .filter(shown)
                    .collect::<Vec<_>>()
            })
        })
    });
    let hidden = Memo::new(move |_| {
        layout.with(|current| {
            current.as_ref().map_or_else(Vec::new, |current| {
                current
                    .hidden
                    .iter()
                    .filter(|id| shown(id))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let readiness = DashletReadiness::provide(Signal::derive(move || layout.with(Option::is_some)));
    view! {
        {move || match stored.get() {
            Some(Err(err)) => view! { <LoadError message=err.to_string() retry=move || stored.refetch()/> }.into_any(),
            _ => (!readiness.shown()).then(|| view! { <p class="skeleton" aria-busy="true">"Loading your dashboard…"</p> }).into_any(),
        }}
        <div class="dashboard" hidden=move || !readiness.shown()>
            <For each=move || visible.get() key=|id| id.clone() let(id)>
                <DashletFrame id visible change/>
            </For>
            {move || {
                let hidden = hidden.get();
                (!hidden.is_empty()).then(|| view! {
                    <p class="hidden-dashlets">
                        "Hidden: "
                        {hidden.into_iter().map(|id| {
                            let name = title(&id);
                            view! {
                                <button type="button" class="button secondary" aria-label=format!("Show {name}")
                                    on:click=move |_| change.run(Box::new({ let id = id.clone(); move |l: Layout| l.with_hidden(&id, false) }))>{name}</button>
                                " "
                            }
                        }).collect_view()}
                    </p>
                })
            }}
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
        </div>
    }
}
