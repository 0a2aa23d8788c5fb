use crate::ui::loading::act;
use leptos::{html, prelude::*};

use super::{
    format::{count, counted, file_size, percent},
    preview_table::PreviewTable,
    rejected_rows_panel::RejectedRowsPanel,
    upload_answer::UploadPhase,
    warnings_panel::WarningsPanel,
};
use crate::inventory::{
    is_workbook, preview_inventory, InventoryPreview, UploadSummary, PREVIEW_BYTES, TEMPLATE_PATH,
};

/// Importing a CSV file in the browser: pick it, see how it will be read, upload it with a real
/// progress bar (bytes sent, then rows processed), and read what happened to every row.
#[component]
pub fn CsvImportPanel(#[prop(into)] on_uploaded: Callback<()>) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let chosen = StoredValue::new_local(None::<web_sys::File>);
    let (file_label, set_file_label) = signal(None::<String>);
    let (estimated_rows, set_estimated_rows) = signal(0f64);
    let (phase, set_phase) = signal(UploadPhase::Idle);
    let (caution, set_caution) = signal(None::<String>);
    // The preview reads the file's start; `columns` is what the person chose each column to hold
    // (`None`: the company's remembered choice for this layout, or the guess from the headers).
    let preview = act(move |columns: &Option<String>| {
        let file = chosen.get_value();
        let columns = columns.clone();
        async move {
            let file = file?;
            let (sample, rows_estimate) = read_sample(&file).await;
            set_estimated_rows.set(rows_estimate);
            if is_workbook(sample.as_bytes()) {
                return Some(preview_workbook(&file, columns).await);
            }
            Some(
                preview_inventory(sample, columns)
                    .await
                    .map_err(|err| err.to_string()),
            )
        }
    });
    let on_change = move |_| {
        let file = input
            .get_untracked()
            .and_then(|el| el.files())
            .and_then(|files| files.get(0));
        set_file_label.set(
            file.as_ref()
                .map(|f| format!("{} ({})", f.name(), file_size(f.size()))),
        );
        chosen.set_value(file);
        set_phase.set(UploadPhase::Idle);
        set_caution.set(None);
        // The previous file's preview goes at once: uploading (and the checks before it) must
        // wait for this file's.
        preview.value().set(None);
        preview.dispatch(None);
    };
    let busy = move || {
        matches!(
            phase.get(),
            UploadPhase::Sending { .. } | UploadPhase::Processing { .. }
        )
    };
    let can_upload = move || {
        !busy() && matches!(preview.value().get(), Some(Some(Ok(ref p))) if p.problem.is_none())
    };
    // An upload uses one of the day's few whatever it brings: one that would be mostly rejected,
    // or the file just uploaded again, is confirmed first.
    let last_sent = StoredValue::new(None::<String>);
    let send = move || {
        set_caution.set(None);
        let columns = match preview.value().get_untracked() {
            Some(Some(Ok(p))) => p.column_choice,
            _ => return,
        };
        if let Some(file) = chosen.get_value() {
            last_sent.set_value(Some(file_identity(&file)));
            super::xhr_upload::send_inventory_file(file, &columns, set_phase);
        }
    };
    let start = move |_| {
        let Some(file) = chosen.get_value() else {
            return;
        };
        let again = last_sent.get_value() == Some(file_identity(&file));
        let warning = match preview.value().get_untracked() {
            Some(Some(Ok(p))) => upload_caution(&p, again),
            _ => None,
        };
        match warning {
            Some(warning) => set_caution.set(Some(warning)),
            None => send(),
        }
    };
    Effect::new(move |_| {
        if matches!(phase.get(), UploadPhase::Done(_)) {
            on_uploaded.run(());
        }
    });
    view! {
        <section class="card" aria-labelledby="csv-heading">
            <h2 id="csv-heading">"Import a CSV file"</h2>
            <p>
                "One device per line, with at least its serial number and product ID. Start from the "
                <a href=TEMPLATE_PATH download="netcare-inventory-template.csv" data-testid="template-link">"inventory template"</a>
                " (serial_number, product_id, hostname, ip_address, mac_address, software_type, software_version, site); "
                "common column names such as " <q>"Serial Number"</q> " or " <q>"PID"</q> " work too, "
                "separated by commas, semicolons or tabs. An Excel workbook (.xlsx) works as it is: its first sheet is read. "
                "An IP phone without a serial number needs its MAC address."
            </p>
            <div class="field">
                <label for="inventory-file">"Inventory file (CSV)"</label>
                <input id="inventory-file" type="file" node_ref=input on:change=on_change
                    accept=".csv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
            </div>
            {move || preview.value().get().flatten().map(|result| match result {
                Ok(shown) => view! {
                    <PreviewTable preview=shown on_choose=move |columns| { preview.dispatch(Some(columns)); }/>
                }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err}</p> }.into_any(),
            })}
            <button type="button" class="button" on:click=start disabled=move || !can_upload()>
                {move || match file_label.get() { Some(label) => format!("Upload {label}"), None => "Upload".to_owned() }}
            </button>
            {move || caution.get().map(|warning| view! {
                <div class="caution" role="alert" data-testid="upload-caution">
                    <p>{warning}</p>
                    <div class="actions">
                        <button type="button" class="button" on:click=move |_| send()>"Upload anyway"</button>
                        <button type="button" class="button secondary" on:click=move |_| set_caution.set(None)>"Cancel"</button>
                    </div>
                </div>
            })}
            <div aria-live="polite">
                {move || match phase.get() {
                    UploadPhase::Idle => ().into_any(),
                    UploadPhase::Sending { sent, total } => {
                        let done = percent(sent, total);
                        view! {
                            <label class="progress-label" for="upload-progress">
                                {format!("Sending the file: {done}% ({} of {})", file_size(sent), file_size(total))}
                            </label>
                            <progress id="upload-progress" data-testid="upload-progress" max="100" value=done.to_string()></progress>
                        }.into_any()
                    }
                    UploadPhase::Processing { rows } => {
                        let done = percent(rows as f64, estimated_rows.get_untracked().max(rows as f64));
                        view! {
                            <label class="progress-label" for="upload-progress">
                                {format!("Checking rows and computing coverage: {} rows processed", count(rows))}
                            </label>
                            <progress id="upload-progress" data-testid="upload-progress" max="100" value=done.to_string()></progress>
                        }.into_any()
                    }
                    UploadPhase::Done(summary) => view! { <UploadOutcome summary=*summary/> }.into_any(),
                    UploadPhase::Failed(failure) => view! {
                        <p class="form-error" role="alert">{failure.message.clone()}</p>
                        {(!failure.rejected_rows.is_empty()).then(|| view! {
                            <RejectedRowsPanel columns=failure.columns.clone() rows=failure.rejected_rows.clone() total=failure.rejected_rows.len() as u64/>
                        })}
                    }.into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn UploadOutcome(summary: UploadSummary) -> impl IntoView {
    let c = &summary.coverage;
    let headline = format!(
        "Upload #{} of {}: {} accepted ({} new, {} updated), {} rejected.",
        summary.upload_id,
        summary.file_name,
        counted(summary.accepted, "device", "devices"),
        count(summary.added),
        count(summary.updated),
        counted(summary.rejected, "row", "rows")
    );
    let coverage = [
        ("Covered", c.covered),
        ("Expiring soon", c.expiring),
        ("Starting later", c.future),
        ("Expired", c.expired),
        ("Not covered", c.not_covered),
    ];
    let quota = format!(
        "{} of today's {} uploads used.",
        summary.quota.used, summary.quota.limit
    );
    view! {
        <div class="upload-outcome" data-testid="upload-summary">
            <p class="success" role="status">{headline}</p>
            <ul class="coverage-counts">
                {coverage.into_iter().map(|(label, n)| view! { <li>{format!("{label}: {}", count(n))}</li> }).collect_view()}
            </ul>
            <p>{quota}</p>
            {(summary.rejected > 0).then(|| view! {
                <RejectedRowsPanel columns=summary.columns.clone() rows=summary.rejected_rows.clone() total=summary.rejected/>
            })}
            {(summary.warned > 0).then(|| view! {
                <WarningsPanel warnings=summary.warnings.clone() warned=summary.warned/>
            })}
        </div>
    }
}

/// What tells one chosen file from another without reading it.
fn file_identity(file: &web_sys::File) -> String {
    // As integers: printing floats would add a lot to the browser bundle.
    format!(
        "{}|{}|{}",
        file.name(),
        file.size() as u64,
        file.last_modified() as u64
    )
}

/// Why an upload should be confirmed first, if it should: most of the previewed rows would be
/// rejected, or the same file was just uploaded from this page.
fn upload_caution(preview: &InventoryPreview, uploaded_just_now: bool) -> Option<String> {
    let shown = preview.rows.len();
    let rejected = preview.rows.iter().filter(|r| r.problem.is_some()).count();
    if shown > 0 && rejected * 2 > shown {
        return Some(format!(
            "{rejected} of the first {shown} rows will be rejected, and the upload still counts as one of today's. Upload anyway?"
        ));
    }
    uploaded_just_now.then(|| {
        "You uploaded this file a moment ago: uploading it again uses another of today's uploads. Upload it again?".to_owned()
    })
}

/// The preview of a workbook, read by the server from the whole file (its first sheet).
async fn preview_workbook(
    file: &web_sys::File,
    columns: Option<String>,
) -> Result<InventoryPreview, String> {
    let query = columns.map_or(String::new(), |columns| {
        let columns: String = web_sys::js_sys::encode_uri_component(&columns).into();
        format!("?columns={columns}")
    });
    let url = format!("/api/inventory/preview-workbook{query}");
    let (status, text) = super::xhr_upload::post_file(&url, file).await;
    if status == 200 {
        // from_slice, as the server functions decode: one copy of the decoder in the bundle.
        return serde_json::from_slice(text.as_bytes())
            .map_err(|_| "The preview could not be read.".to_owned());
    }
    match super::upload_answer::refusal(status, &text) {
        UploadPhase::Failed(failure) => Err(failure.message),
        _ => Err("The preview failed. Try again.".to_owned()),
    }
}

/// The file's first bytes (cut at a line end) for the preview, and the number of rows the whole
/// file probably has (from the sample's line length), for the progress bar.
async fn read_sample(file: &web_sys::File) -> (String, f64) {
    let size = file.size();
    let Ok(blob) = file.slice_with_f64_and_f64(0.0, PREVIEW_BYTES as f64) else {
        return (String::new(), 0.0);
    };
    let text = wasm_bindgen_futures::JsFuture::from(blob.text())
        .await
        .ok()
        .and_then(|value| value.as_string())
        .unwrap_or_default();
    let sample = if size > PREVIEW_BYTES as f64 {
        text.rfind('\n')
            .map_or(text.as_str(), |end| &text[..=end])
            .to_owned()
    } else {
        text
    };
    let lines = sample.matches('\n').count().max(1) as f64;
    let estimate = (size / sample.len().max(1) as f64 * lines - 1.0).max(1.0);
    (sample, estimate)
}
