//! Sessions: a random token in an HttpOnly cookie, only its SHA-256 stored. The server resolves the
//! cookie once per request (see `server/src/router.rs`) and puts the result in the request's
//! extensions, where server functions find it.

use axum::http::{header, request::Parts, HeaderValue};
use base64::Engine;
use leptos::prelude::{expect_context, use_context};
use leptos_axum::ResponseOptions;
use rand::RngCore;

use crate::platform::state::Settings;

pub const COOKIE_NAME: &str = "netcare_session";

/// The session a request carries, once resolved and still valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub account_id: i64,
    pub token_hash: String,
}

/// The client's address as the server saw it, for throttles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    crate::platform::digest::sha256_hex(token.as_bytes())
}

/// The session token in a `Cookie` header, if any.
pub fn token_from_cookie_header(header: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The session of the request being served, if it carries a valid one.
pub fn current() -> Option<SessionInfo> {
    request_parts()?.extensions.get::<SessionInfo>().cloned()
}

/// The token the request presented (valid or not), so sign-in can end it: a session id chosen
/// before sign-in never becomes a signed-in one.
pub fn presented_token() -> Option<String> {
    let parts = request_parts()?;
    let header = parts.headers.get(header::COOKIE)?.to_str().ok()?;
    token_from_cookie_header(header)
}

pub fn client_address() -> String {
    request_parts()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().map(|a| a.0.clone()))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn cookie(settings: &Settings, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    );
    HeaderValue::from_str(&text).expect("cookie text is ASCII")
}

pub fn set_cookie(settings: &Settings, token: &str) {
    let response = expect_context::<ResponseOptions>();
    response.append_header(
        header::SET_COOKIE,
        cookie(settings, token, settings.session_max.as_secs() as i64),
    );
}

pub fn clear_cookie(settings: &Settings) {
    let response = expect_context::<ResponseOptions>();
    response.append_header(header::SET_COOKIE, cookie(settings, "", 0));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(
            token_from_cookie_header("a=1; netcare_session=abc; b=2").as_deref(),
            Some("abc")
        );
        assert_eq!(token_from_cookie_header("netcare_session="), None);
        assert_eq!(token_from_cookie_header("other=1"), None);
    }
}
