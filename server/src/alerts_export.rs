//! `GET /api/library/alerts.csv` and `.xlsx`: Library → Alerts as a file for the signed-in
//! person's company — every alert with each device it concerns, one row per pair (CSV: one file,
//! the kinds one after another; XLSX: a sheet per kind). Cells are neutralised for spreadsheets.

use app::{
    alerts::export::{AlertDeviceRow, AlertKind, ALERT_EXPORT_COLUMNS},
    inventory::UploadError,
    platform::AppState,
};
use axum::{extract::State, response::Response};
use futures_util::TryStreamExt;
use tokio::sync::mpsc;

use crate::library_export::{record_export, write_safe_row, XlsxError, XLSX_MAX_ROWS};
use crate::own_member::OwnMember;
use crate::streaming::{spawn_csv, xlsx_attachment, Chunk, CsvChunks};
use crate::uploads::error_response;

/// Runs `body` with each row of `kind` for the company, read on a connection of its own.
macro_rules! for_each_alert_row {
    ($state:expr, $company_id:expr, $kind:expr, |$cells:ident| $body:block) => {{
        let today = app::platform::clock::date_today();
        let sql = $kind.sql();
        let mut conn = $state.db.dedicated_connection().await?;
        let mut rows = sqlx::query_as::<_, AlertDeviceRow>(&sql)
            .bind($company_id)
            .fetch(&mut conn);
        while let Some(row) = rows.try_next().await? {
            let $cells = row.cells($kind, &today);
            $body
        }
    }};
}

pub async fn alerts_csv(State(state): State<AppState>, member: OwnMember) -> Response {
    record_export(&state, &member, "Library → Alerts CSV".to_owned()).await;
    let company_id = member.membership.company_id;
    let Some(slot) = state.settings.work.export().await else {
        return crate::uploads::busy("exports");
    };
    spawn_csv("netcare-alerts.csv", slot, move |chunks| async move {
        write_csv(&state, &company_id, &chunks).await
    })
}

async fn write_csv(
    state: &AppState,
    company_id: &str,
    chunks: &mpsc::Sender<Chunk>,
) -> Result<(), sqlx::Error> {
    let mut csv = CsvChunks::new(chunks);
    csv.write(ALERT_EXPORT_COLUMNS).await;
    for kind in AlertKind::ALL {
        for_each_alert_row!(state, company_id, kind, |cells| {
            if !csv.write(&cells).await {
                return Ok(());
            }
        });
    }
    csv.finish().await;
    Ok(())
}

pub async fn alerts_xlsx(State(state): State<AppState>, member: OwnMember) -> Response {
    record_export(&state, &member, "Library → Alerts XLSX".to_owned()).await;
    let company_id = member.membership.company_id;
    let Some(_slot) = state.settings.work.export().await else {
        return crate::uploads::busy("exports");
    };
    match build_xlsx(&state, &company_id).await {
        Ok(bytes) => xlsx_attachment("netcare-alerts.xlsx", bytes),
        Err(err) => error_response(&UploadError::App(app::platform::internal(err.to_string()))),
    }
}

/// A sheet per kind of alert, each with the header (a kind with nothing has the header alone).
async fn build_xlsx(state: &AppState, company_id: &str) -> Result<Vec<u8>, XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let quoted = Format::new().set_quote_prefix();
    for kind in AlertKind::ALL {
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(kind.sheet_name())?;
        for (column, name) in ALERT_EXPORT_COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(0, column as u16, *name, &bold)?;
        }
        let mut row = 0u32;
        for_each_alert_row!(state, company_id, kind, |cells| {
            if row >= XLSX_MAX_ROWS {
                break;
            }
            row += 1;
            write_safe_row(sheet, row, &cells, &quoted)?;
        });
    }
    Ok(workbook.save_to_buffer()?)
}
