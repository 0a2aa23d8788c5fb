//! Internal failures: logged in full here, shown to the person only as a reference.

use std::fmt::Display;

use leptos::prelude::use_context;

use crate::AppError;

/// The header the server's request-id layer sets on every request (and echoes in the response).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Logs `err` with the request's id and returns the generic error the browser may see.
pub fn internal(err: impl Display) -> AppError {
    let reference = current_request_id().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    tracing::error!(request_id = %reference, error = %err, "internal error");
    AppError::Internal { reference }
}

fn current_request_id() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let value = parts.headers.get(REQUEST_ID_HEADER)?;
    value.to_str().ok().map(str::to_owned)
}
