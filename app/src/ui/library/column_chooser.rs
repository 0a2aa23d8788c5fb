use leptos::prelude::*;

use super::columns::{keep_columns, keep_compact, Column};

/// Which columns the Library shows and how dense its rows are, kept in this browser.
#[component]
pub fn ColumnChooser(columns: RwSignal<Vec<Column>>, compact: RwSignal<bool>) -> impl IntoView {
    let show = move |column: Column, shown: bool| {
        let chosen = columns.get_untracked();
        let next: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|c| {
                if *c == column {
                    shown
                } else {
                    chosen.contains(c)
                }
            })
            .collect();
        keep_columns(&next);
        columns.set(next);
    };
    let reset = move |_| {
        keep_columns(&Column::DEFAULT);
        columns.set(Column::DEFAULT.to_vec());
    };
    view! {
        <details class="column-chooser" data-testid="column-chooser">
            <summary>"Columns and density"</summary>
            <fieldset>
                <legend>"Columns to show"</legend>
                <div class="column-choices">
                    {Column::ALL.into_iter().map(|column| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || columns.get().contains(&column)
                                disabled=column == Column::Identity
                                on:change=move |ev| show(column, event_target_checked(&ev))/>
                            {column.label()}<span class="visually-hidden">" column"</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="actions">
                <label class="check">
                    <input type="checkbox" prop:checked=move || compact.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            keep_compact(on);
                            compact.set(on);
                        }/>
                    "Compact rows"
                </label>
                <button type="button" class="button secondary" on:click=reset>"Default columns"</button>
            </div>
        </details>
    }
}
