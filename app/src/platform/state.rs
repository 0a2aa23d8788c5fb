//! What every server function can reach: provided into the Leptos context by the server for each
//! request (see `server/src/router.rs`).

use std::{sync::Arc, time::Duration};

use leptos::prelude::use_context;

use super::{internal, Database};
use crate::AppError;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
    pub settings: Arc<Settings>,
}

/// Settings the domain needs (the server's configuration turns flags into these).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach NetCare, for links in emails (no trailing slash).
    pub public_url: String,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// A session ends after this long without a request…
    pub session_idle: Duration,
    /// …and this long after sign-in, whatever happens.
    pub session_max: Duration,
    /// How long an email verification link works.
    pub verification_ttl: Duration,
    /// How long a password reset link works.
    pub reset_ttl: Duration,
    /// The sender address of NetCare's emails.
    pub mail_from: String,
    /// Uploads a company may make per quota day (all methods together).
    pub uploads_per_day: u32,
    /// Uploads refused whole (no quota used) a company may send per quota day; past it, none is
    /// read until the next day.
    pub refused_uploads_per_day: u32,
    /// The UTC offset the quota day is counted in (UTC unless configured).
    pub quota_day_offset: time::UtcOffset,
    /// The largest upload body accepted, in bytes.
    pub max_upload_bytes: u64,
    /// A covered device whose line ends within this many days is "expiring".
    pub expiring_window_days: u32,
    /// The largest share of a company's inventory, in percent, one replace upload may mark as no
    /// longer seen without `force`.
    pub replace_retire_limit_percent: u32,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name the client (no one's,
    /// unless configured: the peer is the client).
    pub trusted_proxies: Vec<super::client_address::Cidr>,
    /// Uploads and exports this process runs at once (more wait, then are answered "busy").
    pub work: super::work_slots::WorkSlots,
    /// Days the security log keeps an event.
    pub security_log_days: u32,
    /// Uploads naming mostly unknown serial numbers a company may send per quota day.
    pub probing_uploads_per_day: u32,
}

impl Settings {
    pub fn new(public_url: &str) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        Self {
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            session_idle: Duration::from_secs(8 * 3600),
            session_max: Duration::from_secs(7 * 24 * 3600),
            verification_ttl: Duration::from_secs(24 * 3600),
            reset_ttl: Duration::from_secs(3600),
            mail_from: "NetCare <no-reply@netcare.invalid>".to_owned(),
            uploads_per_day: 5,
            refused_uploads_per_day: 50,
            quota_day_offset: time::UtcOffset::UTC,
            max_upload_bytes: 100 * 1024 * 1024,
            expiring_window_days: 90,
            replace_retire_limit_percent: 50,
            trusted_proxies: Vec::new(),
            work: super::work_slots::WorkSlots::new(8, 4),
            security_log_days: 400,
            probing_uploads_per_day: 3,
        }
    }

    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.public_url)
    }
}

/// The state of the running server, from inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| internal("AppState missing from the server function context"))
}
