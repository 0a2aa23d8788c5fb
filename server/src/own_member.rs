//! The signed-in member of their own company making a plain HTTP request (an upload, an export):
//! the `Caller` server functions get, as an axum extractor. A request without a session, or from
//! someone who is not a member of their own company (support access only reads through the app),
//! is answered with the same JSON refusal as the upload API.

use app::{
    accounts::{
        caller::Caller,
        session::{ClientAddress, SessionInfo},
        Membership,
    },
    inventory::UploadError,
    platform::AppState,
    AppError,
};
use axum::{extract::FromRequestParts, http::request::Parts, response::Response};

use crate::uploads::error_response;

pub struct OwnMember {
    pub caller: Caller,
    pub membership: Membership,
    /// Where the request came from (for the security log).
    pub client: String,
}

impl FromRequestParts<AppState> for OwnMember {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let refused = |err: AppError| error_response(&UploadError::from(err));
        let session = parts.extensions.get::<SessionInfo>().cloned();
        let session = session
            .ok_or_else(|| missing_session(parts))
            .map_err(refused)?;
        let caller = Caller::of_session(state, session).await.map_err(refused)?;
        let membership = caller.member().map_err(refused)?.clone();
        let client = parts
            .extensions
            .get::<ClientAddress>()
            .map_or_else(|| "unknown".to_owned(), |address| address.0.clone());
        Ok(OwnMember {
            caller,
            membership,
            client,
        })
    }
}

/// The refusal for a request without a live session: why someone ended it, or plainly "sign in".
pub fn missing_session(parts: &Parts) -> AppError {
    match parts.extensions.get::<app::error::SessionEnd>() {
        Some(end) => AppError::SessionEnded(*end),
        None => AppError::NotSignedIn,
    }
}
