//! Companies' device inventories: how devices get in (CSV in the browser, collectors through the
//! HTTP API), one pipeline and one daily quota for all of them, and what an upload answers.

pub mod columns;
pub mod corrections;
pub mod rows;

mod server_fns;
server_only! {
    pub mod fingerprint;
    pub mod ingest;
    pub mod json;
    pub mod probing;
    pub mod queries;
    pub mod reader;
    pub mod tokens;
    pub mod workbook;
}

/// Whether a file starts like an Excel workbook (a ZIP archive, as `.xlsx` files are): the
/// browser previews it through the server, which reads its first sheet (`workbook`).
pub fn is_workbook(start: &[u8]) -> bool {
    start.starts_with(b"PK\x03\x04")
}
pub use server_fns::*;

use serde::{Deserialize, Serialize};

use self::columns::HeaderProblem;
use crate::{
    coverage::{ReasonCode, Status},
    AppError,
};

/// The most rejected rows an upload's answer lists (all are counted).
pub const MAX_LISTED_REJECTIONS: usize = 10_000;

/// The template people download and fill in.
pub const TEMPLATE_PATH: &str = "/public/netcare-inventory-template.csv";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum UploadMethod {
    /// A CSV file imported in the browser.
    Csv,
    /// The vendor's collector, with a collector token.
    Collector,
    /// Another collector, with a collector token.
    ThirdParty,
}

impl UploadMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadMethod::Csv => "csv",
            UploadMethod::Collector => "collector",
            UploadMethod::ThirdParty => "third_party",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "csv" => Some(UploadMethod::Csv),
            "collector" => Some(UploadMethod::Collector),
            "third_party" => Some(UploadMethod::ThirdParty),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UploadMethod::Csv => "CSV file",
            UploadMethod::Collector => "Collector",
            UploadMethod::ThirdParty => "Third-party collector",
        }
    }
}

/// One row that was not accepted: its line in the file, why, and its values as they were (to
/// download, fix and upload again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RejectedRow {
    pub line: u64,
    pub reason: String,
    pub values: Vec<String>,
}

/// An accepted device of an upload that lost an optional value (a malformed IP address, a
/// hostname too long…): its line and what was left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RowWarning {
    pub line: u64,
    pub message: String,
}

/// Today's uploads against the daily limit (UTC days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QuotaStatus {
    pub used: u32,
    pub limit: u32,
    /// The quota day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub day: String,
    /// When the next day's quota starts (RFC 3339, UTC).
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub resets_at: String,
}

impl QuotaStatus {
    pub fn left(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }
}

/// Devices of an upload by coverage status, as computed when it landed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CoverageCounts {
    pub covered: u64,
    pub expiring: u64,
    pub future: u64,
    pub expired: u64,
    pub not_covered: u64,
}

/// How an upload relates to the devices already in the inventory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum UploadMode {
    /// Adds new devices and updates known ones; nothing else changes.
    #[default]
    Merge,
    /// The collector's whole inventory: its devices missing from this upload are marked no longer
    /// seen (never when rows were rejected, and never more than the configured share at once
    /// without `force`).
    Replace,
}

impl UploadMode {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadMode::Merge => "merge",
            UploadMode::Replace => "replace",
        }
    }
}

/// What a collector token may do. Integrations that only read get `Read`, so a leaked one cannot
/// change the inventory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TokenScope {
    /// Send inventories, and read everything a read-only token reads.
    #[default]
    Upload,
    /// Read devices, coverage, contracts and uploads; never upload.
    Read,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Upload => "upload",
            TokenScope::Read => "read",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "upload" => Some(TokenScope::Upload),
            "read" => Some(TokenScope::Read),
            _ => None,
        }
    }

    /// The scopes as `GET /api/v1/me` lists them: every token reads.
    pub fn granted(self) -> &'static [TokenScope] {
        match self {
            TokenScope::Upload => &[TokenScope::Read, TokenScope::Upload],
            TokenScope::Read => &[TokenScope::Read],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Upload => "Upload and read",
            TokenScope::Read => "Read only",
        }
    }
}

/// What an upload that landed did (or, for a dry run, would have done).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UploadSummary {
    pub upload_id: i64,
    pub method: UploadMethod,
    pub file_name: String,
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub received_at: String,
    /// Data rows read (blank lines are not rows).
    pub rows: u64,
    pub accepted: u64,
    /// Of the accepted: devices new to the inventory, and ones already there (now updated).
    pub added: u64,
    pub updated: u64,
    pub rejected: u64,
    /// The file's header cells: the order of each rejected row's `values`.
    pub columns: Vec<String>,
    /// The first 10,000 rejected rows (`MAX_LISTED_REJECTIONS`).
    pub rejected_rows: Vec<RejectedRow>,
    /// `replace` when the collector's devices missing from it were retired. (Read as `merge` from
    /// uploads stored before modes.)
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub mode: UploadMode,
    /// Checked, decided and counted, but nothing was written and no quota was used.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub dry_run: bool,
    /// Devices the same collector reported before and not in this upload (replace only).
    pub no_longer_seen: u64,
    /// A replace with rejected rows retires nothing: a device whose row was rejected is still
    /// there. `true` when that held devices back.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub retirement_held_back: bool,
    /// Accepted devices that lost an optional value (counted); `warnings` lists the first 10,000.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub warned: u64,
    /// The line of each warned device and what was left out.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub warnings: Vec<RowWarning>,
    pub coverage: CoverageCounts,
    pub quota: QuotaStatus,
}

/// An upload in the list of recent ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UploadItem {
    pub upload_id: i64,
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub received_at: String,
    pub method: UploadMethod,
    /// The person, or the collector token's name.
    pub by: String,
    pub file_name: String,
    pub accepted: u64,
    pub rejected: u64,
    pub no_longer_seen: u64,
}

/// Recent uploads and today's quota, for the Uploads dashlet and page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadOverview {
    pub quota: QuotaStatus,
    pub recent: Vec<UploadItem>,
    pub devices: u64,
    /// Whether the person may manage collectors and delete the inventory.
    pub can_manage: bool,
}

/// A device of the inventory with its coverage as last computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceRecord {
    pub id: i64,
    pub serial_number: String,
    pub product_id: String,
    pub hostname: String,
    pub ip_address: String,
    pub mac_address: String,
    /// The operating system (`IOS XE`, `NX-OS`, …); empty when not uploaded.
    pub software_type: String,
    pub software_version: String,
    pub site: String,
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub first_seen_at: String,
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub last_seen_at: String,
    /// Set when the collector that reported it stopped reporting it.
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub no_longer_seen_at: Option<String>,
    pub coverage: DeviceCoverage,
    /// Set when an end-of-life bulletin lists the device's product.
    pub hardware_end_of_life: Option<crate::alerts::HardwareEndOfLife>,
    /// Where its software stands against security advisories.
    pub security: crate::alerts::SecurityAssessment,
    /// Field notices that affect it.
    pub field_notices: u32,
    /// Set when a software end-of-life bulletin covers its release train.
    pub software_end_of_life: Option<crate::alerts::SoftwareEndOfLife>,
}

impl DeviceRecord {
    /// What names the device: its serial number, or for a phone (which has none) its MAC address.
    pub fn name(&self) -> &str {
        if self.serial_number.is_empty() {
            &self.mac_address
        } else {
            &self.serial_number
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceCoverage {
    pub status: Status,
    /// Set for `not_covered` only.
    pub reason: Option<ReasonCode>,
    /// For `pid_mismatch`: the product ID the registry has for this serial number.
    pub registry_product_id: Option<String>,
    pub contract_number: Option<String>,
    pub service_level: Option<String>,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub start_date: Option<String>,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub end_date: Option<String>,
    /// Whole days from today to `end_date`, for a covered or expiring device.
    #[serde(default)]
    pub days_left: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub computed_at: String,
}

/// Why a whole file was refused (before any row was looked at).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FileProblem {
    #[error("The file is empty: it needs a header row and one device per line.")]
    Empty,
    #[error("The file has a header row but no devices.")]
    NoRows,
    #[error("This is not a CSV file: it looks like {0}.")]
    NotCsv(String),
    #[error("The header row is not UTF-8 text: save the file as CSV UTF-8.")]
    NotUtf8Header,
    #[error("{0}")]
    Header(HeaderProblem),
    #[error("The body is not valid JSON of the form {{\"devices\":[…]}}: {0}")]
    InvalidJson(String),
    #[error("The file could not be read: {0}")]
    Unreadable(String),
    #[error("The columns chosen for the file cannot be used: {0}")]
    BadColumnChoice(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UploadError {
    #[error("Today's {limit} uploads are used; the quota resets at {}.", readable_time(.resets_at))]
    QuotaExhausted { limit: u32, resets_at: String },
    #[error("{0}")]
    File(FileProblem),
    #[error("Today's {limit} refused uploads are used: NetCare reads no more files for your company until {}. Fix the file with the reasons the refusals gave, then send it again.", readable_time(.resets_at))]
    TooManyRefused { limit: u32, resets_at: String },
    #[error("Today's {limit} uploads naming mostly serial numbers NetCare does not know are used: such uploads look like guessing serial numbers, so this one was not kept. Uploads of your real inventory go on; this limit resets at {}.", readable_time(.resets_at))]
    TooManyProbing { limit: u32, resets_at: String },
    #[error("No device was accepted ({rejected} rows rejected); nothing was changed and the upload does not count.")]
    NothingAccepted {
        rejected: u64,
        columns: Vec<String>,
        rejected_rows: Vec<RejectedRow>,
    },
    #[error("The file is larger than the {limit_mb} MB an upload may be.")]
    TooLarge { limit_mb: u64 },
    #[error("The server has no room to store this upload (its disk is full or a file size limit was reached). Nothing was changed and the upload does not count; try again later or tell your administrator.")]
    StorageFull,
    #[error("Give the collector a name (up to 100 characters).")]
    InvalidTokenName,
    #[error("A token lasts 1 to 730 days, or until it is revoked.")]
    InvalidTokenExpiry,
    #[error("No such collector token.")]
    TokenNotFound,
    #[error("To delete the inventory, confirm by typing DELETE.")]
    NotConfirmed,
    #[error("This Idempotency-Key was used in the last 24 hours for another request (a different body, content type, source or mode). Nothing was changed and the upload does not count; send a new upload with a new key.")]
    IdempotencyKeyReused,
    #[error("This replace upload would mark {would_retire} of your {inventory} devices as no longer seen, more than the {limit_percent}% allowed at once. Nothing was changed and the upload does not count. If the file really is the collector's whole inventory, send it again with force=true; to add or update devices only, use mode=merge.")]
    ReplaceRetiresTooMuch {
        would_retire: u64,
        inventory: u64,
        limit_percent: u32,
    },
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(UploadError, own_database_errors {
    UploadError::QuotaExhausted { .. } => 429,
    UploadError::TooManyRefused { .. } => 429,
    UploadError::TooManyProbing { .. } => 429,
    UploadError::NothingAccepted { .. } => 422,
    UploadError::TooLarge { .. } => 413,
    UploadError::StorageFull => 507,
    UploadError::TokenNotFound => 404,
    UploadError::ReplaceRetiresTooMuch { .. } => 409,
    UploadError::IdempotencyKeyReused => 422,
    _ => 400,
});

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for UploadError {
    fn from(err: sqlx::Error) -> Self {
        UploadError::database(err)
    }
}

impl UploadError {
    /// A stable machine-readable code, for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::QuotaExhausted { .. } => "quota_exhausted",
            UploadError::File(_) => "invalid_file",
            UploadError::TooManyRefused { .. } => "too_many_refused_uploads",
            UploadError::TooManyProbing { .. } => "too_many_unknown_serials",
            UploadError::NothingAccepted { .. } => "nothing_accepted",
            UploadError::TooLarge { .. } => "too_large",
            UploadError::StorageFull => "storage_full",
            UploadError::InvalidTokenName => "invalid_name",
            UploadError::InvalidTokenExpiry => "invalid_expiry",
            UploadError::TokenNotFound => "not_found",
            UploadError::NotConfirmed => "not_confirmed",
            UploadError::ReplaceRetiresTooMuch { .. } => "replace_retires_too_much",
            UploadError::IdempotencyKeyReused => "idempotency_key_reused",
            UploadError::App(err) => err.code(),
        }
    }
}

#[cfg(feature = "ssr")]
impl UploadError {
    /// A database failure: logged in full on the server, shown as a reference; a full disk is
    /// said as such (it is nobody's mistake in the file, and passes).
    pub fn database(err: sqlx::Error) -> Self {
        if crate::platform::retry::is_storage_full(&err) {
            tracing::error!(error = %err, "the database cannot grow: storage full");
            return UploadError::StorageFull;
        }
        UploadError::App(crate::platform::internal(err))
    }

    /// A failure writing a file (the upload's spool): a full disk is said as such.
    pub fn storage(err: std::io::Error) -> Self {
        use std::io::ErrorKind;
        if matches!(
            err.kind(),
            ErrorKind::StorageFull | ErrorKind::FileTooLarge | ErrorKind::QuotaExceeded
        ) {
            tracing::error!(error = %err, "cannot spool an upload: storage full");
            return UploadError::StorageFull;
        }
        UploadError::App(crate::platform::internal(err))
    }
}

/// An RFC 3339 UTC timestamp as people read it: `2026-11-25 00:00 UTC`.
pub fn readable_time(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => timestamp.to_owned(),
    }
}

/// A cell made safe to open in a spreadsheet: text that starts like a formula (`=`, `+`, `-`,
/// `@`, tab, carriage return, also after leading spaces, which spreadsheets skip) gets a leading
/// apostrophe so it is shown, never run.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_a_formula = |c: char| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r');
    match cell.trim_start_matches(' ').chars().next() {
        Some(c) if starts_a_formula(c) || cell.starts_with(starts_a_formula) => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn the_quota_refusal_says_when_it_resets() {
        let refusal = super::UploadError::QuotaExhausted {
            limit: 5,
            resets_at: "2026-11-25T00:00:00.000000Z".into(),
        };
        assert_eq!(
            refusal.to_string(),
            "Today's 5 uploads are used; the quota resets at 2026-11-25 00:00 UTC."
        );
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for formula in [
            "=HYPERLINK(\"x\")",
            "+1+1",
            "-2",
            "@SUM(1)",
            "\tx",
            "\rx",
            "  =1+1",
        ] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for plain in ["FOC1", "", "10.0.0.1", "a=b"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }
}
