//! `GET /api/v1/devices`: the company's inventory with each device's coverage, streamed in pages
//! (JSON by default, CSV with `Accept: text/csv`), so a million devices never sit in memory.

use app::{
    inventory::{queries, spreadsheet_safe, DeviceRecord},
    platform::AppState,
};
use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::Response,
};
use tokio::sync::mpsc;

use super::api::token_holder;
use crate::streaming::{channel_body, Chunk};

const PAGE: i64 = 5000;

/// The CSV export's columns.
pub const CSV_COLUMNS: [&str; 18] = [
    "serial_number",
    "product_id",
    "hostname",
    "ip_address",
    "mac_address",
    "software_version",
    "site",
    "status",
    "reason",
    "registry_product_id",
    "contract_number",
    "service_level",
    "coverage_start",
    "coverage_end",
    "coverage_computed_at",
    "first_seen_at",
    "last_seen_at",
    "no_longer_seen_at",
];

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

pub fn csv_row(device: &DeviceRecord) -> [&str; 18] {
    let coverage = &device.coverage;
    [
        &device.serial_number,
        &device.product_id,
        &device.hostname,
        &device.ip_address,
        &device.mac_address,
        &device.software_version,
        &device.site,
        coverage.status.as_str(),
        coverage.reason.map_or("", |reason| reason.as_str()),
        text(&coverage.registry_product_id),
        text(&coverage.contract_number),
        text(&coverage.service_level),
        text(&coverage.start_date),
        text(&coverage.end_date),
        &coverage.computed_at,
        &device.first_seen_at,
        &device.last_seen_at,
        text(&device.no_longer_seen_at),
    ]
}

/// One device as a CSV record of [`CSV_COLUMNS`], formula-like cells neutralised.
pub fn write_csv_device<W: std::io::Write>(writer: &mut csv::Writer<W>, device: &DeviceRecord) {
    let cells = csv_row(device).map(spreadsheet_safe);
    let _ = writer.write_record(cells.iter().map(|c| c.as_bytes()));
}

fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.to_ascii_lowercase().contains("text/csv"))
}

pub async fn devices(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let holder = match token_holder(&state, &headers).await {
        Ok(holder) => holder,
        Err(response) => return response,
    };
    let csv = wants_csv(&headers);
    let (chunks_tx, chunks) = mpsc::channel::<Chunk>(4);
    tokio::spawn(write_pages(state, holder.company_id, csv, chunks_tx));
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store");
    if csv {
        response = response.header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"netcare-devices.csv\"",
        );
    }
    response
        .body(channel_body(chunks))
        .expect("static response parts are valid")
}

/// Reads the company's devices a page at a time and sends them encoded. A database failure
/// mid-way ends the body with an error, so the client sees a broken transfer, never a short list.
async fn write_pages(state: AppState, company_id: String, csv: bool, chunks: mpsc::Sender<Chunk>) {
    let mut after = 0i64;
    let mut first = true;
    let opening = if csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(CSV_COLUMNS);
        writer.into_inner().unwrap_or_default()
    } else {
        b"{\"devices\":[".to_vec()
    };
    if chunks.send(Ok(Bytes::from(opening))).await.is_err() {
        return;
    }
    loop {
        let page = async {
            let mut conn = state.db.pool().acquire().await?;
            queries::devices_after(&mut conn, &company_id, after, PAGE).await
        }
        .await;
        let page = match page {
            Ok(page) => page,
            Err(err) => {
                let error = app::platform::internal(err);
                let _ = chunks
                    .send(Err(std::io::Error::other(error.to_string())))
                    .await;
                return;
            }
        };
        let Some(last) = page.last() else { break };
        after = last.id;
        let mut buffer = Vec::with_capacity(page.len() * 200);
        if csv {
            let mut writer = csv::Writer::from_writer(&mut buffer);
            for device in &page {
                write_csv_device(&mut writer, device);
            }
            let _ = writer.flush();
        } else {
            for device in &page {
                if !first {
                    buffer.push(b',');
                }
                first = false;
                let _ = serde_json::to_writer(&mut buffer, device);
            }
        }
        if chunks.send(Ok(Bytes::from(buffer))).await.is_err() {
            return; // the client went away
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    if !csv {
        let _ = chunks.send(Ok(Bytes::from_static(b"]}"))).await;
    }
}
