use leptos::prelude::*;

/// A table's header row: one column header per name, each naming its column for screen readers.
#[component]
pub fn ColumnHeads(names: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead><tr>
            {names.iter().map(|name| view! { <th scope="col">{*name}</th> }).collect_view()}
        </tr></thead>
    }
}
