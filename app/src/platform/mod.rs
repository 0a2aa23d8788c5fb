//! Server-only plumbing shared by every area: the database, the state server functions see, and
//! the mapping of internal failures to [`crate::AppError`].

pub mod client_address;
pub mod clock;
pub mod db;
pub mod digest;
pub mod failure;
pub mod retry;
pub mod sql;
pub mod state;
pub mod throttle;
pub mod work_slots;

pub use db::{Backend, Database};
pub use failure::internal;
pub use state::{app_state, AppState, Settings};
