use leptos::prelude::*;

/// A table of records: a header row naming each column for screen readers (`scope="col"`), an
/// optional caption (visually hidden unless `caption_shown`) and the rows given as children; on a
/// phone the stylesheet lays each row out as a card labelled by its cells' `data-label`.
#[component]
pub fn DataTable(
    #[prop(into)] heads: Vec<&'static str>,
    #[prop(optional)] caption: Option<&'static str>,
    #[prop(optional)] caption_shown: bool,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <table class="data-table" data-testid=testid>
            {caption.map(|text| view! {
                <caption class=(!caption_shown).then_some("visually-hidden")>{text}</caption>
            })}
            <thead><tr>
                {heads.into_iter().map(|name| view! { <th scope="col">{name}</th> }).collect_view()}
            </tr></thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
