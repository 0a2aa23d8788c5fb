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
    crate::accounts::caller::serve_anyone(async |state| {
        Ok(queries::registry_stats(state.db.pool()).await?)
    })
    .await
}

/// One bad row (or a whole file: line 1 without a column) of a refused registry import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

/// What one file of an accepted import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedFile {
    pub file: String,
    pub rows: u64,
    pub changed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RegistryError {
    #[error("The import was refused; nothing was applied.")]
    Rejected(Vec<ImportProblem>),
    #[error("`{0}` is not a registry file (expected companies.csv, sites.csv, contracts.csv, contract_lines.csv, account_contracts.csv, eox_bulletins.csv or eox_products.csv).")]
    UnknownFile(String),
    #[error("Choose one or more registry files to import.")]
    NoFiles,
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(RegistryError {
    _ => 400,
});

/// The largest registry upload the agents' console accepts (bigger registries: the command line).
pub const CONSOLE_IMPORT_LIMIT: usize = 20 * 1024 * 1024;

/// The agents' console import: the same import as `netcare registry import`, from files the agent
/// picked in the browser (name and text of each).
#[server(endpoint = "agents/registry-import", input = leptos::server_fn::codec::Json)]
pub async fn import_registry_files(
    files: Vec<(String, String)>,
) -> Result<Vec<ImportedFile>, RegistryError> {
    crate::accounts::caller::serve(async |state, caller| {
        use import::{import_registry, ChangeOrigin, ImportError, ImportSource, RegistryFile};
        caller.agent()?;
        let mut source = ImportSource::default();
        for (name, text) in files {
            let file = RegistryFile::from_file_name(name.trim())
                .ok_or(RegistryError::UnknownFile(name.clone()))?;
            source.add(file, std::io::Cursor::new(text.into_bytes()));
        }
        match import_registry(
            &state.db,
            source,
            ChangeOrigin::AgentConsole,
            &caller.username,
        )
        .await
        {
            Ok(report) => {
                // Coverage follows the registry: the devices whose serials the change
                // touched are decided again, in every company that has them.
                // (If this process stopped first, a server's coverage worker would.)
                crate::coverage::queue::recompute_now(
                    &state.db,
                    report.change_id,
                    state.settings.expiring_window_days,
                )
                .await
                .map_err(|err| RegistryError::App(crate::platform::internal(err)))?;
                Ok(report
                    .files
                    .into_iter()
                    .map(|f| ImportedFile {
                        file: f.file.file_name().to_owned(),
                        rows: f.rows,
                        changed: f.changed,
                    })
                    .collect())
            }
            Err(ImportError::Invalid(rows)) => Err(RegistryError::Rejected(
                rows.into_iter()
                    .map(|r| ImportProblem {
                        file: r.file.file_name().to_owned(),
                        line: r.line,
                        column: r.column,
                        reason: r.reason,
                    })
                    .collect(),
            )),
            Err(ImportError::NoFiles) => Err(RegistryError::NoFiles),
            Err(other) => Err(RegistryError::App(crate::platform::internal(other))),
        }
    })
    .await
}
