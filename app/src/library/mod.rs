//! The Library: a company's devices with their coverage (filtered, searched, sorted, paged on the
//! server), the contracts that cover them, and what changed since the last upload.

pub mod filter;
pub mod global_search;
pub mod next_steps;
#[cfg(feature = "ssr")]
mod pid_correction_queries;
pub mod pid_corrections;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
mod saved_view_queries;
pub mod saved_views;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;
use crate::{
    coverage::{Cause, ReasonCode, Status},
    inventory::DeviceRecord,
    AppError,
};
pub use filter::{DeviceFilter, PAGE_SIZE};
pub use global_search::{search_everything, SearchEverything, SearchResults};
pub use pid_corrections::{
    correct_product_id, correct_product_ids, load_pid_correction, undo_pid_correction,
    BulkCorrection, CorrectProductId, CorrectProductIds, LoadPidCorrection, PidCorrection,
    UndoPidCorrection,
};
pub use saved_views::{
    delete_library_view, load_saved_views, save_library_view, DeleteLibraryView, LoadSavedViews,
    SaveLibraryView, SavedView, SavedViewOutcome,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LibraryError {
    #[error("Your company holds no contract with that number in the registry.")]
    ContractNotFound,
    #[error("No such device in your inventory.")]
    DeviceNotFound,
    #[error("Give the view a name.")]
    ViewNameMissing,
    #[error("A view's name is at most 80 characters of text.")]
    ViewNameInvalid,
    #[error("You have 50 saved views, the most one person keeps: delete one first.")]
    TooManyViews,
    #[error(
        "This view's filters are too long to save: shorten the search or select fewer devices."
    )]
    ViewTooLong,
    #[error("No such saved view of yours.")]
    ViewNotFound,
    #[error("Search for at most 100 characters.")]
    SearchTooLong,
    #[error(
        "The registry does not know this device's serial number under another product ID: there is nothing to correct."
    )]
    NoPidMismatch,
    #[error(
        "The registry now knows this serial number as {0}: reload the page to see what to correct to."
    )]
    RegistryPidChanged(String),
    #[error(
        "Your inventory already has this serial number under product ID {0}: that line is the device, and this one a duplicate to remove from your inventory."
    )]
    AlreadyListedUnder(String),
    #[error("This device's product ID was not corrected in NetCare: there is nothing to undo.")]
    NoPidCorrection,
    #[error("Select the devices to correct first.")]
    NothingSelected,
    #[error("Select at most 500 devices at once.")]
    TooManySelected,
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(LibraryError {
    LibraryError::ContractNotFound => 404,
    LibraryError::DeviceNotFound => 404,
    LibraryError::ViewNameMissing => 422,
    LibraryError::ViewNameInvalid => 422,
    LibraryError::TooManyViews => 409,
    LibraryError::ViewTooLong => 422,
    LibraryError::ViewNotFound => 404,
    LibraryError::SearchTooLong => 422,
    LibraryError::NoPidMismatch => 409,
    LibraryError::RegistryPidChanged(_) => 409,
    LibraryError::AlreadyListedUnder(_) => 409,
    LibraryError::NoPidCorrection => 409,
    LibraryError::NothingSelected => 422,
    LibraryError::TooManySelected => 422,
});

/// How far past the current page matching devices are counted.
pub const COUNT_LIMIT: u64 = 10_000;

/// One page of the Library's devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePage {
    pub devices: Vec<DeviceRecord>,
    /// Devices matching the filter, all pages together, counted up to [`COUNT_LIMIT`] past the
    /// page shown (counting a million matches exactly would cost more than the page itself).
    pub total: u64,
    /// `total` is "at least": more devices match.
    pub more: bool,
    pub offset: u64,
}

/// The company's coverage at a glance, for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageSummary {
    /// Devices by status, every status in its order (zeros included).
    pub by_status: Vec<(Status, u64)>,
    /// Not-covered devices by reason, every reason in its order.
    pub by_reason: Vec<(ReasonCode, u64)>,
    /// Contracts with devices whose coverage ends within the expiring window, soonest first.
    pub expiring: Vec<ExpiringContract>,
    /// The expiring window, in days, as this server is configured.
    pub expiring_window_days: u32,
}

impl CoverageSummary {
    pub fn total(&self) -> u64 {
        self.by_status.iter().map(|(_, n)| n).sum()
    }
}

/// A contract some of whose lines covering the company's devices end soon (within the expiring
/// window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExpiringContract {
    pub contract_number: String,
    pub service_level: String,
    /// When the first of those lines ends.
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub end_date: String,
    /// Devices whose coverage through this contract ends within the window.
    pub devices: u64,
    /// When the contract itself ends: often later than the lines above (`None` when the
    /// registry no longer lists it).
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub contract_end: Option<String>,
}

/// A contract covering some of the company's devices (or added by number): only its own terms,
/// nothing of who holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContractSummary {
    pub contract_number: String,
    pub service_level: String,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub start_date: String,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub end_date: String,
    /// The company's devices whose coverage this contract decides.
    pub devices: u64,
    /// Added to the Library by number.
    pub added: bool,
    /// The site the contract is for; empty: the whole organisation.
    pub site: String,
    /// How the contract stands today.
    pub standing: ContractStanding,
    /// Days until it ends, for a contract running today (0: it ends today).
    pub days_left: Option<i64>,
}

/// How a contract stands on a day, by its own dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ContractStanding {
    Active,
    /// Running, and ending within the expiring window.
    Expiring,
    /// Starting later.
    Future,
    Expired,
}

impl ContractStanding {
    /// The standing of a contract running from `start` to `end` (`YYYY-MM-DD`) on `today`, when
    /// contracts ending by `expiring_until` are expiring.
    pub fn of(start: &str, end: &str, today: &str, expiring_until: &str) -> Self {
        if start > today {
            ContractStanding::Future
        } else if end < today {
            ContractStanding::Expired
        } else if end <= expiring_until {
            ContractStanding::Expiring
        } else {
            ContractStanding::Active
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContractStanding::Active => "Active",
            ContractStanding::Expiring => "Expiring soon",
            ContractStanding::Future => "Starts later",
            ContractStanding::Expired => "Expired",
        }
    }
}

/// A contract just added to the Library by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedContract {
    pub contract: ContractSummary,
    /// It was listed already (it covers devices, or was added before): nothing changed.
    pub already_listed: bool,
}

/// A device whose coverage changed since the company's last upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CoverageChange {
    pub device_id: i64,
    pub serial_number: String,
    pub product_id: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "status_before"))]
    pub before: Status,
    #[cfg_attr(feature = "ssr", sqlx(rename = "status_now"))]
    pub now: Status,
    pub contract_number: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(rename = "changed_at"))]
    pub at: String,
    pub cause: Cause,
}

#[server(endpoint = "library/devices", input = leptos::server_fn::codec::Json)]
pub async fn load_library_devices(
    filter: DeviceFilter,
    offset: u64,
) -> Result<DevicePage, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        let backend = state.db.backend();
        Ok(
            queries::device_page(&mut conn, backend, company_id, &filter, offset, PAGE_SIZE)
                .await?,
        )
    })
    .await
}

/// One device of the company, for its page. Another company's device is simply not found.
#[server(endpoint = "library/device")]
pub async fn load_device(device_id: i64) -> Result<DeviceRecord, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        queries::device_by_id(&mut conn, company_id, device_id)
            .await?
            .ok_or(LibraryError::DeviceNotFound)
    })
    .await
}

/// The security advisories affecting one of the company's devices, worst first.
#[server(endpoint = "library/device-advisories")]
pub async fn load_device_advisories(
    device_id: i64,
) -> Result<Vec<crate::alerts::DeviceAdvisory>, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        if !queries::device_exists(&mut conn, company_id, device_id).await? {
            return Err(LibraryError::DeviceNotFound);
        }
        Ok(crate::alerts::queries::device_advisories(&mut conn, company_id, device_id).await?)
    })
    .await
}

/// The field notices listing one of the company's devices' product, each decided for the device.
#[server(endpoint = "library/device-notices")]
pub async fn load_device_notices(
    device_id: i64,
) -> Result<Vec<crate::alerts::DeviceNotice>, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        if !queries::device_exists(&mut conn, company_id, device_id).await? {
            return Err(LibraryError::DeviceNotFound);
        }
        Ok(crate::alerts::queries::device_notices(&mut conn, company_id, device_id).await?)
    })
    .await
}

/// What changed for one of the company's devices: its software replaced by uploads (and which
/// advisories that ended or brought), its advisories and notices as published and updated, and
/// the end-of-life milestones it has passed — newest first.
#[server(endpoint = "library/device-alert-history")]
pub async fn load_device_alert_history(
    device_id: i64,
) -> Result<Vec<crate::alerts::history::AlertEvent>, LibraryError> {
    serve(async |state, caller| {
        use crate::alerts::queries as alerts;
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        let device = queries::device_by_id(&mut conn, company_id, device_id)
            .await?
            .ok_or(LibraryError::DeviceNotFound)?;
        let advisories = alerts::device_advisories(&mut conn, company_id, device_id).await?;
        let notices = alerts::device_notices(&mut conn, company_id, device_id).await?;
        let earlier = alerts::earlier_software(&mut conn, company_id, device_id).await?;
        let software = format!("{} {}", device.software_type, device.software_version);
        let current: Vec<String> = advisories.iter().map(|a| a.advisory_id.clone()).collect();
        let mut bulletins = Vec::new();
        if let Some(eol) = &device.hardware_end_of_life {
            bulletins.push((eol.bulletin_number.as_str(), "", &eol.milestones));
        }
        let train = device
            .software_end_of_life
            .as_ref()
            .map(|s| (s, format!("{} {}", s.software_type, s.release_train)));
        if let Some((s, name)) = &train {
            bulletins.push((s.bulletin_number.as_str(), name.as_str(), &s.milestones));
        }
        let today = crate::platform::clock::date_today();
        Ok(crate::alerts::history::alert_history(
            (software.trim(), &current),
            &earlier,
            &advisories,
            &notices,
            &bulletins,
            &today,
        ))
    })
    .await
}

/// What the Library's site, product ID and contract filters offer to pick from: the values the
/// company's devices have (at most [`queries::CHOICES`] of each, in order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub sites: Vec<String>,
    pub pids: Vec<String>,
    pub contracts: Vec<String>,
}

#[server(endpoint = "library/choices")]
pub async fn load_filter_choices() -> Result<FilterChoices, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        Ok(queries::filter_choices(&mut conn, company_id).await?)
    })
    .await
}

#[server(endpoint = "library/summary")]
pub async fn load_coverage_summary() -> Result<CoverageSummary, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        let window_days = state.settings.expiring_window_days;
        Ok(queries::coverage_summary(&mut conn, company_id, window_days).await?)
    })
    .await
}

#[server(endpoint = "library/contracts")]
pub async fn load_company_contracts() -> Result<Vec<ContractSummary>, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let clock = crate::coverage::lines::clock_now(state.settings.expiring_window_days);
        let mut conn = state.db.conn().await?;
        Ok(queries::company_contracts(&mut conn, company_id, &clock).await?)
    })
    .await
}

/// Adds a contract the company holds to its Library, to see it before any device is uploaded.
#[server(endpoint = "library/contracts/add")]
pub async fn add_company_contract(contract_number: String) -> Result<AddedContract, LibraryError> {
    serve(async |state, caller| {
        let company_id = caller.member()?.company_id.as_str();
        let clock = crate::coverage::lines::clock_now(state.settings.expiring_window_days);
        let number = contract_number.trim();
        let mut tx = state.db.begin_write().await?;
        if !queries::holds_contract(&mut tx, company_id, number).await? {
            return Err(LibraryError::ContractNotFound);
        }
        let listed = |contracts: Vec<ContractSummary>| {
            contracts.into_iter().find(|c| c.contract_number == number)
        };
        let before = queries::company_contracts(&mut tx, company_id, &clock).await?;
        let already_listed = listed(before).is_some();
        queries::add_contract(&mut tx, company_id, number, caller.account_id).await?;
        let after = queries::company_contracts(&mut tx, company_id, &clock).await?;
        tx.commit().await?;
        let contract = listed(after).ok_or(LibraryError::ContractNotFound)?;
        Ok(AddedContract {
            contract,
            already_listed,
        })
    })
    .await
}

/// Coverage changes since the company's last upload (that upload's own changes included).
#[server(endpoint = "library/changes")]
pub async fn load_coverage_changes() -> Result<Vec<CoverageChange>, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        Ok(queries::changes_since_last_upload(&mut conn, company_id).await?)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::ContractStanding;

    #[test]
    fn a_contract_stands_by_its_dates_on_a_day() {
        use ContractStanding::*;
        for (start, end, standing, why) in [
            ("2026-01-01", "2028-01-01", Active, "runs"),
            (
                "2026-01-01",
                "2027-02-28",
                Expiring,
                "ends on the window's last day",
            ),
            ("2026-01-01", "2026-11-30", Expiring, "ends today"),
            ("2026-01-01", "2026-11-29", Expired, "ended yesterday"),
            ("2026-12-01", "2028-01-01", Future, "starts tomorrow"),
            ("2026-11-30", "2028-01-01", Active, "starts today"),
        ] {
            let on = ContractStanding::of(start, end, "2026-11-30", "2027-02-28");
            assert_eq!(on, standing, "{why}");
        }
    }
}
