use leptos::prelude::*;

/// A table of records: a header row naming each column for screen readers (`scope="col"`), an
/// optional caption (visually hidden unless `caption_shown`) and the rows given as children; on a
/// phone the stylesheet lays each row out as a card labelled by its cells' `data-label`.
/// `head_cells`, when given, draws the header row's cells instead (headings that do something).
#[component]
pub fn DataTable(
    #[prop(optional, into)] heads: Vec<&'static str>,
    #[prop(optional, into)] head_cells: Option<ViewFn>,
    #[prop(optional, into)] caption: Option<String>,
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
                {match head_cells {
                    Some(cells) => cells.run(),
                    None => heads.into_iter().map(|name| view! { <th scope="col">{name}</th> }).collect_view().into_any(),
                }}
            </tr></thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
