//! The security log: an append-only record of what happened to accounts, access, collector tokens
//! and a company's data: who, what, when, from which address. A company's Delegated
//! Administrators read their company's events (`/access/security-log`, served by `access`,
//! filtered, exported as CSV); operators read all of them (`netcare security-log`). Events are
//! written by the services where the thing happens (`record`); nothing changes an event once
//! written. Every area may record, so this one imports none.

server_only! {
    pub mod queries;
    mod record;
}

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use record::{record, record_in, NewEvent};

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SecurityLogError {
    #[error("No kind of event is called {0:?}.")]
    UnknownKind(String),
    #[error("Give the first day as YYYY-MM-DD.")]
    NotADay,
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(SecurityLogError {
    _ => 400,
});

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    SignedIn,
    SignInFailed,
    SignInThrottled,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    EmailChanged,
    TokenCreated,
    TokenRevoked,
    TokenFirstUsed,
    SupportAccessGranted,
    SupportAccessEnded,
    SupportOpened,
    RoleChanged,
    AccessDecided,
    Export,
    UploadRefusedForAbuse,
    UnknownSerialsUploaded,
    RegistryImported,
    SecondFactorChanged,
    SecondFactorRuleChanged,
}

impl EventKind {
    /// Every kind, in the order the page's filter lists them.
    pub const ALL: [EventKind; 21] = [
        EventKind::SignedIn,
        EventKind::SignInFailed,
        EventKind::SignInThrottled,
        EventKind::PasswordResetRequested,
        EventKind::PasswordReset,
        EventKind::PasswordChanged,
        EventKind::EmailChanged,
        EventKind::TokenCreated,
        EventKind::TokenRevoked,
        EventKind::TokenFirstUsed,
        EventKind::SupportAccessGranted,
        EventKind::SupportAccessEnded,
        EventKind::SupportOpened,
        EventKind::RoleChanged,
        EventKind::AccessDecided,
        EventKind::Export,
        EventKind::UploadRefusedForAbuse,
        EventKind::UnknownSerialsUploaded,
        EventKind::RegistryImported,
        EventKind::SecondFactorChanged,
        EventKind::SecondFactorRuleChanged,
    ];

    /// As stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignedIn => "signed_in",
            EventKind::SignInFailed => "sign_in_failed",
            EventKind::SignInThrottled => "sign_in_throttled",
            EventKind::PasswordResetRequested => "password_reset_requested",
            EventKind::PasswordReset => "password_reset",
            EventKind::PasswordChanged => "password_changed",
            EventKind::EmailChanged => "email_changed",
            EventKind::TokenCreated => "token_created",
            EventKind::TokenRevoked => "token_revoked",
            EventKind::TokenFirstUsed => "token_first_used",
            EventKind::SupportAccessGranted => "support_access_granted",
            EventKind::SupportAccessEnded => "support_access_ended",
            EventKind::SupportOpened => "support_opened",
            EventKind::RoleChanged => "role_changed",
            EventKind::AccessDecided => "access_decided",
            EventKind::Export => "export",
            EventKind::UploadRefusedForAbuse => "upload_refused_for_abuse",
            EventKind::UnknownSerialsUploaded => "unknown_serials_uploaded",
            EventKind::RegistryImported => "registry_imported",
            EventKind::SecondFactorChanged => "second_factor_changed",
            EventKind::SecondFactorRuleChanged => "second_factor_rule_changed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == code)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::SignedIn => "Signed in",
            EventKind::SignInFailed => "Sign-in failed",
            EventKind::SignInThrottled => "Sign-in held back (too many attempts)",
            EventKind::PasswordResetRequested => "Password reset requested",
            EventKind::PasswordReset => "Password reset",
            EventKind::PasswordChanged => "Password changed",
            EventKind::EmailChanged => "Email address changed",
            EventKind::TokenCreated => "Collector token created",
            EventKind::TokenRevoked => "Collector token revoked",
            EventKind::TokenFirstUsed => "Collector token used for the first time",
            EventKind::SupportAccessGranted => "Support access granted",
            EventKind::SupportAccessEnded => "Support access ended",
            EventKind::SupportOpened => "An agent opened the company under support access",
            EventKind::RoleChanged => "Access changed",
            EventKind::AccessDecided => "Access request decided",
            EventKind::Export => "Data exported",
            EventKind::UploadRefusedForAbuse => "Upload refused for abuse",
            EventKind::UnknownSerialsUploaded => "Upload of mostly unknown serial numbers",
            EventKind::RegistryImported => "Registry imported",
            EventKind::SecondFactorChanged => "Two-step sign-in changed",
            EventKind::SecondFactorRuleChanged => "Two-step sign-in rule of the company changed",
        }
    }
}

/// One event as the page and the export show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub id: i64,
    pub at: String,
    pub kind: EventKind,
    /// Who did it: a username, a collector token's name, an agent, or `system`.
    pub actor: String,
    pub detail: String,
    pub client_address: String,
}

/// Which events to show: every field narrows, empty ones do not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityLogFilter {
    /// An [`EventKind`] code.
    #[serde(default)]
    pub kind: String,
    /// Part of the actor's name or of the detail, any case.
    #[serde(default)]
    pub search: String,
    /// Events at or after this day (`YYYY-MM-DD`).
    #[serde(default)]
    pub since: String,
}

impl SecurityLogFilter {
    /// The filter checked: a known kind, a real day.
    pub fn checked(&self) -> Result<SecurityLogFilter, SecurityLogError> {
        let kind = self.kind.trim();
        if !kind.is_empty() && EventKind::parse(kind).is_none() {
            return Err(SecurityLogError::UnknownKind(
                kind.chars().take(40).collect(),
            ));
        }
        let since = self.since.trim();
        if !since.is_empty() && !is_day(since) {
            return Err(SecurityLogError::NotADay);
        }
        Ok(SecurityLogFilter {
            kind: kind.to_owned(),
            search: self.search.trim().chars().take(200).collect(),
            since: since.to_owned(),
        })
    }
}

/// `YYYY-MM-DD` naming a day of a month that has it (leap years included).
fn is_day(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |part: &str, digits: usize| {
        (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4), number(month, 2), number(day, 2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityLogPage {
    pub events: Vec<SecurityEvent>,
    /// Older events match: ask again with `before` set to the last event's id.
    pub more: bool,
    /// Days the server keeps events.
    pub retention_days: u32,
}

/// Events a page holds.
pub const PAGE: u32 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_code() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EventKind::parse("nothing"), None);
    }

    #[test]
    fn filters_are_checked() {
        let filter = SecurityLogFilter {
            kind: " signed_in ".into(),
            search: "  dana ".into(),
            since: "2026-11-30".into(),
        };
        assert_eq!(
            filter.checked().unwrap(),
            SecurityLogFilter {
                kind: "signed_in".into(),
                search: "dana".into(),
                since: "2026-11-30".into()
            }
        );
        let unknown = SecurityLogFilter {
            kind: "drop table".into(),
            ..SecurityLogFilter::default()
        };
        assert!(unknown.checked().is_err());
        let not_a_day = SecurityLogFilter {
            since: "30/11/2026".into(),
            ..SecurityLogFilter::default()
        };
        assert!(not_a_day.checked().is_err());
        assert!(is_day("2028-02-29") && !is_day("2026-02-29") && !is_day("2026-13-01"));
        assert!(!is_day("2026-1-01") && !is_day("") && !is_day("2026-11-31"));
    }
}
