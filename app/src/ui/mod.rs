//! The browser UI: one component per file, grouped by feature.

mod app;
pub mod home;
pub mod not_found_page;
pub mod shell;

pub use app::App;
