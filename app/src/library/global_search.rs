//! The top bar's search: the caller's company's devices, contracts and (for DAs and Admins) people
//! whose names or numbers contain a text. The matching rule is a plain function; the devices are
//! found as the Library's search finds them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ContractSummary, LibraryError};
#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;
use crate::{accounts::Role, coverage::Status};

/// How many of each kind the search shows.
pub const SHOWN: usize = 5;
/// The shortest text searched, in characters (one letter matches nearly everything).
pub const SHORTEST: usize = 2;
/// The longest text searched, in characters.
pub const LONGEST: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub devices: Vec<FoundDevice>,
    /// Devices matching, counted as the Library counts them (`devices_more`: at least).
    pub devices_total: u64,
    pub devices_more: bool,
    pub contracts: Vec<ContractSummary>,
    pub contracts_total: usize,
    /// `None`: people are not the caller's to search (only DAs and Admins manage them).
    pub people: Option<Vec<FoundPerson>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundDevice {
    pub id: i64,
    /// Serial number, or the MAC address of a device without one.
    pub name: String,
    pub hostname: String,
    pub product_id: String,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundPerson {
    pub full_name: String,
    pub email: String,
    pub role: Role,
}

/// Whether `value` contains `term`, in any case.
pub fn contains_text(value: &str, term: &str) -> bool {
    value.to_lowercase().contains(&term.to_lowercase())
}

/// The text to search for: trimmed; `None` when too short to search.
pub fn search_term(raw: &str) -> Result<Option<String>, LibraryError> {
    let term = raw.trim();
    match term.chars().count() {
        n if n > LONGEST => Err(LibraryError::SearchTooLong),
        n if n < SHORTEST => Ok(None),
        _ => Ok(Some(term.to_owned())),
    }
}

#[server(endpoint = "search")]
pub async fn search_everything(term: String) -> Result<SearchResults, LibraryError> {
    serve(async |state, caller| {
        let membership = caller.company()?;
        let company_id = membership.company_id.as_str();
        let Some(term) = search_term(&term)? else {
            return Ok(SearchResults::default());
        };
        let mut conn = state.db.conn().await?;
        let filter = super::DeviceFilter {
            search: term.clone(),
            ..super::DeviceFilter::default()
        };
        let backend = state.db.backend();
        let page =
            super::queries::device_page(&mut conn, backend, company_id, &filter, 0, SHOWN as u64)
                .await?;
        let devices = page
            .devices
            .into_iter()
            .map(|device| FoundDevice {
                id: device.id,
                name: device.name().to_owned(),
                hostname: device.hostname,
                product_id: device.product_id,
                status: device.coverage.status,
            })
            .collect();
        let clock = crate::coverage::lines::clock_now(state.settings.expiring_window_days);
        let contracts: Vec<ContractSummary> =
            super::queries::company_contracts(&mut conn, company_id, &clock)
                .await?
                .into_iter()
                .filter(|c| contains_text(&c.contract_number, &term))
                .collect();
        let people = if membership.role.manages() {
            let members =
                crate::access::queries::members(&mut conn, company_id, caller.account_id).await?;
            Some(
                members
                    .into_iter()
                    .filter(|m| {
                        [&m.full_name, &m.email, &m.username]
                            .iter()
                            .any(|v| contains_text(v, &term))
                    })
                    .take(SHOWN)
                    .map(|m| FoundPerson {
                        full_name: m.full_name,
                        email: m.email,
                        role: m.role,
                    })
                    .collect(),
            )
        } else {
            None
        };
        Ok(SearchResults {
            devices,
            devices_total: page.total,
            devices_more: page.more,
            contracts_total: contracts.len(),
            contracts: contracts.into_iter().take(SHOWN).collect(),
            people,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_is_trimmed_and_bounded() {
        assert_eq!(search_term("  c9 ").unwrap(), Some("c9".to_owned()));
        assert_eq!(search_term(" x ").unwrap(), None);
        assert_eq!(search_term("").unwrap(), None);
        assert_eq!(
            search_term(&"ü".repeat(LONGEST + 1)),
            Err(LibraryError::SearchTooLong)
        );
        assert!(search_term(&"ü".repeat(LONGEST)).unwrap().is_some());
    }

    #[test]
    fn matching_ignores_case() {
        assert!(contains_text("Dana Admin", "ADM"));
        assert!(contains_text("91000001", "0000"));
        assert!(!contains_text("Dana", "dan a"));
    }
}
