//! Access administration on the server: each change reads the company's members, asks the rules,
//! and writes the outcome and its record in one transaction.

use time::{Duration, OffsetDateTime};

use super::{
    queries,
    rules::{self, Outcome, Role},
    AccessError, AccessView, AccountInfo, HeldContract, SupportGrant, SupportedCompany,
};
use crate::inventory::queries::tokens;
use crate::{
    security_log::{self, EventKind},
    accounts::{caller::Caller, queries as accounts_db, Membership},
    error::Needed,
    inventory::readable_time,
    platform::{
        clock::{timestamp_now, timestamp_text},
        AppState,
    },
    AppError,
};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Changes of access shown on the Access page.
const HISTORY_LIMIT: i64 = 100;

/// The caller's role in their own company, read again inside a change's transaction: a change
/// made at the same moment to the caller's own role is seen (agents under support access have
/// no membership here, and are refused).
async fn manager_now(tx: &mut Tx, caller: &Caller) -> Result<Membership, AccessError> {
    let membership = accounts_db::membership_of(tx, caller.account_id)
        .await?
        .ok_or(AppError::NoCompany)?;
    if !membership.role.manages() {
        return Err(AppError::NotAllowed(Needed::Manager).into());
    }
    Ok(membership)
}

/// Records a change of access the caller made (to `person`, if it is about one).
async fn record_by(
    tx: &mut Tx,
    caller: &Caller,
    company_id: &str,
    person: Option<(i64, &str)>,
    change: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    let actor = Some((caller.account_id, caller.full_name.as_str()));
    accounts_db::record_role_event(tx, company_id, person, actor, change, now).await
}

pub async fn load(state: &AppState, caller: &Caller) -> Result<AccessView, AccessError> {
    let membership = caller.manager()?;
    let your_role = membership.role;
    let mut conn = state.db.conn().await?;
    let company_id = &membership.company_id;
    let now = timestamp_now();
    Ok(AccessView {
        members: queries::members(&mut conn, company_id, caller.account_id).await?,
        pending: crate::onboarding::service::waiting_requests(&mut conn, company_id).await?,
        history: queries::history(&mut conn, company_id, HISTORY_LIMIT).await?,
        support: queries::live_grant(&mut conn, company_id, &now).await?,
        company_name: membership.company_name.clone(),
        your_role,
    })
}

/// Runs a DA's change of one member: `decide` gets the company's members and says the outcome
/// and how to describe it; the outcome is written with its record, all or nothing.
async fn da_change(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    decide: impl FnOnce(&[rules::Member], Role) -> Result<(Outcome, String), AccessError>,
    keep_tokens: bool,
) -> Result<(), AccessError> {
    let mut tx: Tx = state.db.begin_write().await?;
    let membership = manager_now(&mut tx, caller)
        .await
        .map_err(|err| match err {
            AccessError::App(AppError::NotAllowed(_)) => AccessError::DaOnly,
            other => other,
        })?;
    if membership.role != Role::Da {
        return Err(AccessError::DaOnly);
    }
    let company_id = &membership.company_id;
    let members = queries::members(&mut tx, company_id, caller.account_id).await?;
    let target = members
        .iter()
        .find(|m| m.account_id == account_id)
        .ok_or(AccessError::NotFound)?;
    let (outcome, mut change) = decide(&queries::rule_members(&members), target.role)?;
    let now = timestamp_now();
    // Someone who may no longer manage collectors leaves no working collector token behind,
    // unless the DA chose to keep them.
    let loses_tokens = outcome.role.is_none_or(|role| !role.manages());
    if loses_tokens && !keep_tokens {
        let made = tokens::Revoked::MadeBy(account_id);
        let revoked = tokens::revoke(&mut tx, company_id, made, caller.account_id, &now).await?;
        if revoked > 0 {
            change.push_str(&format!(", and their {revoked} collector token(s) revoked"));
        }
    }
    match outcome.role {
        Some(new_role) if new_role != target.role => {
            queries::set_role(&mut tx, company_id, account_id, new_role, &now).await?
        }
        Some(_) => {}
        None => {
            queries::remove_member(&mut tx, company_id, account_id).await?;
            // Their open browsers are refused from their next request on.
            let removed = crate::error::SessionEnd::AccessRemoved;
            accounts_db::end_sessions_of(&mut tx, account_id, removed).await?;
        }
    }
    queries::set_da_order(&mut tx, company_id, &outcome.da_order).await?;
    let person = Some((account_id, target.full_name.as_str()));
    record_by(&mut tx, caller, company_id, person, &change, &now).await?;
    tx.commit().await?;
    let detail = format!("{}: {change}", target.full_name);
    log_event(state, caller, EventKind::RoleChanged, company_id, detail).await;
    Ok(())
}

/// The security log's copy of an access change (the Access page's history keeps its own).
async fn log_event(
    state: &AppState,
    caller: &Caller,
    kind: EventKind,
    company_id: &str,
    detail: String,
) {
    let event = caller.security_event(kind, company_id).detail(detail);
    security_log::record(state, event).await;
}

pub async fn change_role(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    role: Role,
    keep_tokens: bool,
) -> Result<(), AccessError> {
    let decide = |members: &[rules::Member], was: Role| {
        let outcome = rules::change_role(members, account_id, role)?;
        Ok((outcome, format!("Role: {} → {}", was.label(), role.label())))
    };
    da_change(state, caller, account_id, decide, keep_tokens).await
}

pub async fn move_da(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    position: usize,
) -> Result<(), AccessError> {
    let decide = |members: &[rules::Member], _| {
        let outcome = rules::move_da(members, account_id, position)?;
        let place = outcome
            .da_order
            .iter()
            .position(|id| *id == account_id)
            .map_or(position, |index| index + 1);
        let note = if place == 1 {
            " (receives access requests)"
        } else {
            ""
        };
        Ok((outcome, format!("Moved to DA {place}{note}")))
    };
    // A DA who moves stays a DA: nothing to revoke.
    da_change(state, caller, account_id, decide, true).await
}

pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    keep_tokens: bool,
) -> Result<(), AccessError> {
    let decide = |members: &[rules::Member], was: Role| {
        let outcome = rules::revoke(members, account_id)?;
        Ok((outcome, format!("Access revoked (was {})", was.label())))
    };
    da_change(state, caller, account_id, decide, keep_tokens).await
}

pub async fn grant_support(
    state: &AppState,
    caller: &Caller,
    hours: u32,
) -> Result<SupportGrant, AccessError> {
    let mut tx: Tx = state.db.begin_write().await?;
    let membership = manager_now(&mut tx, caller).await?;
    let company_id = &membership.company_id;
    let now = timestamp_now();
    let expires_at = timestamp_text(OffsetDateTime::now_utc() + Duration::hours(i64::from(hours)));
    // A new grant replaces a live one.
    queries::end_grants(&mut tx, company_id, caller.account_id, &now).await?;
    queries::insert_grant(&mut tx, company_id, caller.account_id, &now, &expires_at).await?;
    let change = format!(
        "Support access granted to the vendor's agents until {}",
        readable_time(&expires_at)
    );
    record_by(&mut tx, caller, company_id, None, &change, &now).await?;
    tx.commit().await?;
    log_event(state, caller, EventKind::SupportAccessGranted, company_id, change).await;
    Ok(SupportGrant {
        granted_by: caller.full_name.clone(),
        granted_at: now,
        expires_at,
    })
}

pub async fn end_support(state: &AppState, caller: &Caller) -> Result<(), AccessError> {
    let mut tx: Tx = state.db.begin_write().await?;
    let membership = manager_now(&mut tx, caller).await?;
    let company_id = &membership.company_id;
    let now = timestamp_now();
    let ended = queries::end_grants(&mut tx, company_id, caller.account_id, &now).await?;
    if ended == 0 {
        return Err(AccessError::NoSupportGrant);
    }
    record_by(&mut tx, caller, company_id, None, "Support access ended", &now).await?;
    tx.commit().await?;
    let detail = "Support access ended".to_owned();
    log_event(state, caller, EventKind::SupportAccessEnded, company_id, detail).await;
    Ok(())
}

pub async fn supported_companies(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<SupportedCompany>, AccessError> {
    caller.agent()?;
    let mut conn = state.db.conn().await?;
    let now = timestamp_now();
    let open = accounts_db::support_company_of_session(&mut conn, &caller.session.token_hash, &now)
        .await?
        .map(|(id, _, _)| id);
    Ok(queries::companies_granting(&mut conn, &now)
        .await?
        .into_iter()
        .map(|(company_id, company_name, expires_at)| SupportedCompany {
            open: open.as_deref() == Some(company_id.as_str()),
            company_id,
            company_name,
            expires_at,
        })
        .collect())
}

pub async fn open_support(
    state: &AppState,
    caller: &Caller,
    company_id: &str,
) -> Result<(), AccessError> {
    caller.agent()?;
    let mut tx: Tx = state.db.begin_write().await?;
    let now = timestamp_now();
    if queries::live_grant(&mut tx, company_id, &now)
        .await?
        .is_none()
    {
        return Err(AccessError::NoSupportGrant);
    }
    queries::set_session_support(&mut tx, &caller.session.token_hash, Some(company_id)).await?;
    let change = "A vendor agent opened the company's data under support access";
    record_by(&mut tx, caller, company_id, None, change, &now).await?;
    tx.commit().await?;
    log_event(state, caller, EventKind::SupportOpened, company_id, change.to_owned()).await;
    Ok(())
}

pub async fn close_support(state: &AppState, caller: &Caller) -> Result<(), AccessError> {
    caller.agent()?;
    let mut conn = state.db.conn().await?;
    Ok(queries::set_session_support(&mut conn, &caller.session.token_hash, None).await?)
}

pub async fn account_info(state: &AppState, caller: &Caller) -> Result<AccountInfo, AccessError> {
    let membership = caller.company()?;
    let mut conn = state.db.conn().await?;
    let company_id = &membership.company_id;
    let org_entry = queries::org_entry_name(&mut conn, company_id, caller.account_id)
        .await?
        .unwrap_or_else(|| format!("{} (the whole organisation)", membership.company_name));
    let delegated_admins = crate::onboarding::queries::delegated_admins(&mut conn, company_id)
        .await?
        .into_iter()
        .map(|(_, name, _)| name)
        .collect();
    let clock = crate::coverage::lines::clock_now(state.settings.expiring_window_days);
    let contracts = queries::held_contracts(&mut conn, company_id)
        .await?
        .into_iter()
        .map(|row| {
            let standing = rules::contract_standing(
                &row.start_date,
                &row.end_date,
                &clock.today,
                &clock.expiring_until,
            );
            HeldContract {
                contract_number: row.contract_number,
                service_level: row.service_level,
                standing: standing.to_owned(),
                start_date: row.start_date,
                end_date: row.end_date,
                portal_access: row.smart_entitled.0,
            }
        })
        .collect();
    Ok(AccountInfo {
        company_id: company_id.clone(),
        company_name: membership.company_name.clone(),
        org_entry,
        role: membership.role,
        delegated_admins,
        contracts,
    })
}
