use leptos::prelude::*;

use crate::inventory::InventoryPreview;

/// How the start of the chosen file will be read: each column's meaning, then its first rows
/// with any problem named.
#[component]
pub fn PreviewTable(preview: InventoryPreview) -> impl IntoView {
    if let Some(problem) = preview.problem {
        return view! { <p class="form-error" role="alert" data-testid="preview-problem">{problem}</p> }.into_any();
    }
    let columns = preview.columns;
    let ignored: Vec<String> = columns
        .iter()
        .filter(|c| c.field.is_none())
        .map(|c| c.header.clone())
        .collect();
    let delimiter = format!("Read as {}-separated values.", preview.delimiter);
    view! {
        <div class="preview" data-testid="preview">
            <p>{delimiter}{(!ignored.is_empty()).then(|| format!(" Ignored columns: {}.", ignored.join(", ")))}</p>
            <div class="table-scroll">
                <table class="data-table preview-table">
                    <caption>"Preview of the first rows"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Line"</th>
                            {columns.iter().map(|c| {
                                let meaning = c.field.map_or("ignored", |f| f.label());
                                view! { <th scope="col">{c.header.clone()}<br/><span class="muted">{format!("→ {meaning}")}</span></th> }
                            }).collect_view()}
                            <th scope="col">"Check"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {preview.rows.into_iter().map(|row| {
                            let ok = row.problem.is_none();
                            view! {
                                <tr class:rejected=!ok>
                                    <td>{row.line}</td>
                                    {row.values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                                    <td>{row.problem.unwrap_or_else(|| "OK".to_owned())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }.into_any()
}
