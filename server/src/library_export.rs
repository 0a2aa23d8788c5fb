//! `GET /api/library/devices.csv` and `.xlsx`: the Library's current view (its filters and order,
//! from the query string) as a file, for the signed-in person's company. Cells that a spreadsheet
//! would run as a formula are neutralised: an apostrophe in CSV, the quote-prefix flag in XLSX.

use app::{
    inventory::{
        queries::bulk_read::{self, GroupedRecords},
        spreadsheet_safe, UploadError,
    },
    library::DeviceFilter,
    platform::{sql::placeholder, AppState},
};
use axum::{
    extract::{Query, State},
    response::Response,
};
use tokio::sync::mpsc;

use app::security_log::{self, EventKind, NewEvent};

use crate::own_member::OwnMember;
use crate::streaming::{spawn_csv, xlsx_attachment, Chunk, CsvChunks};
use crate::uploads::{
    devices_export::{csv_row, CSV_COLUMNS},
    error_response,
};

/// Excel's last row, less the header.
pub(crate) const XLSX_MAX_ROWS: u32 = 1_048_575;

/// The filtered, ordered SELECT and its values (company first).
fn export_query(
    state: &AppState,
    company_id: &str,
    filter: &DeviceFilter,
) -> (String, Vec<String>) {
    let backend = state.db.backend();
    let today = app::platform::clock::date_today();
    let sql = filter.to_sql(company_id, &today, None, |n| placeholder(backend, n));
    (
        format!(
            "SELECT {} WHERE {} ORDER BY {}",
            bulk_read::device_columns(),
            sql.clause,
            // Everything that matches, streamed: in the order's index, never sorted in memory.
            filter.order_by(false)
        ),
        sql.binds,
    )
}

/// Runs `body` with the rows of the filtered query, read on a connection of its own.
macro_rules! for_each_device {
    ($state:expr, $company_id:expr, $filter:expr, |$device:ident| $body:block) => {{
        let (sql, binds) = export_query($state, $company_id, $filter);
        let mut records = GroupedRecords::of_company(&$state.db, $company_id).await?;
        let mut batches = bulk_read::read(&$state.db, sql, binds);
        while let Some(batch) = batches.recv().await {
            for row in batch? {
                let $device = records.record(&$state.db, row).await?;
                $body
            }
        }
    }};
}

/// Notes an export in the security log: who took which devices out, in what form.
async fn log_export(state: &AppState, member: &OwnMember, form: &str, filter: &DeviceFilter) {
    // The filter's fields that narrow, as `name=value`.
    let narrowing: Vec<String> = match serde_json::to_value(filter) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter(|(_, value)| {
                !matches!(
                    value,
                    serde_json::Value::Null | serde_json::Value::Bool(false)
                ) && value.as_str() != Some("")
            })
            .map(|(name, value)| format!("{name}={}", value.to_string().trim_matches('"')))
            .collect(),
        _ => Vec::new(),
    };
    let selection = if narrowing.is_empty() {
        "every device".to_owned()
    } else {
        format!("devices where {}", narrowing.join(", "))
    };
    record_export(state, member, format!("{form} of {selection}")).await;
}

/// Notes in the security log that `member` took `what` out of NetCare.
pub(crate) async fn record_export(state: &AppState, member: &OwnMember, what: String) {
    let event = NewEvent::new(EventKind::Export, member.caller.username.as_str())
        .company(&member.membership.company_id)
        .detail(what)
        .from(&member.client);
    security_log::record(state, event).await;
}

pub async fn devices_csv(
    State(state): State<AppState>,
    Query(filter): Query<DeviceFilter>,
    member: OwnMember,
) -> Response {
    log_export(&state, &member, "Library CSV", &filter).await;
    let company_id = member.membership.company_id;
    let Some(slot) = state.settings.work.export().await else {
        return crate::uploads::busy("exports");
    };
    spawn_csv("netcare-devices.csv", slot, move |chunks| async move {
        write_csv(&state, &company_id, &filter, &chunks).await
    })
}

/// Writes the CSV in 64 KB pieces; stops quietly when the client goes away.
async fn write_csv(
    state: &AppState,
    company_id: &str,
    filter: &DeviceFilter,
    chunks: &mpsc::Sender<Chunk>,
) -> Result<(), sqlx::Error> {
    let mut csv = CsvChunks::new(chunks);
    csv.write(CSV_COLUMNS).await;
    for_each_device!(state, company_id, filter, |device| {
        if !csv.write(csv_row(&device).iter()).await {
            return Ok(());
        }
    });
    csv.finish().await;
    Ok(())
}

pub async fn devices_xlsx(
    State(state): State<AppState>,
    Query(filter): Query<DeviceFilter>,
    member: OwnMember,
) -> Response {
    log_export(&state, &member, "Library XLSX", &filter).await;
    let company_id = member.membership.company_id;
    let Some(_slot) = state.settings.work.export().await else {
        return crate::uploads::busy("exports");
    };
    match build_xlsx(&state, &company_id, &filter).await {
        Ok(bytes) => xlsx_attachment("netcare-devices.xlsx", bytes),
        Err(err) => error_response(&UploadError::App(app::platform::internal(err.to_string()))),
    }
}

async fn build_xlsx(
    state: &AppState,
    company_id: &str,
    filter: &DeviceFilter,
) -> Result<Vec<u8>, XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let quoted = Format::new().set_quote_prefix();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("Devices")?;
    for (column, name) in CSV_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *name, &bold)?;
    }
    let mut row = 0u32;
    for_each_device!(state, company_id, filter, |device| {
        if row >= XLSX_MAX_ROWS {
            break;
        }
        row += 1;
        write_safe_row(sheet, row, csv_row(&device).iter(), &quoted)?;
    });
    Ok(workbook.save_to_buffer()?)
}

/// Writes `cells` as row `row`; a cell a spreadsheet would run as a formula gets the
/// quote-prefix flag (shown as written, never run).
pub(crate) fn write_safe_row<C: AsRef<str>>(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    cells: impl IntoIterator<Item = C>,
    quoted: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (column, cell) in cells.into_iter().enumerate() {
        let cell = cell.as_ref();
        if spreadsheet_safe(cell) != cell {
            sheet.write_string_with_format(row, column as u16, cell, quoted)?;
        } else {
            sheet.write_string(row, column as u16, cell)?;
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum XlsxError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}
