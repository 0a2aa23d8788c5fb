//! NetCare's shared crate: compiled for the browser (`csr`) and for the server (`ssr`).
//!
//! One module per domain area (see ARCHITECTURE.md). Each area holds its plain types, its pure
//! rules, its `#[server]` functions and, behind `ssr`, the SQL that backs them.

/// Declares modules compiled for the server only (`ssr`): SQL, sessions, services. The browser
/// never sees them.
macro_rules! server_only {
    ($($vis:vis mod $name:ident;)*) => {$(
        #[cfg(feature = "ssr")]
        $vis mod $name;
    )*};
}

pub mod access;
pub mod accounts;
pub mod alerts;
pub mod bundles;
pub mod contexts;
pub mod coverage;
pub mod dashboard;
pub mod error;
pub mod inventory;
pub mod library;
pub mod onboarding;
pub mod registry;
pub mod security_log;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod platform;

pub use error::AppError;
pub use ui::{AccountsApp, AdminApp, AgentsApp, PortalApp};
