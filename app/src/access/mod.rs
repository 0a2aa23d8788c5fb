//! Access administration: a company's people and roles, the DAs' order, the record of changes,
//! and vendor support access (a company lets agents read its data for a limited time).
//!
//! The rules are in `rules` (plain functions); the SQL in `queries`, each taking the company id;
//! `service` runs each change in one transaction. Every function here decides the company from
//! the caller's session, never from an identifier the browser sends.

pub mod rules;

server_only! {
    pub mod queries;
    pub mod service;
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;
use crate::AppError;
pub use rules::Role;

/// Hours a company may open its data to the vendor's agents at once.
pub const SUPPORT_HOURS: [u32; 3] = [4, 24, 72];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AccessError {
    #[error("Only a Delegated Administrator of your company can change access.")]
    DaOnly,
    #[error("No such person in your company.")]
    NotFound,
    #[error("Nothing to change: that is already so.")]
    Unchanged,
    #[error("A company keeps at least one Delegated Administrator: make someone else a DA first.")]
    LastDa,
    #[error("Only Delegated Administrators have a place in the DAs' order.")]
    NotADa,
    #[error("Choose the role: Delegated Administrator, Administrator or User.")]
    UnknownRole,
    #[error("Support access is granted for 4, 24 or 72 hours.")]
    UnknownDuration,
    #[error("This company has not granted support access, or it has ended.")]
    NoSupportGrant,
    #[error("{0}")]
    App(AppError),
}

crate::area_error!(AccessError {
    AccessError::DaOnly => 403,
    AccessError::NotFound | AccessError::NoSupportGrant => 404,
    AccessError::Unchanged | AccessError::LastDa | AccessError::NotADa => 409,
    _ => 400,
});

impl AccessError {
    pub fn code(&self) -> &'static str {
        match self {
            AccessError::DaOnly => "not_allowed",
            AccessError::NotFound | AccessError::NoSupportGrant => "not_found",
            AccessError::Unchanged => "unchanged",
            AccessError::LastDa => "last_da",
            AccessError::NotADa => "not_a_da",
            AccessError::UnknownRole | AccessError::UnknownDuration => "bad_request",
            AccessError::App(err) => err.code(),
        }
    }
}

/// A member of the company as the Access page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub account_id: i64,
    pub full_name: String,
    pub username: String,
    pub email: String,
    pub role: Role,
    /// Place among the DAs, 1 first (the one who receives access requests).
    pub da_position: Option<i64>,
    pub last_login_at: Option<String>,
    pub member_since: String,
    pub is_you: bool,
    /// The live collector tokens this person created: revoked with their access (or their
    /// demotion to User) unless the DA keeps them.
    pub collector_tokens: Vec<String>,
}

/// One change of access: who, what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleEvent {
    pub person: String,
    pub actor: String,
    pub change: String,
    pub at: String,
}

/// The company's live grant of support access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportGrant {
    pub granted_by: String,
    pub granted_at: String,
    pub expires_at: String,
}

/// The Access page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessView {
    pub company_name: String,
    pub your_role: Role,
    /// DAs first in their order, then Admins and Users by name.
    pub members: Vec<MemberInfo>,
    /// Access requests waiting for a DA.
    pub pending: Vec<crate::onboarding::WaitingRequest>,
    /// Latest first.
    pub history: Vec<RoleEvent>,
    pub support: Option<SupportGrant>,
}

/// The account information dashlet: who the person is in which company, who administers it, and
/// every contract the company holds, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub company_id: String,
    pub company_name: String,
    /// The organisation entry the person registered under: a site's name, or the whole company.
    pub org_entry: String,
    /// The person's role; [`Role::Support`] for an agent under support access.
    pub role: Role,
    /// The DAs' names, first (who receives access requests) first.
    pub delegated_admins: Vec<String>,
    pub contracts: Vec<HeldContract>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldContract {
    pub contract_number: String,
    pub service_level: String,
    pub start_date: String,
    pub end_date: String,
    /// `active`, `expiring`, `future` or `expired` (see `rules::contract_standing`).
    pub standing: String,
    /// Whether the contract entitles the company to the portal (smart entitled).
    pub portal_access: bool,
}

/// A company whose data agents may read now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportedCompany {
    pub company_id: String,
    pub company_name: String,
    pub expires_at: String,
    /// This agent's session is open on it.
    pub open: bool,
}

#[server(endpoint = "access/load")]
pub async fn load_access() -> Result<AccessView, AccessError> {
    serve(async |state, caller| service::load(state, &caller).await).await
}

#[server(endpoint = "access/role")]
pub async fn change_member_role(
    account_id: i64,
    role: String,
    /// Keep the collector tokens the person created though they become a User.
    #[server(default)]
    keep_tokens: bool,
) -> Result<(), AccessError> {
    serve(async |state, caller| {
        // Whoever may do it proves who they are again first; others get the service's refusal.
        if caller.delegated_admin().is_ok() {
            caller.recently_authenticated()?;
        }
        let role = Role::parse(&role).ok_or(AccessError::UnknownRole)?;
        service::change_role(state, &caller, account_id, role, keep_tokens).await
    })
    .await
}

#[server(endpoint = "access/move-da")]
pub async fn move_delegated_admin(account_id: i64, position: u32) -> Result<(), AccessError> {
    serve(async |state, caller| {
        // Whoever may do it proves who they are again first; others get the service's refusal.
        if caller.delegated_admin().is_ok() {
            caller.recently_authenticated()?;
        }
        service::move_da(state, &caller, account_id, position as usize).await
    })
    .await
}

#[server(endpoint = "access/revoke")]
pub async fn revoke_member(
    account_id: i64,
    /// Keep the collector tokens the person created working.
    #[server(default)]
    keep_tokens: bool,
) -> Result<(), AccessError> {
    serve(async |state, caller| {
        // Whoever may do it proves who they are again first; others get the service's refusal.
        if caller.delegated_admin().is_ok() {
            caller.recently_authenticated()?;
        }
        service::revoke(state, &caller, account_id, keep_tokens).await
    })
    .await
}

#[server(endpoint = "access/support/grant")]
pub async fn grant_support_access(hours: u32) -> Result<SupportGrant, AccessError> {
    serve(async |state, caller| {
        if !SUPPORT_HOURS.contains(&hours) {
            return Err(AccessError::UnknownDuration);
        }
        if caller.manager().is_ok() {
            caller.recently_authenticated()?;
        }
        service::grant_support(state, &caller, hours).await
    })
    .await
}

#[server(endpoint = "access/support/end")]
pub async fn end_support_access() -> Result<(), AccessError> {
    serve(async |state, caller| service::end_support(state, &caller).await).await
}

/// Agents: the companies whose data they may open now.
#[server(endpoint = "access/support/companies")]
pub async fn supported_companies() -> Result<Vec<SupportedCompany>, AccessError> {
    serve(async |state, caller| service::supported_companies(state, &caller).await).await
}

/// Agents: reads `company_id`'s data from now on in this session, if it grants support access.
#[server(endpoint = "access/support/open")]
pub async fn open_support(company_id: String) -> Result<(), AccessError> {
    serve(async |state, caller| service::open_support(state, &caller, &company_id).await).await
}

/// Agents: back to the console only.
#[server(endpoint = "access/support/close")]
pub async fn close_support() -> Result<(), AccessError> {
    serve(async |state, caller| service::close_support(state, &caller).await).await
}

/// The signed-in person's company, role, DAs and contracts (members, and agents under support).
#[server(endpoint = "access/account")]
pub async fn load_account_info() -> Result<AccountInfo, AccessError> {
    serve(async |state, caller| service::account_info(state, &caller).await).await
}

/// The caller's company's security log, newest first; `before` an event id for the next page.
/// Delegated Administrators only.
#[server(endpoint = "access/security-log", input = leptos::server_fn::codec::Json)]
pub async fn load_security_log(
    filter: crate::security_log::SecurityLogFilter,
    before: Option<i64>,
) -> Result<crate::security_log::SecurityLogPage, crate::security_log::SecurityLogError> {
    use crate::security_log::{queries, SecurityLogPage, PAGE};
    serve(async |state, caller| {
        let company = caller.delegated_admin()?.company_id.clone();
        let filter = filter.checked()?;
        let mut conn = state.db.conn().await?;
        let (events, more) =
            queries::company_page(&mut conn, &company, &filter, before, PAGE).await?;
        Ok(SecurityLogPage {
            events,
            more,
            retention_days: state.settings.security_log_days,
        })
    })
    .await
}
