use leptos::prelude::*;

use super::columns::{columns_text, keep_columns, parse_columns, Column};
use crate::{
    library::{
        delete_library_view, load_saved_views, save_library_view, saved_views::view_name,
        DeviceFilter, SavedView, SavedViewOutcome,
    },
    ui::loading::{act, load},
};

/// Saved views: open one (its filter and its columns), save the current view under a name
/// (replacing the person's view of that name), share it with the company, delete one's own.
#[component]
pub fn SavedViewsPanel(
    #[prop(into)] current: Signal<DeviceFilter>,
    columns: RwSignal<Vec<Column>>,
) -> impl IntoView {
    let (name, set_name) = signal(String::new());
    let (shared, set_shared) = signal(false);
    let save = act(move |_: &()| {
        save_library_view(
            name.get_untracked(),
            current.get_untracked(),
            columns_text(&columns.get_untracked()),
            shared.get_untracked(),
        )
    });
    let remove = act(move |id: &i64| delete_library_view(*id));
    let views = load(move || {
        save.version().track();
        remove.version().track();
        load_saved_views()
    });
    let confirming = RwSignal::new(None::<i64>);
    let listed = move || views.get().and_then(Result::ok).unwrap_or_default();
    // Saving under a name the person already used replaces that view: say so before (the name
    // as the server keeps it).
    let replaces = move || {
        let typed = view_name(&name.get()).ok()?;
        listed()
            .into_iter()
            .any(|view| view.yours && view.name == typed)
            .then(|| format!("You have a view named “{typed}”: saving replaces it."))
    };
    let open = move |view: &SavedView| {
        // No columns kept is the default set.
        let chosen = parse_columns(Some(&view.columns));
        keep_columns(&chosen);
        columns.set(chosen);
    };
    let row = move |view: SavedView| {
        let href = if view.query.is_empty() {
            "/library".to_owned()
        } else {
            format!("/library?{}", view.query)
        };
        let shown = {
            let query = view.query.clone();
            move || current.get().to_query(0) == query
        };
        let whose = match (view.yours, view.shared) {
            (true, true) => "yours, shared with your company".to_owned(),
            (true, false) => "only you see it".to_owned(),
            (false, _) => format!("shared by {}", view.owner),
        };
        let id = view.id;
        let label = view.name.clone();
        let opened = view.clone();
        let delete = view.yours.then(|| {
            let label = label.clone();
            view! {
                {move || if confirming.get() == Some(id) {
                    view! {
                        <span class="confirm-delete">
                            {format!("Delete “{label}”{}? ", if view.shared { " for everyone" } else { "" })}
                            <button type="button" class="button danger" on:click=move |_| { confirming.set(None); remove.dispatch(id); }>"Delete view"</button>
                            <button type="button" class="button secondary" on:click=move |_| confirming.set(None)>"Keep it"</button>
                        </span>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="link-button" aria-label=format!("Delete view {label}")
                            on:click=move |_| confirming.set(Some(id))>"Delete"</button>
                    }.into_any()
                }}
            }
        });
        view! {
            <li>
                <a href=href aria-current=move || shown().then_some("page") on:click=move |_| open(&opened)>{view.name}</a>
                <span class="muted">" · "{whose}</span>
                " "{delete}
            </li>
        }
    };
    view! {
        <section class="saved-views" aria-labelledby="saved-views-heading" data-testid="saved-views">
            <h2 id="saved-views-heading">"Saved views"</h2>
            {move || {
                let list = listed();
                if list.is_empty() {
                    view! { <p class="muted">"None yet: filter and choose columns below, then save the view to come back to it in one click."</p> }.into_any()
                } else {
                    view! { <ul class="saved-view-list">{list.into_iter().map(row).collect_view()}</ul> }.into_any()
                }
            }}
            <details class="save-view">
                <summary>"Save this view"</summary>
                <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                    <div class="field">
                        <label for="view-name">"Name of the view"</label>
                        <input id="view-name" type="text" maxlength="80" required autocomplete="off"
                            prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
                    </div>
                    <label class="check">
                        <input type="checkbox" prop:checked=shared on:change=move |ev| set_shared.set(event_target_checked(&ev))/>
                        "Share with everyone in your company"
                    </label>
                    <p class="muted">"Saves the filters, the order and the columns shown now."</p>
                    {move || replaces().map(|text| view! { <p class="caution">{text}</p> })}
                    <button type="submit" class="button" disabled=move || save.pending().get()>"Save view"</button>
                </form>
            </details>
            {move || save.value().get().map(|result| match result {
                Ok(SavedViewOutcome { view, replaced }) => {
                    let verb = if replaced { "Replaced" } else { "Saved" };
                    let audience = if view.shared { "everyone in your company sees it" } else { "only you see it" };
                    view! { <p role="status">{format!("{verb} “{}”: {audience}.", view.name)}</p> }.into_any()
                }
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
            {move || remove.value().get().map(|result| match result {
                Ok(()) => view! { <p role="status">"View deleted."</p> }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}
