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
/// The name over HTTPS: a `__Host-` cookie is only accepted by browsers when set by this very
/// host, `Secure`, for `/` and without a `Domain`, so a neighbouring subdomain cannot plant one.
pub const SECURE_COOKIE_NAME: &str = "__Host-netcare_session";

/// The session cookie's name: `__Host-…` when cookies are `Secure`.
pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// The session a request carries, once resolved and still valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub account_id: i64,
    pub token_hash: String,
    /// When the person last proved who they are in this session (see
    /// `Caller::recently_authenticated`).
    pub authenticated_at: Option<String>,
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

/// The session token in a `Cookie` header, if any, under the cookie's name (`cookie_name`): over
/// HTTPS a cookie without the `__Host-` prefix is ignored.
pub fn token_from_cookie_header(header: &str, name: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
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

/// Why someone else ended the session the request presented, if they did (see
/// `service::resolve_session`).
pub fn ended() -> Option<crate::error::SessionEnd> {
    request_parts()?.extensions.get::<crate::error::SessionEnd>().copied()
}

/// The error for a request without a live session: why it ended, or plainly "sign in".
pub fn missing() -> crate::AppError {
    ended().map_or(crate::AppError::NotSignedIn, crate::AppError::SessionEnded)
}

/// The token the request presented (valid or not), so sign-in can end it: a session id chosen
/// before sign-in never becomes a signed-in one.
pub fn presented_token(settings: &Settings) -> Option<String> {
    let parts = request_parts()?;
    let header = parts.headers.get(header::COOKIE)?.to_str().ok()?;
    token_from_cookie_header(header, cookie_name(settings))
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
    let name = cookie_name(settings);
    let text =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}");
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
        let plain = |header: &str| token_from_cookie_header(header, COOKIE_NAME);
        assert_eq!(plain("a=1; netcare_session=abc; b=2").as_deref(), Some("abc"));
        assert_eq!(plain("netcare_session="), None);
        assert_eq!(plain("other=1"), None);
    }

    #[test]
    fn over_https_only_the_host_prefixed_cookie_counts() {
        let secure = Settings::new("https://netcare.example");
        let plain = Settings::new("http://127.0.0.1:3000");
        assert_eq!(cookie_name(&secure), "__Host-netcare_session");
        assert_eq!(cookie_name(&plain), "netcare_session");
        let planted = "netcare_session=planted; __Host-netcare_session=real";
        assert_eq!(
            token_from_cookie_header(planted, cookie_name(&secure)).as_deref(),
            Some("real")
        );
        assert_eq!(
            token_from_cookie_header("netcare_session=planted", cookie_name(&secure)),
            None
        );
        let set = cookie(&secure, "t", 60).to_str().unwrap().to_owned();
        assert!(set.starts_with("__Host-netcare_session=t; Path=/;"), "{set}");
        assert!(set.ends_with("; Secure") && !set.contains("Domain"), "{set}");
    }
}
