//! `POST /api/inventory/upload`: a CSV file from the browser, for the signed-in person's company.
//! The answer is NDJSON, so the page can show rows processed while the server works:
//! `{"stage":"processing","rows":N}` lines, then one `{"stage":"done","summary":…}` or
//! `{"stage":"failed","status":…,"error":…}`.

use std::time::Duration;

use app::{
    inventory::{
        columns::parse_column_choice,
        ingest::{self, Ingested, UploadFormat, UploadRequest},
        FileProblem, UploadError, UploadMethod, UploadMode,
    },
    platform::AppState,
};
use axum::{
    body::Bytes,
    extract::{Query, Request, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{mpsc, watch};

use super::{error_body, error_response, receive_body};
use crate::own_member::OwnMember;
use crate::streaming::{channel_body, Chunk};

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    pub file_name: Option<String>,
    /// What each column holds, as chosen in the preview (`inventory::columns::parse_column_choice`).
    pub columns: Option<String>,
}

/// A file name fit to show: its last path part, without control characters, at most 200
/// characters.
pub fn display_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "upload.csv".to_owned()
    } else {
        cleaned.to_owned()
    }
}

pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    OwnMember {
        caller, membership, ..
    }: OwnMember,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let columns = match query
        .columns
        .as_deref()
        .map(parse_column_choice)
        .transpose()
    {
        Ok(columns) => columns,
        Err(problem) => {
            return error_response(&UploadError::File(FileProblem::BadColumnChoice(problem)));
        }
    };
    let company_id = membership.company_id;
    let Some(slot) = state.settings.work.upload().await else {
        return super::busy("uploads");
    };
    let file = match receive_body(&state, &company_id, &parts.headers, body).await {
        Ok(file) => file,
        Err(response) => return response,
    };
    let request = UploadRequest {
        company_id,
        method: UploadMethod::Csv,
        account_id: Some(caller.account_id),
        token_id: None,
        file_name: display_file_name(query.file_name.as_deref().unwrap_or("")),
        idempotency: None,
        format: UploadFormat::Csv,
        columns,
        // A person's file adds and updates; only a collector's whole view retires devices.
        mode: UploadMode::Merge,
        force: false,
        dry_run: false,
        client_address: None,
    };
    let (lines_tx, lines) = mpsc::channel::<Chunk>(16);
    tokio::spawn(async move {
        run_with_progress(state, request, file, lines_tx).await;
        drop(slot);
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .header(header::CACHE_CONTROL, "no-store")
        // Not compressed: a compressor would hold the progress lines back.
        .header(header::CONTENT_ENCODING, "identity")
        .body(channel_body(lines))
        .expect("static response parts are valid")
}

fn ndjson(value: serde_json::Value) -> Bytes {
    let mut text = value.to_string();
    text.push('\n');
    Bytes::from(text)
}

/// Runs the upload, reporting rows processed at most every 100 ms, then the outcome. The upload
/// runs to its end even if the browser goes away meanwhile.
async fn run_with_progress(
    state: AppState,
    request: UploadRequest,
    file: std::fs::File,
    lines: mpsc::Sender<Chunk>,
) {
    let (progress_tx, mut progress) = watch::channel(0u64);
    let mut work = tokio::spawn(async move {
        ingest::ingest(&state, request, Box::new(file), Some(progress_tx)).await
    });
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let mut last_sent = 0u64;
    let outcome = loop {
        tokio::select! {
            outcome = &mut work => break outcome,
            _ = ticker.tick() => {
                let rows = *progress.borrow_and_update();
                if rows != last_sent {
                    last_sent = rows;
                    let _ = lines.send(Ok(ndjson(json!({"stage": "processing", "rows": rows})))).await;
                }
            }
        }
    };
    let line = match outcome {
        Ok(Ok(Ingested::Landed(summary) | Ingested::Replayed(summary))) => {
            json!({"stage": "done", "summary": summary})
        }
        Ok(Err(err)) => failed(&err),
        Err(join_error) => failed(&UploadError::App(app::platform::internal(join_error))),
    };
    let _ = lines.send(Ok(ndjson(line))).await;
}

fn failed(err: &UploadError) -> serde_json::Value {
    let (status, body, _) = error_body(err);
    json!({"stage": "failed", "status": status.as_u16(), "error": body})
}

#[cfg(test)]
mod tests {
    use super::display_file_name;

    #[test]
    fn file_names_are_made_safe_to_show() {
        assert_eq!(display_file_name("inventory.csv"), "inventory.csv");
        assert_eq!(display_file_name("../../x.csv"), "x.csv");
        assert_eq!(display_file_name("C:\\Users\\me\\inv.csv"), "inv.csv");
        assert_eq!(display_file_name("a\r\nb.csv"), "ab.csv");
        assert_eq!(display_file_name(".."), "upload.csv");
        assert_eq!(display_file_name(""), "upload.csv");
        assert_eq!(display_file_name(&"x".repeat(300)).chars().count(), 200);
    }
}

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    /// As for an upload: what each column holds, as chosen in the preview.
    pub columns: Option<String>,
}

/// `POST /api/inventory/preview-workbook`: the preview of an Excel workbook (sent whole: a ZIP
/// archive cannot be read from its first bytes, as a CSV file's preview is), read as the CSV text
/// of its first sheet. Answers the same JSON as the `inventory/preview` server function; uses no
/// upload of the day.
pub async fn preview_workbook(
    State(state): State<AppState>,
    Query(query): Query<PreviewQuery>,
    OwnMember { membership, .. }: OwnMember,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let csv = match super::receive_file(&state, &parts.headers, body).await {
        Ok(csv) => csv,
        Err(refusal) => return refusal,
    };
    let sample = match tokio::task::spawn_blocking(move || csv_sample(csv)).await {
        Ok(Ok(sample)) => sample,
        Ok(Err(err)) => return error_response(&UploadError::storage(err)),
        Err(err) => return error_response(&UploadError::App(app::platform::internal(err))),
    };
    match app::inventory::preview_for(&state, &membership.company_id, &sample, query.columns).await
    {
        Ok(preview) => axum::Json(preview).into_response(),
        Err(err) => error_response(&err),
    }
}

/// The start of a CSV file for its preview, cut at a line end.
fn csv_sample(file: std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut sample = Vec::with_capacity(app::inventory::PREVIEW_BYTES);
    file.take(app::inventory::PREVIEW_BYTES as u64)
        .read_to_end(&mut sample)?;
    if sample.len() == app::inventory::PREVIEW_BYTES {
        if let Some(end) = sample.iter().rposition(|b| *b == b'\n') {
            sample.truncate(end + 1);
        }
    }
    Ok(sample)
}
