//! The collector API's answers as types: each handler serialises one of these, and the OpenAPI
//! document describes the same types (`super::openapi`), so the two cannot tell different stories.

use std::collections::BTreeMap;

use app::{
    inventory::{QuotaStatus, RejectedRow, TokenScope, UploadItem, UploadSummary},
    library::{ContractSummary, CoverageSummary, ExpiringContract},
};
use serde::Serialize;
use utoipa::ToSchema;

/// Every refusal: a stable code, a sentence for people, and what some refusals add.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable code, e.g. invalid_token, insufficient_scope, invalid_query, invalid_file,
    /// nothing_accepted, quota_exhausted, too_many_refused_uploads, too_many_unknown_serials, too_large, unsupported_media_type,
    /// idempotency_key_reused, replace_retires_too_much, not_found, not_acceptable, busy, internal.
    pub error: String,
    /// What went wrong, for people.
    pub message: String,
    /// `quota_exhausted`: when the quota resets (also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, nullable = false)]
    pub resets_at: Option<String>,
    /// `nothing_accepted`: how many rows were rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub rejected: Option<u64>,
    /// `nothing_accepted`: the file's header cells.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub columns: Option<Vec<String>>,
    /// `nothing_accepted`: the first 10,000 rejected rows with their reasons.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub rejected_rows: Option<Vec<RejectedRow>>,
    /// `nothing_accepted`: whether `rejected_rows` lists every rejected row (nothing is kept
    /// of a refused upload: fix the file and send it again).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub rejected_rows_complete: Option<bool>,
}

impl Problem {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Problem {
            error: code.to_owned(),
            message: message.into(),
            resets_at: None,
            rejected: None,
            columns: None,
            rejected_rows: None,
            rejected_rows_complete: None,
        }
    }
}

/// An upload's summary, with whether its `rejected_rows` are all of them and where every one
/// can be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadAnswer {
    #[serde(flatten)]
    pub summary: UploadSummary,
    /// Whether `rejected_rows` lists every rejected row; when not, all of them are at
    /// `rejected_rows_url`.
    pub rejected_rows_complete: bool,
    /// Where every rejected row of this upload can be read, a page at a time; null when none
    /// was rejected, and for a dry run (nothing was kept).
    pub rejected_rows_url: Option<String>,
}

impl UploadAnswer {
    pub fn of(summary: UploadSummary) -> Self {
        let complete = summary.rejected_rows.len() as u64 >= summary.rejected;
        let url = (!summary.dry_run && summary.rejected > 0)
            .then(|| format!("/api/v1/uploads/{}/rejected_rows", summary.upload_id));
        UploadAnswer {
            summary,
            rejected_rows_complete: complete,
            rejected_rows_url: url,
        }
    }
}

/// The recent uploads and today's quota.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadList {
    /// The 50 most recent uploads, newest first.
    pub uploads: Vec<UploadItem>,
    pub quota: QuotaStatus,
}

/// A page of an upload's rejected rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRowsPage {
    pub rejected_rows: Vec<RejectedRow>,
    /// The next page's link; null on the last page.
    pub next: Option<String>,
}

/// Devices with their coverage: the whole selection, or one page of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DevicesPage {
    pub devices: Vec<app::inventory::DeviceRecord>,
    /// The next page's link; null on the last page, or when streamed whole.
    pub next: Option<String>,
    /// On a page without a cursor: how many devices match in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub count: Option<u64>,
}

/// The devices with one serial number (one per product ID it was uploaded with).
#[derive(Debug, Serialize, ToSchema)]
pub struct SerialDevices {
    #[schema(min_items = 1)]
    pub devices: Vec<app::inventory::DeviceRecord>,
}

/// The company's coverage at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageSummaryAnswer {
    /// Devices in the inventory.
    pub devices: u64,
    /// Devices by status: covered, expiring, future, expired, not_covered (zeros included).
    pub by_status: BTreeMap<&'static str, u64>,
    /// Not-covered devices by reason: unknown_serial, pid_mismatch (zeros included).
    pub not_covered_by_reason: BTreeMap<&'static str, u64>,
    /// Contracts with devices whose coverage ends within the expiring window, soonest first.
    pub expiring_contracts: Vec<ExpiringContract>,
    /// The expiring window of this server, in days.
    pub expiring_window_days: u32,
}

impl From<CoverageSummary> for CoverageSummaryAnswer {
    fn from(summary: CoverageSummary) -> Self {
        CoverageSummaryAnswer {
            devices: summary.total(),
            by_status: summary
                .by_status
                .iter()
                .map(|(status, n)| (status.as_str(), *n))
                .collect(),
            not_covered_by_reason: summary
                .by_reason
                .iter()
                .map(|(reason, n)| (reason.as_str(), *n))
                .collect(),
            expiring_contracts: summary.expiring,
            expiring_window_days: summary.expiring_window_days,
        }
    }
}

/// The company's contracts, soonest ending first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractList {
    pub contracts: Vec<ContractSummary>,
}

/// What the token is.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDescription {
    pub company_id: String,
    pub token_name: String,
    /// `read` for every token; `upload` for upload tokens.
    pub scopes: &'static [TokenScope],
    pub uploads_left_today: u32,
    pub quota: QuotaStatus,
}
