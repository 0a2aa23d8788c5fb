//! `GET /api/v1/devices`: the company's inventory with each device's coverage, streamed in pages
//! (JSON by default, CSV with `Accept: text/csv`), so a million devices never sit in memory.

use std::borrow::Cow;

use app::{
    accounts::session::ClientAddress,
    alerts::{AdvisoryState, Severity},
    coverage::{ReasonCode, Status},
    inventory::{
        queries::bulk_read::{self, GroupedRecords},
        spreadsheet_safe, DeviceRecord, UploadError,
    },
    library::{
        queries::{self as library_queries, IdentityPage},
        DeviceFilter,
    },
    platform::AppState,
    security_log::{self, EventKind, NewEvent},
};
use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, StatusCode, Uri},
    response::Response,
    Extension,
};
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::IntoParams;

use super::{
    api::{ApiQuery, ApiToken},
    bodies::{DevicesPage, Problem},
    error_response, problem,
};
use crate::streaming::{channel_body, Chunk};

const PAGE: i64 = 5000;

/// The devices as CSV, for the document.
pub struct CsvExport;

impl utoipa::PartialSchema for CsvExport {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(format!("Columns: {}", CSV_COLUMNS.join(","))))
            .into()
    }
}

impl utoipa::ToSchema for CsvExport {}

/// The CSV export's columns.
pub const CSV_COLUMNS: [&str; 31] = [
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
    "end_of_life_stage",
    "end_of_life_bulletin",
    "next_milestone",
    "next_milestone_date",
    "replacement_product_id",
    "software_type",
    "advisory_state",
    "vulnerable_advisories",
    "potentially_vulnerable_advisories",
    "highest_advisory_severity",
    "field_notices",
    "software_end_of_life_stage",
    "software_end_of_life_bulletin",
];

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// The cells of a device's row, owned where a number is written out.
pub fn csv_row(device: &DeviceRecord) -> [Cow<'_, str>; CSV_COLUMNS.len()] {
    let coverage = &device.coverage;
    let security = &device.security;
    let eol = device.hardware_end_of_life.as_ref();
    let next = eol.and_then(|e| e.next_milestone.as_ref());
    let assessed = security.state != AdvisoryState::NotAssessed;
    let count = |n: u32| -> Cow<'_, str> {
        if assessed {
            n.to_string().into()
        } else {
            "".into()
        }
    };
    let text_cells: [&str; 25] = [
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
        eol.map_or("", |e| e.stage.as_str()),
        eol.map_or("", |e| e.bulletin_number.as_str()),
        next.map_or("", |n| n.milestone.as_str()),
        next.map_or("", |n| n.date.as_str()),
        eol.map_or("", |e| text(&e.replacement_product_id)),
        &device.software_type,
        security.state.as_str(),
    ];
    let mut cells: Vec<Cow<'_, str>> = text_cells.into_iter().map(Cow::Borrowed).collect();
    cells.push(count(security.vulnerable_advisories));
    cells.push(count(security.potentially_vulnerable_advisories));
    cells.push(
        security
            .highest_severity
            .map_or("", Severity::as_str)
            .into(),
    );
    cells.push(device.field_notices.to_string().into());
    let software = device.software_end_of_life.as_ref();
    cells.push(software.map_or("", |s| s.stage.as_str()).into());
    cells.push(software.map_or("", |s| s.bulletin_number.as_str()).into());
    cells.try_into().unwrap_or_else(|cells: Vec<_>| {
        panic!("{} cells for {} columns", cells.len(), CSV_COLUMNS.len())
    })
}

/// One device as a CSV record of [`CSV_COLUMNS`], formula-like cells neutralised.
pub fn write_csv_device<W: std::io::Write>(writer: &mut csv::Writer<W>, device: &DeviceRecord) {
    let row = csv_row(device);
    let cells: Vec<Cow<'_, str>> = row.iter().map(|cell| spreadsheet_safe(cell)).collect();
    let _ = writer.write_record(cells.iter().map(|c| c.as_bytes()));
}

/// Whether the `Accept` header asks for CSV (`Some(true)`), JSON (`Some(false)`), or neither
/// (`None`). The acceptable type with the highest `q` wins; on a tie a type named outright beats a
/// wildcard, then the one named first. No header, or an empty one, means JSON.
fn wants_csv(accept: Option<&str>) -> Option<bool> {
    let Some(accept) = accept.filter(|accept| !accept.trim().is_empty()) else {
        return Some(false);
    };
    let mut best: Option<(f32, bool, bool)> = None; // (q, named outright, CSV)
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .find_map(|parameter| parameter.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let (named, csv) = match media.as_str() {
            "application/json" => (true, false),
            "text/csv" => (true, true),
            "*/*" | "application/*" => (false, false),
            "text/*" => (false, true),
            _ => continue,
        };
        // `q=0` means "not this one"; a q that is not a number is taken as 1.
        if q <= 0.0 || q.is_nan() {
            continue;
        }
        if best.is_none_or(|(best_q, best_named, _)| (q, named) > (best_q, best_named)) {
            best = Some((q, named, csv));
        }
    }
    best.map(|(_, _, csv)| csv)
}

/// The query of `GET /api/v1/devices`: the Library's filters, one serial number, coverage changed
/// since a time, and paging (`limit`, `cursor`). Any other parameter is refused by name.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DevicesQuery {
    /// Devices with this coverage status.
    #[param(inline)]
    status: Option<Status>,
    /// Why not covered (implies status=not_covered).
    #[param(inline)]
    reason: Option<ReasonCode>,
    /// Devices at this site.
    site: Option<String>,
    /// A product ID (a trailing `=` is ignored).
    pid: Option<String>,
    /// Devices covered by this contract number.
    contract: Option<String>,
    /// Devices at this stage of their hardware end of life today.
    #[param(inline)]
    end_of_life: Option<app::alerts::EolStage>,
    /// Devices of the products this end-of-life bulletin lists.
    bulletin: Option<String>,
    /// Devices standing so against security advisories.
    #[param(inline)]
    advisory_state: Option<AdvisoryState>,
    /// Devices an advisory of this severity affects (vulnerable or potentially vulnerable).
    #[param(inline)]
    advisory_severity: Option<Severity>,
    /// Devices this security advisory affects, by its id.
    advisory: Option<String>,
    /// Devices this field notice affects, by its id.
    field_notice: Option<String>,
    /// Devices whose software release train is at this stage of its end of life today.
    #[param(inline)]
    software_end_of_life: Option<app::alerts::EolStage>,
    /// One serial number, matched whole (any case, spaces ignored): the device under each product
    /// ID it was uploaded with.
    serial: Option<String>,
    /// Devices whose coverage (status or deciding contract) changed at or after this time
    /// (RFC 3339).
    #[param(format = DateTime)]
    changed_since: Option<String>,
    /// Devices per page; asks for pages (a cursor alone gives 1000).
    #[param(minimum = 1, maximum = 5000)]
    limit: Option<u64>,
    /// Where the page starts: taken from the previous page's `next`, never made up (the hex of a
    /// device's identity key; any of that shape is a position).
    #[param(pattern = "^(537[cC]|4[dD]7[cC])([0-9a-fA-F]{2})*$", max_length = 1000)]
    cursor: Option<String>,
}

/// Devices a page holds at most.
pub const MAX_PAGE: u64 = 5000;
/// A page's size when a cursor comes without a limit.
const DEFAULT_PAGE: u64 = 1000;

/// What the query asks for, checked.
struct Asked {
    filter: DeviceFilter,
    narrowing: IdentityPage,
    /// Paged (`limit` or `cursor` given), or the whole selection streamed.
    paged: bool,
}

fn asked(query: DevicesQuery) -> Result<Asked, String> {
    let text = |value: Option<String>| value.map(|v| v.trim().to_owned()).unwrap_or_default();
    let filter = DeviceFilter {
        status: query.status,
        reason: query.reason,
        contract: text(query.contract),
        site: text(query.site),
        pid: text(query.pid),
        end_of_life: query.end_of_life,
        bulletin: text(query.bulletin),
        advisory_state: query.advisory_state,
        advisory_severity: query.advisory_severity,
        advisory: text(query.advisory),
        field_notice: text(query.field_notice),
        software_end_of_life: query.software_end_of_life,
        ..DeviceFilter::default()
    };
    let limit = match query.limit {
        Some(limit) if !(1..=MAX_PAGE).contains(&limit) => {
            return Err(format!("limit must be 1 to {MAX_PAGE}"))
        }
        Some(limit) => limit,
        None => DEFAULT_PAGE,
    };
    let changed_since = match query.changed_since {
        Some(text) => {
            let at = time::OffsetDateTime::parse(
                text.trim(),
                &time::format_description::well_known::Rfc3339,
            )
            .map_err(|_| {
                "changed_since must be an RFC 3339 time, e.g. 2026-11-30T08:00:00Z".to_owned()
            })?;
            Some(app::platform::clock::timestamp_text(at))
        }
        None => None,
    };
    let after = match &query.cursor {
        Some(cursor) => Some(decode_cursor(cursor).ok_or("cursor is not one this API gave")?),
        None => None,
    };
    let serial_key = query
        .serial
        .map(|serial| app::coverage::normalise::serial_key(&serial))
        .filter(|key| !key.is_empty());
    Ok(Asked {
        paged: query.limit.is_some() || query.cursor.is_some(),
        filter,
        narrowing: IdentityPage {
            serial_key,
            changed_since,
            after,
            limit,
        },
    })
}

/// Cursors are the identity key of a page's last device, opaque to clients.
/// A page's cursor: the hex of the last identity key it held (`S|…` or `M|…`). Any hex of that
/// shape is a position in identity order, so every cursor the document's pattern allows works.
fn encode_cursor(identity_key: &str) -> String {
    identity_key.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str) -> Option<String> {
    let hex = cursor.as_bytes();
    if !hex.len().is_multiple_of(2) || hex.len() > 1000 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let bytes = hex
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
        .filter(|key| key.starts_with("S|") || key.starts_with("M|"))
}

/// The inventory with each device's coverage
///
/// JSON by default; CSV (one row per device, formula-like cells prefixed with an apostrophe) with
/// Accept: text/csv. Without `limit` or `cursor` every selected device is streamed, for
/// inventories of any size (`next` is null). With them, one page in identity order: `next` (and a
/// `Link: <…>; rel="next"` header) is the link to the following page, null on the last; `count`,
/// on the first page only, is how many devices match in all; the `ETag` sent back in
/// `If-None-Match` answers 304 while the page is unchanged. Unknown parameters are refused with
/// 400.
#[utoipa::path(get, path = "/api/v1/devices", operation_id = "listDevices",
    params(
        DevicesQuery,
        ("If-None-Match" = Option<String>, Header, description = "A page's earlier ETag."),
    ),
    responses(
        (status = 200, description = "The devices selected, streamed whole or one page.",
            content(
                (DevicesPage = "application/json"),
                (inline(CsvExport) = "text/csv"),
            ),
            headers(
                ("ETag" = String, description = "On a page: its version, for If-None-Match."),
                ("Link" = String, description = "On a page with a next one: `<next>; rel=\"next\"`."),
            )),
        (status = 304, description = "The page is as it was (If-None-Match)."),
        (status = 400, description = "A query parameter that is not one, or not valid (`invalid_query`, naming it).", body = Problem),
        (status = 406, description = "The Accept header allows neither application/json nor text/csv (`not_acceptable`).", body = Problem),
        (status = 503, description = super::api::BUSY, body = Problem,
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    ))]
pub async fn devices(
    State(state): State<AppState>,
    ApiToken(holder): ApiToken,
    ApiQuery(query): ApiQuery<DevicesQuery>,
    uri: Uri,
    headers: HeaderMap,
    client: Option<Extension<ClientAddress>>,
) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let Some(csv) = wants_csv(accept) else {
        return problem(
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
            "The devices are available as application/json or text/csv; the Accept header allows neither.",
        );
    };
    let unfiltered = uri.query().is_none_or(str::is_empty);
    let asked = match asked(query) {
        Ok(asked) => asked,
        Err(message) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                &format!("The query string cannot be used: {message}."),
            )
        }
    };
    if asked.paged {
        return one_page(&state, &holder.company_id, asked, csv, &uri, &headers).await;
    }
    let source = if unfiltered {
        Source::ById
    } else {
        Source::ByIdentity(Box::new(asked))
    };
    let Some(slot) = state.settings.work.export().await else {
        return super::busy("exports");
    };
    // A whole-inventory download is an export: the security log says which token took it.
    let selection = uri
        .query()
        .filter(|q| !q.is_empty())
        .unwrap_or("every device");
    let event = NewEvent::new(EventKind::Export, holder.name.as_str())
        .company(&holder.company_id)
        .detail(format!(
            "API {} of {selection} (token #{})",
            if csv { "CSV" } else { "JSON" },
            holder.token_id
        ))
        .from(
            client
                .as_ref()
                .map_or("unknown", |Extension(ClientAddress(address))| {
                    address.as_str()
                }),
        );
    security_log::record(&state, event).await;
    let (chunks_tx, chunks) = mpsc::channel::<Chunk>(4);
    tokio::spawn(async move {
        // The slot is held until the client has read the whole inventory (or gone).
        write_pages(state, holder.company_id, source, csv, chunks_tx).await;
        drop(slot);
    });
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type(csv))
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

fn content_type(csv: bool) -> &'static str {
    if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    }
}

/// One page: its devices, the link to the next (JSON `next`, and a `Link` header), the count of
/// all matching devices on the first page, and an `ETag` a poll sends back in `If-None-Match` to
/// get `304 Not Modified` while nothing changed.
async fn one_page(
    state: &AppState,
    company_id: &str,
    asked: Asked,
    csv: bool,
    uri: &Uri,
    headers: &HeaderMap,
) -> Response {
    let Asked {
        filter, narrowing, ..
    } = asked;
    let read = async {
        let backend = state.db.backend();
        let mut conn = state.db.conn().await?;
        let count = match narrowing.after {
            None => Some(
                library_queries::count_matching(
                    &mut conn, backend, company_id, &filter, &narrowing,
                )
                .await?,
            ),
            Some(_) => None,
        };
        let devices = library_queries::devices_in_identity_order(
            &mut conn, backend, company_id, &filter, &narrowing,
        )
        .await?;
        Ok::<_, UploadError>((count, devices))
    };
    let (count, devices) = match read.await {
        Ok(read) => read,
        Err(err) => return error_response(&err),
    };
    let full = devices.len() as u64 == narrowing.limit;
    let next = devices
        .last()
        .filter(|_| full)
        .map(|(key, _)| next_link(uri, &encode_cursor(key)));
    let devices: Vec<DeviceRecord> = devices.into_iter().map(|(_, device)| device).collect();
    let body = if csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(CSV_COLUMNS);
        for device in &devices {
            write_csv_device(&mut writer, device);
        }
        writer.into_inner().unwrap_or_default()
    } else {
        let page = DevicesPage {
            devices,
            next: next.clone(),
            count,
        };
        serde_json::to_vec(&page).unwrap_or_default()
    };
    let etag = format!("W/\"{}\"", &app::platform::digest::sha256_hex(&body)[..32]);
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, "no-cache");
    if let Some(next) = &next {
        response = response.header(header::LINK, format!("<{next}>; rel=\"next\""));
    }
    if unchanged {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(axum::body::Body::empty())
            .expect("static response parts are valid");
    }
    response
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type(csv))
        .body(axum::body::Body::from(body))
        .expect("static response parts are valid")
}

/// This request's path and query with `cursor` set to the next page's.
pub(crate) fn next_link(uri: &Uri, cursor: &str) -> String {
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("cursor="))
        .collect();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    format!("{}?{query}cursor={cursor}", uri.path())
}

/// Which devices a stream reads, page after page.
enum Source {
    /// The whole inventory, in the order devices were first uploaded.
    ById,
    /// The devices a filter selects, in identity order.
    ByIdentity(Box<Asked>),
}

/// Reads the devices a page at a time and sends them encoded. A database failure mid-way ends
/// the body with an error, so the client sees a broken transfer, never a short list.
async fn write_pages(
    state: AppState,
    company_id: String,
    mut source: Source,
    csv: bool,
    chunks: mpsc::Sender<Chunk>,
) {
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
    let mut records = None;
    loop {
        let page = next_page(&state, &company_id, &mut source, &mut after, &mut records).await;
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
        if page.is_empty() {
            break;
        }
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
        let _ = chunks
            .send(Ok(Bytes::from_static(b"],\"next\":null}")))
            .await;
    }
}

/// The next page of `source`, moving its position on. The alerts of the company's products and
/// releases are read with the first page into `records`, and serve every page.
async fn next_page(
    state: &AppState,
    company_id: &str,
    source: &mut Source,
    after_id: &mut i64,
    records: &mut Option<GroupedRecords>,
) -> Result<Vec<DeviceRecord>, sqlx::Error> {
    let db = &state.db;
    if records.is_none() {
        *records = Some(GroupedRecords::of_company(db, company_id).await?);
    }
    let records = records.as_mut().expect("read just above");
    match source {
        Source::ById => {
            let page = bulk_read::devices_after(db, records, company_id, *after_id, PAGE).await?;
            if let Some(last) = page.last() {
                *after_id = last.id;
            }
            Ok(page)
        }
        Source::ByIdentity(asked) => {
            asked.narrowing.limit = PAGE as u64;
            let page = library_queries::grouped_devices_in_identity_order(
                db,
                records,
                company_id,
                &asked.filter,
                &asked.narrowing,
            )
            .await?;
            if let Some((key, _)) = page.last() {
                asked.narrowing.after = Some(key.clone());
            }
            Ok(page.into_iter().map(|(_, device)| device).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wants_csv;

    #[test]
    fn the_accept_header_chooses_json_or_csv() {
        for (accept, csv) in [
            (None, Some(false)),
            (Some(""), Some(false)),
            (Some("*/*"), Some(false)),
            (Some("application/json"), Some(false)),
            (Some("text/csv"), Some(true)),
            (Some("TEXT/CSV; charset=utf-8"), Some(true)),
            (Some("text/csv, */*"), Some(true)),
            (Some("text/csv, application/json"), Some(true)),
            (Some("application/json;q=0.5, text/csv"), Some(true)),
            (Some("text/csv;q=0, */*"), Some(false)),
            (Some("text/*"), Some(true)),
            (Some("application/xml"), None),
            (Some("application/json;q=0"), None),
            (Some("image/png, text/html"), None),
        ] {
            assert_eq!(wants_csv(accept), csv, "{accept:?}");
        }
    }
}
