//! What two-step sign-in's server functions do, with the database and the mail outbox.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{
    codes::{self, EnteredCode},
    passkey_queries, queries, CompanySecondFactorRule, SecondFactorRequirement, SecondFactorStatus,
    SecondStepMethods, TotpEnrolment,
};
use crate::{
    accounts::{
        caller::Caller,
        queries as account_queries,
        service::{open_session, reauthenticate, take_attempts},
        session::{random_token, token_hash},
        AccountError, CurrentUser, FieldError,
    },
    mail::{outbox, templates},
    platform::{
        clock::{timestamp_now, timestamp_text},
        throttle, AppState,
    },
    security_log::{self, EventKind, NewEvent},
    AppError,
};

/// How long the second step of a sign-in may wait for its code.
const CHALLENGE_LIFETIME: Duration = Duration::from_secs(300);

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn code_error(message: &str) -> AccountError {
    AccountError::Invalid(vec![FieldError::new("code", message)])
}

/// Why the account must use two-step sign-in, if it must.
pub async fn requirement(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    is_agent: bool,
) -> Result<Option<SecondFactorRequirement>, sqlx::Error> {
    if is_agent {
        return Ok(Some(SecondFactorRequirement::Agent));
    }
    Ok(queries::company_requiring(conn, account_id)
        .await?
        .map(|(_, company_name)| SecondFactorRequirement::Company { company_name }))
}

/// True when the account must use two-step sign-in and has not set it up: everything but setting
/// it up is refused until it has.
pub async fn setup_needed(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    is_agent: bool,
) -> Result<bool, sqlx::Error> {
    let (factors, company_rules) = passkey_queries::factors_and_rules(conn, account_id).await?;
    Ok(factors == 0 && (is_agent || company_rules > 0))
}

pub async fn status(
    state: &AppState,
    account_id: i64,
    is_agent: bool,
) -> Result<SecondFactorStatus, AccountError> {
    let mut conn = state.db.conn().await?;
    let factor = queries::factor_of(&mut conn, account_id).await?;
    Ok(SecondFactorStatus {
        enabled_since: factor.and_then(|factor| factor.confirmed_at),
        passkeys: passkey_queries::passkey_count(&mut conn, account_id).await?,
        recovery_codes_left: queries::recovery_codes_left(&mut conn, account_id).await?,
        required: requirement(&mut conn, account_id, is_agent).await?,
    })
}

/// Tells the person and the security log what changed of their second factor.
pub(super) async fn announce(
    state: &AppState,
    tx: &mut sqlx::AnyConnection,
    account: &account_queries::AccountRow,
    what: &str,
) -> Result<(), AccountError> {
    let notice = templates::second_factor_changed(
        &account.email,
        &account.full_name,
        what,
        &state.settings.link("/forgot-password"),
    );
    outbox::enqueue(tx, &notice).await?;
    Ok(())
}

pub(super) async fn log_change(
    state: &AppState,
    client: &str,
    account: &account_queries::AccountRow,
    what: &str,
) {
    let event = NewEvent::new(EventKind::SecondFactorChanged, account.username.as_str())
        .detail(what)
        .from(client)
        .about(account.id);
    security_log::record(state, event).await;
}

pub async fn start_enrolment(
    state: &AppState,
    client: &str,
    account_id: i64,
    current_password: &str,
) -> Result<TotpEnrolment, AccountError> {
    let account = reauthenticate(state, client, account_id, current_password).await?;
    let secret = codes::new_secret();
    let text = codes::secret_text(&secret);
    let mut tx = state.db.begin_write().await?;
    if !queries::begin_enrolment(&mut tx, account.id, &text, &timestamp_now()).await? {
        // Said beside the only field of the form that asked.
        return Err(AccountError::Invalid(vec![FieldError::new(
            "current_password",
            "Two-step sign-in is already on. Turn it off first to move it to another app.",
        )]));
    }
    tx.commit().await?;
    let link = codes::enrolment_link(&secret, &account.username);
    let svg = qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| AccountError::App(crate::platform::internal(e)))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    use base64::Engine as _;
    let qr_image = format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg.as_bytes())
    );
    Ok(TotpEnrolment {
        secret: text,
        link,
        qr_image,
    })
}

/// Checks an authenticator code against the account's factor and uses its step (a code is good
/// once); `confirm` also marks a factor being enrolled as confirmed.
async fn use_authenticator_code(
    tx: &mut sqlx::AnyConnection,
    account_id: i64,
    factor: &queries::FactorRow,
    code: &str,
    confirm: bool,
) -> Result<bool, AccountError> {
    let secret = codes::secret_from_text(&factor.totp_secret)
        .ok_or_else(|| AppError::from(sqlx::Error::Protocol("unreadable TOTP secret".into())))?;
    let last_step = u64::try_from(factor.last_step).unwrap_or(0);
    let Some(step) = codes::accepted_step(&secret, code, unix_now(), last_step) else {
        return Ok(false);
    };
    let now = timestamp_now();
    let confirm_at = confirm.then_some(now.as_str());
    Ok(queries::use_step(tx, account_id, step as i64, confirm_at).await?)
}

/// Uses what the person typed at a second step, if it is good: an authenticator code (its step) or
/// one of their unused recovery codes.
async fn use_entered_code(
    tx: &mut sqlx::AnyConnection,
    account_id: i64,
    factor: Option<&queries::FactorRow>,
    entered: &EnteredCode,
) -> Result<bool, AccountError> {
    match entered {
        // Without an authenticator app (passkeys only), no 6-digit code is good.
        EnteredCode::Authenticator(code) => match factor {
            Some(factor) => use_authenticator_code(tx, account_id, factor, code, false).await,
            None => Ok(false),
        },
        EnteredCode::Recovery(code) => {
            let hash = codes::recovery_code_hash(code);
            Ok(queries::use_recovery_code(tx, account_id, &hash, &timestamp_now()).await?)
        }
    }
}

/// Counts a code attempt against the account and the address before the code is checked.
pub(super) async fn take_code_attempt(
    state: &AppState,
    client: &str,
    account_id: i64,
) -> Result<(String, String), AccountError> {
    let account_key = format!("second_factor:account:{account_id}");
    let address_key = format!("login:address:{client}");
    take_attempts(
        state,
        &[
            (account_key.as_str(), &throttle::SIGN_IN),
            (address_key.as_str(), &throttle::PER_ADDRESS),
        ],
    )
    .await?;
    Ok((account_key, address_key))
}

/// A fresh set of ten recovery codes in place of all earlier ones: returned once, stored hashed.
pub(super) async fn issue_recovery_codes(
    tx: &mut sqlx::AnyConnection,
    account_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let recovery = codes::new_recovery_codes();
    let hashes: Vec<String> = recovery
        .iter()
        .map(|c| codes::recovery_code_hash(c))
        .collect();
    queries::replace_recovery_codes(tx, account_id, &hashes).await?;
    Ok(recovery)
}

pub async fn confirm_enrolment(
    state: &AppState,
    client: &str,
    account_id: i64,
    typed: &str,
) -> Result<Vec<String>, AccountError> {
    let EnteredCode::Authenticator(code) = codes::read_code(typed).map_err(code_error)? else {
        return Err(code_error(
            "Enter the 6-digit code your authenticator app shows now.",
        ));
    };
    let (account_key, address_key) = take_code_attempt(state, client, account_id).await?;
    let mut tx = state.db.begin_write().await?;
    let account = account_queries::find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    let factor = match queries::factor_of(&mut tx, account_id).await? {
        Some(factor) if factor.confirmed_at.is_none() => factor,
        Some(_) => return Err(code_error("Two-step sign-in is already on.")),
        None => return Err(code_error("Start again: scan a new QR code first.")),
    };
    if !use_authenticator_code(&mut tx, account_id, &factor, &code, true).await? {
        return Err(code_error(
            "This code does not match. Check that the app shows NetCare's code and that your phone's clock is right.",
        ));
    }
    // A passkey may have turned two-step sign-in on already, with its codes.
    let recovery = if queries::recovery_codes_left(&mut tx, account_id).await? == 0 {
        issue_recovery_codes(&mut tx, account_id).await?
    } else {
        Vec::new()
    };
    announce(
        state,
        &mut tx,
        &account,
        "an authenticator app was turned on",
    )
    .await?;
    throttle::clear(&mut tx, &account_key).await?;
    throttle::refund(&mut tx, &throttle::PER_ADDRESS, &address_key).await?;
    tx.commit().await?;
    log_change(state, client, &account, "turned on").await;
    Ok(recovery)
}

pub async fn replace_codes(
    state: &AppState,
    client: &str,
    account_id: i64,
    current_password: &str,
) -> Result<Vec<String>, AccountError> {
    let account = reauthenticate(state, client, account_id, current_password).await?;
    let mut tx = state.db.begin_write().await?;
    if !enabled(&mut tx, account_id).await? {
        return Err(AccountError::Invalid(vec![FieldError::new(
            "current_password",
            "Turn two-step sign-in on first.",
        )]));
    }
    let recovery = issue_recovery_codes(&mut tx, account_id).await?;
    announce(
        state,
        &mut tx,
        &account,
        "new recovery codes replaced the earlier ones",
    )
    .await?;
    tx.commit().await?;
    log_change(state, client, &account, "recovery codes replaced").await;
    Ok(recovery)
}

pub async fn turn_off(
    state: &AppState,
    client: &str,
    caller: &Caller,
    current_password: &str,
) -> Result<(), AccountError> {
    let account = reauthenticate(state, client, caller.account_id, current_password).await?;
    let mut tx = state.db.begin_write().await?;
    let passkeys_left = passkey_queries::passkey_count(&mut tx, account.id).await? > 0;
    if !passkeys_left {
        if let Some(required) = requirement(&mut tx, account.id, caller.is_agent).await? {
            return Err(AccountError::Invalid(vec![FieldError::new(
                "current_password",
                format!(
                    "Two-step sign-in cannot be turned off: {}",
                    required.explain()
                ),
            )]));
        }
    }
    // The recovery codes stay while passkeys keep two-step sign-in on.
    queries::remove_factor(&mut tx, account.id, !passkeys_left).await?;
    let what = if passkeys_left {
        "the authenticator app was removed (your passkeys remain)"
    } else {
        "turned off"
    };
    announce(state, &mut tx, &account, what).await?;
    tx.commit().await?;
    log_change(state, client, &account, what).await;
    Ok(())
}

/// Gives an account a confirmed authenticator with a known key, without a first code (operators:
/// the demo agents, whose key is published like their password). No recovery codes.
pub async fn enrol_with_key(
    db: &crate::platform::Database,
    account_id: i64,
    key: &str,
) -> Result<(), AccountError> {
    let secret = codes::secret_from_text(key).ok_or_else(|| {
        AppError::from(sqlx::Error::Protocol(
            "not a base32 key of 128 bits or more".into(),
        ))
    })?;
    let now = timestamp_now();
    let mut tx = db.begin_write().await?;
    queries::remove_factor(&mut tx, account_id, false).await?;
    queries::begin_enrolment(&mut tx, account_id, &codes::secret_text(&secret), &now).await?;
    queries::confirm_factor(&mut tx, account_id, &now).await?;
    Ok(tx.commit().await?)
}

/// After the right password of an account with two-step sign-in: a challenge the browser answers
/// with the code.
pub async fn open_challenge(state: &AppState, account_id: i64) -> Result<String, AccountError> {
    let token = random_token();
    let now = time::OffsetDateTime::now_utc();
    let mut tx = state.db.begin_write().await?;
    queries::insert_challenge(
        &mut tx,
        &token_hash(&token),
        account_id,
        &timestamp_text(now + CHALLENGE_LIFETIME),
        &timestamp_text(now),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Step-up: the caller proves who they are again (password, and the second factor's code if they
/// use one); the session counts as freshly signed in for the next ten minutes.
pub async fn confirm_identity(
    state: &AppState,
    client: &str,
    caller: &Caller,
    current_password: &str,
    typed_code: &str,
) -> Result<(), AccountError> {
    let account = reauthenticate(state, client, caller.account_id, current_password).await?;
    let mut conn = state.db.conn().await?;
    let factor = queries::factor_of(&mut conn, account.id)
        .await?
        .filter(|factor| factor.confirmed_at.is_some());
    drop(conn);
    let mut tx = state.db.begin_write().await?;
    if let Some(factor) = factor {
        let entered = codes::read_code(typed_code).map_err(code_error)?;
        drop(tx);
        let (account_key, address_key) = take_code_attempt(state, client, account.id).await?;
        tx = state.db.begin_write().await?;
        if !use_entered_code(&mut tx, account.id, Some(&factor), &entered).await? {
            return Err(code_error(
                "This code does not match, or was already used. Wait for the next code and try again.",
            ));
        }
        throttle::clear(&mut tx, &account_key).await?;
        throttle::refund(&mut tx, &throttle::PER_ADDRESS, &address_key).await?;
    }
    account_queries::mark_authenticated(&mut tx, &caller.session.token_hash, &timestamp_now())
        .await?;
    Ok(tx.commit().await?)
}

/// Whether the account has a confirmed second factor (sign-in then asks for it).
pub async fn enabled(conn: &mut sqlx::AnyConnection, account_id: i64) -> Result<bool, sqlx::Error> {
    passkey_queries::has_second_factor(conn, account_id).await
}

/// What the second step of the account's sign-in can take.
pub async fn second_step_methods(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
) -> Result<SecondStepMethods, sqlx::Error> {
    Ok(SecondStepMethods {
        authenticator: queries::factor_of(conn, account_id)
            .await?
            .is_some_and(|factor| factor.confirmed_at.is_some()),
        passkey: passkey_queries::passkey_count(conn, account_id).await? > 0,
    })
}

/// The second step: the code (or a recovery code) for a live challenge opens the session.
pub async fn answer_challenge(
    state: &AppState,
    client: &str,
    challenge: &str,
    typed: &str,
    presented: Option<String>,
) -> Result<(CurrentUser, String), AccountError> {
    let expired = || AccountError::SignInExpired;
    let challenge_hash = token_hash(challenge.trim());
    let account_id = challenge_holder(state, &challenge_hash).await?;
    let entered = codes::read_code(typed).map_err(code_error)?;
    let (account_key, address_key) = take_code_attempt(state, client, account_id).await?;
    let mut tx = state.db.begin_write().await?;
    let account = account_queries::find_by_id(&mut tx, account_id)
        .await?
        .filter(|account| account.disabled_at.is_none())
        .ok_or_else(expired)?;
    if !enabled(&mut tx, account_id).await? {
        return Err(expired());
    }
    let factor = queries::factor_of(&mut tx, account_id)
        .await?
        .filter(|factor| factor.confirmed_at.is_some());
    let accepted = use_entered_code(&mut tx, account_id, factor.as_ref(), &entered).await?;
    let event = NewEvent::new(EventKind::SignInFailed, account.username.as_str())
        .from(client)
        .about(account.id);
    if !accepted {
        drop(tx);
        security_log::record(state, event.detail("wrong second-step code")).await;
        return Err(code_error(match entered {
            EnteredCode::Authenticator(_) => {
                "This code does not match, or was already used. Wait for the next code and try again."
            }
            EnteredCode::Recovery(_) => "This recovery code is not one of yours, or was already used.",
        }));
    }
    queries::delete_challenge(&mut tx, &challenge_hash).await?;
    if let EnteredCode::Recovery(_) = entered {
        announce(
            state,
            &mut tx,
            &account,
            "a recovery code was used to sign in",
        )
        .await?;
    }
    tx.commit().await?;
    let detail = match entered {
        EnteredCode::Authenticator(_) => "with an authenticator code",
        EnteredCode::Recovery(_) => "with a recovery code",
    };
    complete_sign_in(
        state,
        client,
        &account,
        detail,
        presented,
        (&account_key, &address_key),
    )
    .await
}

/// The account a live sign-in challenge (what the password step answered) was issued to.
pub(super) async fn challenge_holder(
    state: &AppState,
    challenge_hash: &str,
) -> Result<i64, AccountError> {
    let mut conn = state.db.conn().await?;
    queries::challenge_account(&mut conn, challenge_hash, &timestamp_now())
        .await?
        .ok_or(AccountError::SignInExpired)
}

/// Logs a sign-in completed by a second factor (`how`) and opens its session.
pub(super) async fn complete_sign_in(
    state: &AppState,
    client: &str,
    account: &account_queries::AccountRow,
    how: &str,
    presented: Option<String>,
    attempt_keys: (&str, &str),
) -> Result<(CurrentUser, String), AccountError> {
    let signed_in = NewEvent::new(EventKind::SignedIn, account.username.as_str())
        .detail(how)
        .from(client)
        .about(account.id);
    security_log::record(state, signed_in).await;
    open_session(state, account, presented, attempt_keys).await
}

pub async fn company_rule(
    state: &AppState,
    company_id: &str,
) -> Result<CompanySecondFactorRule, AccountError> {
    let mut conn = state.db.conn().await?;
    let rule = queries::company_rule(&mut conn, company_id).await?;
    Ok(CompanySecondFactorRule {
        required_by: rule.as_ref().map(|(_, by)| by.clone()).unwrap_or_default(),
        required_since: rule.map(|(at, _)| at),
        members_without: queries::members_without_factor(&mut conn, company_id).await?,
    })
}

pub async fn set_company_rule(
    state: &AppState,
    caller: &Caller,
    required: bool,
) -> Result<CompanySecondFactorRule, AccountError> {
    let company = caller.delegated_admin()?;
    caller.recently_authenticated()?;
    let mut tx = state.db.begin_write().await?;
    if required && !enabled(&mut tx, caller.account_id).await? {
        return Err(AccountError::Invalid(vec![FieldError::new(
            "required",
            "Turn on two-step sign-in for yourself first (on your profile): then require it of everyone.",
        )]));
    }
    let now = timestamp_now();
    let rule = required.then_some((now.as_str(), caller.username.as_str()));
    queries::set_company_rule(&mut tx, &company.company_id, rule).await?;
    tx.commit().await?;
    let detail = if required {
        "two-step sign-in required of every member"
    } else {
        "two-step sign-in no longer required"
    };
    let event = caller
        .security_event(EventKind::SecondFactorRuleChanged, &company.company_id)
        .detail(detail);
    security_log::record(state, event).await;
    company_rule(state, &company.company_id).await
}
