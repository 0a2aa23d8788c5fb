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
    // The dashlets are placed in the default layout at once, out of sight, so their data is asked
    // for beside the saved layout instead of after it (a round trip less before the dashboard
    // shows); the saved layout then moves or removes them as they are (keyed, no reload).
    let layout = RwSignal::new(Layout::default().normalised());
    let layout_known = Signal::derive(move || stored.with(|answer| matches!(answer, Some(Ok(_)))));
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(loaded)) = stored.get() {
            layout.set(loaded);
        }
    });
    // One save at a time, always of the latest layout: two quick clicks must not race, or the
    // older layout could land last.
    let dirty = RwSignal::new(false);
    let save = act(move |_: &()| async move {
        loop {
            dirty.set(false);
            if let Err(err) = save_dashboard_layout(layout.get_untracked()).await {
                error.set(Some(err.to_string()));
                return;
            }
            if !dirty.get_untracked() {
                return;
            }
        }
    });
    let change = Callback::new(move |update: LayoutChange| {
        layout.set(update(layout.get_untracked()));
        if save.pending().get_untracked() {
            dirty.set(true);
        } else {
            save.dispatch(());
        }
    });
    let shown = move |id: &String| is_da || id != "requests";
    let visible = Memo::new(move |_| {
        layout.with(|current| {
            current
                .visible()
                .into_iter()
                .filter(shown)
                .collect::<Vec<_>>()
        })
    });
    let hidden = Memo::new(move |_| {
        layout.with(|current| {
            current
                .hidden
                .iter()
                .filter(|id| shown(id))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let readiness = DashletReadiness::provide(layout_known);
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
