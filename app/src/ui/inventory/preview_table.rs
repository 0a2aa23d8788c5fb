use leptos::prelude::*;

use crate::inventory::{
    columns::{column_choice_text, Field},
    ColumnSource, InventoryPreview,
};

/// How the start of the chosen file will be read: what each column holds (guessed from the
/// headers, remembered from the company's last file like it, or chosen here), then its first
/// rows with any problem named. Changing a column's meaning reads the preview again with it.
#[component]
pub fn PreviewTable(
    preview: InventoryPreview,
    #[prop(into)] on_choose: Callback<String>,
) -> impl IntoView {
    let problem = preview.problem.map(|problem| {
        view! { <p class="form-error" role="alert" data-testid="preview-problem">{problem}</p> }
    });
    if preview.columns.is_empty() {
        return problem.into_any();
    }
    let columns = preview.columns;
    let fields: Vec<Option<Field>> = columns.iter().map(|c| c.field).collect();
    let ignored: Vec<String> = columns
        .iter()
        .filter(|c| c.field.is_none())
        .map(|c| c.header.clone())
        .collect();
    let delimiter = (!preview.delimiter.is_empty())
        .then(|| format!("Read as {}-separated values.", preview.delimiter));
    let source = match preview.column_source {
        ColumnSource::Guessed => "What each column holds is guessed from its name: change it below if it is wrong.",
        ColumnSource::Remembered => "What each column holds is as you chose for your last file with these columns.",
        ColumnSource::Chosen => "What each column holds is as you chose below; it is remembered for your next file like this one.",
    };
    view! {
        {problem}
        <div class="preview" data-testid="preview">
            <p>{delimiter}{(!ignored.is_empty()).then(|| format!(" Ignored columns: {}.", ignored.join(", ")))}</p>
            <p class="muted" data-testid="column-source">{source}</p>
            <div class="table-scroll">
                <table class="data-table preview-table">
                    <caption>"Preview of the first rows"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Line"</th>
                            {columns.iter().enumerate().map(|(index, c)| {
                                let meaning = c.field.map_or("ignored", |f| f.label());
                                let fields = fields.clone();
                                let choose = move |ev: leptos::ev::Event| {
                                    let mut chosen = fields.clone();
                                    chosen[index] = Field::from_column(&event_target_value(&ev));
                                    on_choose.run(column_choice_text(&chosen));
                                };
                                view! {
                                    <th scope="col">
                                        {c.header.clone()}<br/><span class="muted">{format!("→ {meaning}")}</span><br/>
                                        <ColumnSelect header=c.header.clone() field=c.field on_change=choose/>
                                    </th>
                                }
                            }).collect_view()}
                            <th scope="col">"Check"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {preview.rows.into_iter().map(|row| {
                            let ok = row.problem.is_none();
                            let warned = ok && row.warning.is_some();
                            let check = match (row.problem, row.warning) {
                                (Some(problem), _) => problem,
                                (None, Some(warning)) => format!("Kept, but {warning}"),
                                (None, None) => "OK".to_owned(),
                            };
                            view! {
                                <tr class:rejected=!ok class:warned=warned>
                                    <td>{row.line}</td>
                                    {row.values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                                    <td>{check}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }.into_any()
}

/// The choice of what one column holds.
#[component]
fn ColumnSelect(
    header: String,
    field: Option<Field>,
    on_change: impl FnMut(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let current = field.map_or("", Field::column);
    view! {
        <select class="column-choice" aria-label=format!("What column {header} holds") on:change=on_change>
            <option value="" selected=current.is_empty()>"Ignore"</option>
            {Field::ALL.into_iter().map(|f| view! {
                <option value=f.column() selected={f.column() == current}>{f.label()}</option>
            }).collect_view()}
        </select>
    }
}
