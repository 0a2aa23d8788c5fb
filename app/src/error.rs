//! The error every server function returns, shaped for the UI.
//!
//! Variants are things a person can act on. Database and other internal failures are logged in
//! full on the server and reach the browser only as [`AppError::Internal`] with a reference the
//! person can quote, never with their text.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Something failed on the server; details are in the server log under this reference.
    #[error(
        "Something went wrong on our side. If it keeps happening, quote reference {reference}."
    )]
    Internal { reference: String },
    /// The browser could not reach the server (offline, server restarting, …).
    #[error("NetCare could not be reached. Check your connection and try again.")]
    Unreachable,
    /// The request was malformed (a client bug or a tampered request), not a user mistake.
    #[error("The request could not be understood. Reload the page and try again.")]
    BadRequest,
    /// The request carries no valid session.
    #[error("Sign in to continue.")]
    NotSignedIn,
    /// The request's session was ended by someone else (see [`SessionEnd`]).
    #[error("{}", .0.explain())]
    SessionEnded(SessionEnd),
    /// The person is signed in but belongs to no company (or their registration is not complete).
    #[error("Your account is not part of a company yet.")]
    NoCompany,
    /// The person is signed in, but this needs a role they do not have.
    #[error("{}", .0.refusal())]
    NotAllowed(Needed),
    /// The person must set up two-step sign-in (agents always; members when their company's
    /// Delegated Administrator requires it) before anything else.
    #[error(
        "Set up two-step sign-in on your profile to continue: it is required for your account."
    )]
    SecondFactorSetupRequired,
    /// The action is among the most sensitive: the person must prove who they are again (password,
    /// and second factor if they use one) when they signed in more than ten minutes ago.
    #[error("Confirm it is you: enter your password again. This is needed when you signed in more than 10 minutes ago.")]
    ReauthenticationRequired,
}

/// Why a person's session was ended by someone else while their browser was open: said to them,
/// instead of a bare "sign in", the next time that browser asks for anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionEnd {
    /// A Delegated Administrator removed them from the company.
    AccessRemoved,
    /// An operator disabled their account.
    AccountDisabled,
}

impl SessionEnd {
    pub fn explain(self) -> &'static str {
        match self {
            SessionEnd::AccessRemoved => {
                "A Delegated Administrator of your company removed your access to its data. \
                 You can still sign in; ask them if you think this is a mistake."
            }
            SessionEnd::AccountDisabled => {
                "Your account was disabled. Ask your company's Delegated Administrator or \
                 NetCare support if you think this is a mistake."
            }
        }
    }

    /// How it is stored on the session (`sessions.ended_reason`).
    pub fn as_str(self) -> &'static str {
        match self {
            SessionEnd::AccessRemoved => "access_removed",
            SessionEnd::AccountDisabled => "account_disabled",
        }
    }

    pub fn parse(stored: &str) -> Option<SessionEnd> {
        [SessionEnd::AccessRemoved, SessionEnd::AccountDisabled]
            .into_iter()
            .find(|end| end.as_str() == stored)
    }
}

/// What an operation needs of its caller that they lack: the refusal says so in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Needed {
    /// A Delegated Administrator or an Administrator of the company.
    Manager,
    /// A Delegated Administrator of the company.
    DelegatedAdmin,
    /// A vendor agent.
    Agent,
    /// A member of the company: an agent reading under support access only reads.
    OwnCompany,
}

impl Needed {
    pub fn refusal(self) -> &'static str {
        match self {
            Needed::Manager => {
                "Only a Delegated Administrator or an Administrator of your company can do this."
            }
            Needed::DelegatedAdmin => "Only a Delegated Administrator of your company can do this.",
            Needed::Agent => "Only vendor agents can do this.",
            Needed::OwnCompany => {
                "Support access reads this company's data; only its own people change it."
            }
        }
    }
}

impl AppError {
    /// A stable machine-readable code, for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Internal { .. } => "internal",
            AppError::Unreachable => "unreachable",
            AppError::BadRequest => "bad_request",
            AppError::NotSignedIn => "not_signed_in",
            AppError::SessionEnded(_) => "session_ended",
            AppError::NoCompany => "no_company",
            AppError::NotAllowed(_) => "not_allowed",
            AppError::SecondFactorSetupRequired => "second_factor_setup_required",
            AppError::ReauthenticationRequired => "reauthentication_required",
        }
    }
}

/// A database failure: logged in full with the request's id, shown only as a reference.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        crate::platform::internal(err)
    }
}

/// The parts every area's error enum shares: it wraps [`AppError`] in its last variant, `App`,
/// converts from it and from a database error with `?`, answers with the HTTP status its own
/// variants are given here (an `App` error with its own), and is what a failed server-function
/// call becomes:
///
/// ```ignore
/// crate::area_error!(LibraryError { LibraryError::ContractNotFound => 404 });
/// ```
///
/// `area_error!(UploadError, own_database_errors { … })` leaves the `sqlx::Error` conversion to the
/// area (uploads say a full disk as such).
#[macro_export]
macro_rules! area_error {
    ($area:ident { $($pattern:pat => $status:expr),* $(,)? }) => {
        $crate::area_error!($area, own_database_errors { $($pattern => $status),* });

        #[cfg(feature = "ssr")]
        impl From<sqlx::Error> for $area {
            fn from(err: sqlx::Error) -> Self {
                $area::App($crate::AppError::from(err))
            }
        }
    };
    ($area:ident, own_database_errors { $($pattern:pat => $status:expr),* $(,)? }) => {
        impl From<$crate::AppError> for $area {
            fn from(err: $crate::AppError) -> Self {
                $area::App(err)
            }
        }

        impl $crate::error::StatusCoded for $area {
            fn status_code(&self) -> u16 {
                match self {
                    $area::App(err) => $crate::error::StatusCoded::status_code(err),
                    $($pattern => $status,)*
                }
            }
        }

        impl leptos::server_fn::error::FromServerFnError for $area {
            type Encoder = leptos::server_fn::codec::JsonEncoding;

            fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
                $area::App($crate::AppError::from_server_fn_error(value))
            }

            fn de(data: leptos::server_fn::Bytes) -> Self {
                $crate::error::decode_answer(data, |err: &$area| match err {
                    $area::App(app) => Some(app),
                    #[allow(unreachable_patterns)]
                    _ => None,
                })
            }
        }
    };
}

/// An error that knows the HTTP status saying what kind of refusal it is (4xx for the person's
/// mistakes and refusals, 5xx for ours), for logs, proxies and API clients.
pub trait StatusCoded {
    fn status_code(&self) -> u16;
}

impl StatusCoded for AppError {
    fn status_code(&self) -> u16 {
        match self {
            AppError::Internal { .. } => 500,
            AppError::Unreachable => 503,
            AppError::BadRequest => 400,
            AppError::NotSignedIn | AppError::SessionEnded(_) => 401,
            AppError::NoCompany
            | AppError::NotAllowed(_)
            | AppError::SecondFactorSetupRequired
            | AppError::ReauthenticationRequired => 403,
        }
    }
}

/// Sets a failed server function's response status from its error.
#[cfg(feature = "ssr")]
pub fn answered<T, E: StatusCoded>(result: Result<T, E>) -> Result<T, E> {
    if let Err(err) = &result {
        if let (Some(options), Ok(status)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(err.status_code()),
        ) {
            options.set_status(status);
        }
    }
    result
}

thread_local! {
    /// Who sees every error answer the browser decodes (the page's session, which registers itself).
    static ANSWER_OBSERVER: std::cell::Cell<Option<fn(&AppError)>> = const { std::cell::Cell::new(None) };
}

/// Makes `observer` see every error answer decoded from now on (one observer: the page's session).
pub fn observe_answers(observer: fn(&AppError)) {
    ANSWER_OBSERVER.with(|current| current.set(Some(observer)));
}

/// Decodes an error answer in the browser and lets the observer see it first (a session that
/// ended turns the page into the sign-in page, with the reason; see `contexts::session`).
pub fn decode_answer<E: FromServerFnError + serde::de::DeserializeOwned>(
    data: leptos::server_fn::Bytes,
    app_error: impl Fn(&E) -> Option<&AppError>,
) -> E {
    let err: E = serde_json::from_slice(&data).unwrap_or_else(|e| {
        E::from_server_fn_error(ServerFnErrorErr::Deserialization(e.to_string()))
    });
    if let (Some(app), Some(observer)) = (app_error(&err), ANSWER_OBSERVER.with(|o| o.get())) {
        observer(app);
    }
    err
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn de(data: leptos::server_fn::Bytes) -> Self {
        decode_answer(data, |err: &AppError| Some(err))
    }

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Raised in the browser when the request never got an answer.
            ServerFnErrorErr::Request(_) => AppError::Unreachable,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            // Anything else is ours to fix; on the server it is logged where it happens.
            other => AppError::Internal {
                reference: short_reference(&other.to_string()),
            },
        }
    }
}

/// A short, stable tag for an error text, so two reports of one failure can be matched without
/// the text itself leaving the server.
fn short_reference(text: &str) -> String {
    // FNV-1a: tiny, deterministic, good enough to tell messages apart.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("E-{hash:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_failures_become_unreachable() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Request("refused".into()));
        assert_eq!(err, AppError::Unreachable);
    }

    #[test]
    fn internal_text_never_appears_in_the_message() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "relation \"companies\" does not exist".into(),
        ));
        let shown = err.to_string();
        assert!(!shown.contains("companies"), "{shown}");
        assert!(shown.contains("E-"), "{shown}");
    }

    #[test]
    fn bad_arguments_are_bad_requests() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(err, AppError::BadRequest);
    }

    #[test]
    fn refusals_say_what_is_needed() {
        let err = AppError::NotAllowed(Needed::Agent);
        assert_eq!(err.to_string(), "Only vendor agents can do this.");
        assert_eq!(err.status_code(), 403);
        assert_eq!(err.code(), "not_allowed");
        assert_eq!(AppError::NotSignedIn.status_code(), 401);
    }

    #[test]
    fn errors_round_trip_through_the_wire_encoding() {
        let err = AppError::Internal {
            reference: "req-123".into(),
        };
        assert_eq!(AppError::de(err.ser()), err);
    }
}
