//! The browser UI: one component per file, grouped by feature.

pub mod access;
pub mod accounts;
mod app;
pub mod dashlets;
pub mod data_table;
pub mod forms;
pub mod home;
pub mod inventory;
pub mod kept;
pub mod library;
pub mod loading;
pub mod not_found_page;
pub mod onboarding;
pub mod shell;
pub mod show_more;
pub mod theme;
pub mod whose;

pub use app::{AccountsApp, AdminApp, AgentsApp, HomeApp, PortalApp};
