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
// The views run in the browser only: the server serves the built app and never renders them.
// Left out of the server's build, which they made minutes slower; its unit tests still see them.
#[cfg(any(not(feature = "ssr"), test))]
pub mod ui;

#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod platform;

pub use error::AppError;
#[cfg(any(not(feature = "ssr"), test))]
pub use ui::{AccountsApp, AdminApp, AgentsApp, HomeApp, PortalApp};
