//! The vendor's entitlement registry: companies, sites, contracts, contract lines and account
//! associations. Onboarding validates against it; coverage is computed from it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod queries;

/// How much the registry of this NetCare instance holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryStats {
    pub companies: i64,
    pub sites: i64,
    pub contracts: i64,
    pub contract_lines: i64,
    pub associated_accounts: i64,
}

impl RegistryStats {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Counts of what the registry holds, for the landing page.
#[server(endpoint = "registry/stats")]
pub async fn load_registry_stats() -> Result<RegistryStats, AppError> {
    use crate::server::{app_state, internal};
    let state = app_state()?;
    queries::registry_stats(state.db.pool())
        .await
        .map_err(internal)
}
