use crate::ui::loading::act;
use leptos::prelude::*;

use crate::registry::{import_registry_files, ImportedFile, RegistryError};

/// The registry import from the agents' console: the same files and rules as
/// `netcare registry import` (an agent creates a company and its first site this way).
#[component]
pub fn RegistryImportPanel() -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let import = act(move |_: &()| {
        let files = input.get_untracked().and_then(|el| el.files());
        async move {
            let Some(files) = files else {
                return Err(RegistryError::NoFiles);
            };
            import_registry_files(read_files(files).await?).await
        }
    });
    view! {
        <section class="card" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import registry files"</h2>
            <p>
                "companies.csv, sites.csv, contracts.csv, contract_lines.csv and account_contracts.csv (any of them), "
                "as for " <code>"netcare registry import"</code> ". A file with a bad row is refused whole, and nothing is applied."
            </p>
            <form on:submit=move |ev| { ev.prevent_default(); import.dispatch(()); }>
                <div class="field">
                    <label for="registry-files">"Registry files"</label>
                    <input id="registry-files" type="file" accept=".csv,text/csv" multiple node_ref=input/>
                </div>
                <button type="submit" class="button" disabled=move || import.pending().get()>"Import"</button>
            </form>
            {move || import.value().get().map(|result| match result {
                Ok(files) => view! { <ImportSummary files/> }.into_any(),
                Err(RegistryError::Rejected(problems)) => view! {
                    <p class="form-error" role="alert">"The import was refused; nothing was applied:"</p>
                    <ul class="problems">
                        {problems.into_iter().map(|p| {
                            let place = match &p.column { Some(c) => format!("{} line {}, column {c}", p.file, p.line), None => format!("{} line {}", p.file, p.line) };
                            view! { <li><strong>{place}</strong>": "{p.reason}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn ImportSummary(files: Vec<ImportedFile>) -> impl IntoView {
    view! {
        <p role="status">"Imported:"</p>
        <ul>
            {files.into_iter().map(|f| view! { <li>{format!("{}: {} rows, {} new or changed", f.file, f.rows, f.changed)}</li> }).collect_view()}
        </ul>
    }
}

/// The name and text of each picked file.
async fn read_files(files: web_sys::FileList) -> Result<Vec<(String, String)>, RegistryError> {
    let mut out = Vec::new();
    for index in 0..files.length() {
        let Some(file) = files.get(index) else {
            continue;
        };
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|value| value.as_string())
            .ok_or_else(|| RegistryError::UnknownFile(file.name()))?;
        out.push((file.name(), text));
    }
    if out.is_empty() {
        return Err(RegistryError::NoFiles);
    }
    Ok(out)
}
