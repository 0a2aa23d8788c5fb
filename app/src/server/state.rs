//! What every server function can reach: provided into the Leptos context by the server for each
//! request (see `server/src/router.rs`).

use leptos::prelude::use_context;

use super::{internal, Database};
use crate::AppError;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
}

/// The state of the running server, from inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| internal("AppState missing from the server function context"))
}
