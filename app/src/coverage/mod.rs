//! Coverage: how a device is matched to contract lines, and what its status is; a device's
//! coverage over time, and deciding a company's devices again on request.

pub mod decision;
pub mod normalise;
pub mod vocabulary;
server_only! {
    pub mod lines;
    pub mod queries;
    pub mod queue;
    pub mod recompute;
    mod sqlite_read;
}
#[cfg(feature = "ssr")]
pub use sqlite_read::UploadLines;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;
use crate::AppError;
pub use vocabulary::{Cause, ReasonCode, Status};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CoverageError {
    #[error("No such device in your inventory.")]
    DeviceNotFound,
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(CoverageError {
    CoverageError::DeviceNotFound => 404,
});

/// One period of a device's coverage, newest first in a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CoveragePeriod {
    pub status: Status,
    pub reason: Option<ReasonCode>,
    pub registry_pid: Option<String>,
    pub contract_number: Option<String>,
    pub service_level: Option<String>,
    pub coverage_end: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(rename = "valid_from"))]
    pub from: String,
    /// `None` for the current period.
    #[cfg_attr(feature = "ssr", sqlx(rename = "valid_until"))]
    pub until: Option<String>,
    /// What started this period.
    pub cause: Cause,
}

/// Decides the coverage of every device of the company again (DA and Admin): *Refresh coverage
/// now*.
#[server(endpoint = "coverage/refresh")]
pub async fn refresh_coverage() -> Result<Recomputed, CoverageError> {
    serve(async |state, caller| {
        let membership = caller.manager()?;
        let recomputed = recompute::recompute_company(
            &state.db,
            &membership.company_id,
            state.settings.expiring_window_days,
            Cause::Refresh,
        )
        .await?;
        Ok(recomputed)
    })
    .await
}

/// A device's coverage over time, current period first. Another company's device is simply not
/// found.
#[server(endpoint = "coverage/device-timeline")]
pub async fn device_coverage_timeline(
    device_id: i64,
) -> Result<Vec<CoveragePeriod>, CoverageError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        let timeline = queries::coverage_timeline(&mut conn, company_id, device_id).await?;
        if timeline.is_empty() {
            Err(CoverageError::DeviceNotFound)
        } else {
            Ok(timeline)
        }
    })
    .await
}

/// What a recompute did (see `recompute`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recomputed {
    /// Devices decided again.
    pub devices: u64,
    /// Of those, devices whose status or deciding contract changed.
    pub changed: u64,
}
