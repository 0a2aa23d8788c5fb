//! The inventory's server functions and the types they exchange with the browser. The company is
//! always the signed-in person's own; no argument names one.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::FileProblem;
use super::{columns::Field, TokenScope, UploadError, UploadOverview};
#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;
#[cfg(feature = "ssr")]
use crate::security_log::{self, EventKind};

/// A collector token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub hint: String,
    pub scope: TokenScope,
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    /// The address its last upload came from.
    pub last_used_address: Option<String>,
    /// `None`: it works until revoked.
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenInfo,
    pub secret: String,
}

/// One column of a file as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewColumn {
    pub header: String,
    /// The field it is read as; `None`: ignored.
    pub field: Option<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: u64,
    pub values: Vec<String>,
    /// Why the row would be rejected, if it would.
    pub problem: Option<String>,
    /// What an accepted row would lose (optional values that are malformed), if anything.
    #[serde(default)]
    pub warning: Option<String>,
}

/// The start of a file as it will be read: delimiter, column mapping and first rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryPreview {
    pub delimiter: String,
    pub columns: Vec<PreviewColumn>,
    pub rows: Vec<PreviewRow>,
    /// Why the whole file would be refused, if it would.
    pub problem: Option<String>,
    /// Where the columns' meaning comes from.
    pub column_source: ColumnSource,
    /// The columns' meaning as the upload sends it (`columns::column_choice_text`).
    pub column_choice: String,
}

/// Where the meaning of a file's columns comes from in a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnSource {
    /// Guessed from the header cells.
    Guessed,
    /// The company chose it for a file with these headers before.
    Remembered,
    /// Chosen now, in this preview.
    Chosen,
}

/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 10;
/// Bytes of the file's start the browser sends for the preview.
pub const PREVIEW_BYTES: usize = 64 * 1024;

/// Today's quota, recent uploads and the inventory's size, for the Uploads dashlet and page.
/// Its errors are the app's own (not an upload's): the dashboard's bundle then carries no
/// decoder for upload errors (16 KB of wasm).
#[server(endpoint = "inventory/overview")]
pub async fn load_upload_overview() -> Result<UploadOverview, crate::AppError> {
    serve(async |state, caller| {
        let membership = caller.company()?;
        let company_id = membership.company_id.as_str();
        let quota = super::ingest::quota_status(state, company_id).await?;
        let mut conn = state.db.conn().await?;
        let recent = super::queries::recent_uploads(&mut conn, company_id, 10).await?;
        let devices = super::queries::device_count(&mut conn, company_id).await?;
        Ok(UploadOverview {
            quota,
            recent,
            devices: devices as u64,
            can_manage: membership.role.manages(),
        })
    })
    .await
}

/// How the start of a file will be read, before it is uploaded. `sample` is the file's first
/// [`PREVIEW_BYTES`] (the browser cuts at a line end); `columns`, what the person chose each
/// column to hold (`columns::parse_column_choice`). Without it, the company's remembered choice
/// for this layout is used, else the guess from the headers.
#[server(endpoint = "inventory/preview")]
pub async fn preview_inventory(
    sample: String,
    columns: Option<String>,
) -> Result<InventoryPreview, UploadError> {
    serve(async |state, caller| {
        let membership = caller.member()?;
        preview_for(state, &membership.company_id, sample.as_bytes(), columns).await
    })
    .await
}

/// The preview of a file's start for `company_id`: as `columns` says, else as the company chose
/// for this layout before, else as guessed from the headers (see [`preview_inventory`]).
#[cfg(feature = "ssr")]
pub async fn preview_for(
    state: &crate::platform::AppState,
    company_id: &str,
    sample: &[u8],
    columns: Option<String>,
) -> Result<InventoryPreview, UploadError> {
    if let Some(text) = columns {
        let chosen = super::columns::parse_column_choice(&text)
            .map_err(|problem| UploadError::File(FileProblem::BadColumnChoice(problem)))?;
        return Ok(preview(sample, |_| Some((chosen, ColumnSource::Chosen))));
    }
    let mut conn = state.db.conn().await?;
    let remembered = super::queries::column_choices(&mut conn, company_id).await?;
    drop(conn);
    Ok(preview(sample, |headers| {
        let signature = super::columns::header_signature(headers);
        let (_, text) = remembered.iter().find(|(s, _)| *s == signature)?;
        let chosen = super::columns::parse_column_choice(text).ok()?;
        (chosen.len() == headers.len()).then_some((chosen, ColumnSource::Remembered))
    }))
}

/// Each column's header with what it is read as.
#[cfg(feature = "ssr")]
fn preview_columns(headers: &[String], fields: &[Option<Field>]) -> Vec<PreviewColumn> {
    headers
        .iter()
        .zip(fields)
        .map(|(header, field)| PreviewColumn {
            header: header.trim().to_owned(),
            field: *field,
        })
        .collect()
}

#[cfg(feature = "ssr")]
fn preview(
    sample: &[u8],
    choose: impl FnOnce(&[String]) -> Option<(Vec<Option<Field>>, ColumnSource)>,
) -> InventoryPreview {
    use super::{
        columns::{column_choice_text, delimiter_name},
        reader::{InventoryReader, RowOutcome},
        rows::DeviceFields,
    };
    let sample = &sample[..sample.len().min(PREVIEW_BYTES)];
    let mut source = ColumnSource::Guessed;
    let mut chosen_now = None;
    let mut headers = Vec::new();
    let opened = InventoryReader::open_choosing(sample, |cells| {
        headers = cells.to_vec();
        let (chosen, from) = choose(cells)?;
        source = from;
        chosen_now = Some(chosen.clone());
        Some(chosen)
    });
    let mut reader = match opened {
        Ok(reader) => reader,
        Err(problem) => {
            // Columns that cannot be read as they are: shown with what each seems to hold, so
            // the person can choose what they hold instead.
            let fields = chosen_now.unwrap_or_else(|| {
                headers
                    .iter()
                    .map(|h| super::columns::field_for_header(h))
                    .collect()
            });
            let shown = matches!(problem, FileProblem::Header(_)) && fields.len() == headers.len();
            return InventoryPreview {
                delimiter: String::new(),
                columns: if shown {
                    preview_columns(&headers, &fields)
                } else {
                    Vec::new()
                },
                rows: Vec::new(),
                problem: Some(problem.to_string()),
                column_source: source,
                column_choice: column_choice_text(&fields),
            };
        }
    };
    let map = reader.columns().clone();
    let columns = preview_columns(&map.headers, &map.fields);
    let mut rows = Vec::new();
    while rows.len() < PREVIEW_ROWS {
        let Some(Ok(outcome)) = reader.next_row() else {
            break;
        };
        rows.push(match outcome {
            RowOutcome::Accepted { line, device } => PreviewRow {
                line,
                values: values_in_file_order(&map, &device.fields),
                problem: None,
                warning: (!device.warnings.is_empty()).then(|| device.warnings.join("; ")),
            },
            RowOutcome::Rejected(row) => PreviewRow {
                line: row.line,
                values: row.values,
                problem: Some(row.reason),
                warning: None,
            },
        });
    }
    fn values_in_file_order(map: &super::columns::ColumnMap, fields: &DeviceFields) -> Vec<String> {
        map.fields
            .iter()
            .map(|field| field.map(|f| fields.get(f).to_owned()).unwrap_or_default())
            .collect()
    }
    InventoryPreview {
        delimiter: delimiter_name(reader.delimiter()).to_owned(),
        columns,
        rows,
        problem: None,
        column_source: source,
        column_choice: column_choice_text(&map.fields),
    }
}

#[server(endpoint = "inventory/tokens")]
pub async fn list_collector_tokens() -> Result<Vec<TokenInfo>, UploadError> {
    serve(async |state, caller| {
        let membership = caller.manager()?;
        super::tokens::list(state, &membership.company_id).await
    })
    .await
}

#[server(endpoint = "inventory/tokens/create")]
pub async fn create_collector_token(
    name: String,
    /// Days until it stops working; none: until revoked.
    #[server(default)]
    expires_in_days: Option<u32>,
    /// Upload and read (the default), or read only.
    #[server(default)]
    scope: TokenScope,
) -> Result<CreatedToken, UploadError> {
    serve(async |state, caller| {
        let membership = caller.manager()?;
        caller.recently_authenticated()?;
        let account_id = caller.account_id;
        let (token, secret) = super::tokens::create(
            state,
            &membership.company_id,
            Some(account_id),
            &name,
            expires_in_days,
            scope,
        )
        .await?;
        let event = caller
            .security_event(EventKind::TokenCreated, &membership.company_id)
            .detail(format!(
                "\"{}\" ({}), token #{}",
                token.name,
                scope.label().to_lowercase(),
                token.id
            ));
        security_log::record(state, event).await;
        Ok(CreatedToken { token, secret })
    })
    .await
}

#[server(endpoint = "inventory/tokens/revoke")]
pub async fn revoke_collector_token(token_id: i64) -> Result<TokenInfo, UploadError> {
    serve(async |state, caller| {
        let membership = caller.manager()?;
        let account_id = caller.account_id;
        let token =
            super::tokens::revoke(state, &membership.company_id, account_id, token_id).await?;
        let event = caller
            .security_event(EventKind::TokenRevoked, &membership.company_id)
            .detail(format!("\"{}\", token #{}", token.name, token.id));
        security_log::record(state, event).await;
        Ok(token)
    })
    .await
}

/// Removes every device of the company (the upload history stays). `confirmation` must be
/// `DELETE`, as the person typed it.
#[server(endpoint = "inventory/delete")]
pub async fn delete_inventory(confirmation: String) -> Result<u64, UploadError> {
    serve(async |state, caller| {
        let membership = caller.manager()?;
        if confirmation.trim() != "DELETE" {
            return Err(UploadError::NotConfirmed);
        }
        caller.recently_authenticated()?;
        let mut tx = state.db.begin_write().await?;
        let deleted = super::queries::delete_devices(&mut tx, &membership.company_id).await?;
        tx.commit().await?;
        Ok(deleted)
    })
    .await
}
