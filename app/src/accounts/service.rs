//! What the accounts' server functions do, with the database and the mail outbox.

use std::time::Duration;

use time::OffsetDateTime;

use super::{
    passwords, queries, second_factor,
    rules::{
        check_business_email, check_email_shape, check_full_name, check_username, username_key,
    },
    session::{random_token, token_hash, SessionInfo},
    AccountError, CurrentUser, EmailLink, FieldError, VerifiedEmail,
};
use crate::{
    mail::{outbox, templates},
    security_log::{self, EventKind, NewEvent},
    platform::{
        clock::{timestamp_now, timestamp_text},
        internal,
        throttle::{self, Throttle},
        AppState,
    },
    error::SessionEnd,
    AppError,
};

const VERIFY_EMAIL: &str = "verify_email";
const CHANGE_EMAIL: &str = "change_email";
const RESET_PASSWORD: &str = "reset_password";

fn later(after: Duration) -> String {
    timestamp_text(OffsetDateTime::now_utc() + after)
}

pub async fn load_user(
    state: &AppState,
    account_id: i64,
) -> Result<Option<CurrentUser>, AccountError> {
    let mut conn = state.db.conn().await?;
    let Some(row) = queries::find_by_id(&mut conn, account_id).await? else {
        return Ok(None);
    };
    let mut user = row.to_user();
    user.membership = queries::membership_of(&mut conn, account_id).await?;
    Ok(Some(user))
}

/// The signed-in person, with the company whose data their session reads (for an agent, the one
/// open under support access).
pub async fn load_signed_in(
    state: &AppState,
    session: &SessionInfo,
) -> Result<Option<CurrentUser>, AccountError> {
    let Some(mut user) = load_user(state, session.account_id).await? else {
        return Ok(None);
    };
    if user.membership.is_none() && user.is_agent {
        let mut conn = state.db.conn().await?;
        user.membership = queries::company_of_session(&mut conn, session).await?;
    }
    let mut conn = state.db.conn().await?;
    user.second_factor_setup =
        second_factor::service::setup_needed(&mut conn, user.id, user.is_agent).await?;
    Ok(Some(user))
}

/// Counts a password attempt against each of `keys` before the password is verified, in one
/// transaction: parallel guesses cannot all pass a check made before any of them is recorded.
pub(crate) async fn take_attempts(state: &AppState, keys: &[(&str, &Throttle)]) -> Result<(), AccountError> {
    let mut tx = state.db.begin_write().await?;
    for (key, rule) in keys {
        if let Err(retry_after_seconds) = throttle::take_attempt(&mut tx, rule, key).await? {
            return Err(AccountError::TooManyAttempts {
                retry_after_seconds,
            });
        }
    }
    Ok(tx.commit().await?)
}

struct NewAccountFields {
    username: String,
    full_name: String,
    email: String,
}

enum EmailRule {
    Business,
    AnyDomain,
}

/// Every rule a new account's fields must meet, with one message per field that fails.
fn check_new_account(
    username: &str,
    full_name: &str,
    email: &str,
    password: &str,
    rule: EmailRule,
) -> Result<NewAccountFields, AccountError> {
    let mut problems = Vec::new();
    let username = check_username(username)
        .map_err(|m| problems.push(FieldError::new("username", m)))
        .ok();
    let full_name = check_full_name(full_name)
        .map_err(|m| problems.push(FieldError::new("full_name", m)))
        .ok();
    let email = match rule {
        EmailRule::Business => check_business_email(email),
        EmailRule::AnyDomain => check_email_shape(email),
    }
    .map_err(|p| problems.push(FieldError::new("email", p.message())))
    .ok();
    // The person's own words make a password easy to guess for anyone who knows them.
    let context = [
        username.as_deref().unwrap_or(""),
        full_name.as_deref().unwrap_or(""),
        email.as_deref().unwrap_or(""),
    ];
    if let Err(message) = passwords::check_password(password, &context) {
        problems.push(FieldError::new("password", message));
    }
    match (username, full_name, email) {
        (Some(username), Some(full_name), Some(email)) if problems.is_empty() => {
            Ok(NewAccountFields {
                username,
                full_name,
                email,
            })
        }
        _ => Err(AccountError::Invalid(problems)),
    }
}

pub async fn register(
    state: &AppState,
    client: &str,
    username: &str,
    full_name: &str,
    email: &str,
    password: &str,
) -> Result<(), AccountError> {
    let address_key = format!("register:address:{client}");
    // The form's own mistakes cost nothing; every registration that gets past them is counted
    // before the database is asked, in one step parallel requests cannot slip between, and
    // given back when it makes an account (only tries at taken names stay counted).
    let NewAccountFields {
        username,
        full_name,
        email,
    } = check_new_account(username, full_name, email, password, EmailRule::Business)?;
    take_attempts(state, &[(address_key.as_str(), &throttle::PER_ADDRESS)]).await?;
    let key = username_key(&username);
    let password_hash = passwords::hash(password.to_owned())
        .await
        .map_err(|e| AccountError::App(internal(e)))?;

    let now = timestamp_now();
    let mut tx = state.db.begin_write().await?;
    let (username_taken, email_taken) = queries::taken(&mut tx, &key, &email).await?;
    if username_taken || email_taken {
        // The same answer as a new account, so the form tells nobody who has one: the mailbox
        // entered hears what happened, within the mail limits (past them, nothing is sent).
        let notice = if email_taken {
            templates::registration_with_your_address(
                &email,
                &state.settings.link("/login"),
                &state.settings.link("/forgot-password"),
            )
        } else {
            templates::username_taken(&email, &full_name, &username, &state.settings.link("/register"))
        };
        let recipient = recipient_mail_key(&email);
        if throttle::take_attempt(&mut tx, &throttle::MAIL_SENDS, &recipient)
            .await?
            .is_ok()
        {
            outbox::enqueue(&mut tx, &notice).await?;
        }
        tx.commit().await?;
        return Ok(());
    }
    let account = queries::NewAccount {
        username: &username,
        username_key: &key,
        full_name: &full_name,
        email: &email,
        password_hash: &password_hash,
        is_agent: false,
        email_verified_at: None,
    };
    let account_id = queries::insert_account(&mut tx, &account, &now).await?;
    send_verification(state, &mut tx, (account_id, &full_name, &email), VERIFY_EMAIL).await?;
    throttle::refund(&mut tx, &throttle::PER_ADDRESS, &address_key).await?;
    Ok(tx.commit().await?)
}

/// The mail throttle's key for one recipient (`MAIL_SENDS`), whatever the case of the address.
fn recipient_mail_key(email: &str) -> String {
    format!("mail:to:{}", email.to_lowercase())
}

/// Creates a single-use token and queues the email that carries it, in the caller's transaction;
/// `TooManyAttempts` once the account or the recipient has had its share of such emails for now.
async fn send_verification(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    (account_id, name, email): (i64, &str, &str),
    purpose: &str,
) -> Result<(), AccountError> {
    for key in [
        format!("mail:account:{account_id}"),
        recipient_mail_key(email),
    ] {
        if let Err(retry_after_seconds) =
            throttle::take_attempt(conn, &throttle::MAIL_SENDS, &key).await?
        {
            return Err(AccountError::TooManyAttempts {
                retry_after_seconds,
            });
        }
    }
    let now = timestamp_now();
    queries::retire_tokens(conn, account_id, purpose, &now).await?;
    let token = random_token();
    let ttl = if purpose == RESET_PASSWORD {
        state.settings.reset_ttl
    } else {
        state.settings.verification_ttl
    };
    queries::insert_token(
        conn,
        &token_hash(&token),
        account_id,
        purpose,
        email,
        &later(ttl),
        &now,
    )
    .await?;
    let message = match purpose {
        RESET_PASSWORD => templates::password_reset(
            email,
            name,
            &state
                .settings
                .link(&format!("/reset-password?token={token}")),
            ttl.as_secs() / 60,
        ),
        CHANGE_EMAIL => templates::change_email(
            email,
            name,
            &state.settings.link(&format!("/verify-email?token={token}")),
            ttl.as_secs() / 3600,
        ),
        _ => templates::verify_email(
            email,
            name,
            &state.settings.link(&format!("/verify-email?token={token}")),
            ttl.as_secs() / 3600,
        ),
    };
    outbox::enqueue(conn, &message).await?;
    Ok(())
}

/// Signs in by username or email: the user and the new session's token (for the cookie), or, for
/// an account with two-step sign-in, the challenge its code answers.
pub async fn login(
    state: &AppState,
    client: &str,
    login: &str,
    password: &str,
    presented: Option<String>,
) -> Result<SignInStep, AccountError> {
    let login = login.trim();
    let email_form = check_email_shape(login).unwrap_or_default();
    let user_key = username_key(login);
    let account_key = format!(
        "login:account:{}",
        if email_form.is_empty() {
            &user_key
        } else {
            &email_form
        }
    );
    let address_key = format!("login:address:{client}");

    let attempt = [
        (account_key.as_str(), &throttle::SIGN_IN),
        (address_key.as_str(), &throttle::PER_ADDRESS),
    ];
    let taken = take_attempts(state, &attempt).await;
    let mut conn = state.db.conn().await?;
    let account = queries::find_by_login(&mut conn, &user_key, &email_form).await?;
    drop(conn);
    // What the security log says of this attempt: about the account the login names, if any.
    let event = |kind: EventKind, detail: &str| {
        let event = NewEvent::new(kind, login).detail(detail).from(client);
        match &account {
            Some(account) => event.about(account.id),
            None => event,
        }
    };
    if let Err(err) = taken {
        security_log::record(state, event(EventKind::SignInThrottled, "")).await;
        return Err(err);
    }
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    if !passwords::verify(password.to_owned(), stored).await {
        let detail = if account.is_some() {
            "wrong password"
        } else {
            "no such account"
        };
        security_log::record(state, event(EventKind::SignInFailed, detail)).await;
        return Err(AccountError::WrongCredentials);
    }
    if account.as_ref().is_some_and(|a| a.disabled_at.is_some()) {
        security_log::record(state, event(EventKind::SignInFailed, "account disabled")).await;
        return Err(AccountError::Disabled);
    }
    let signed_in = event(EventKind::SignedIn, "");
    let account = account.expect("a verified password has an account");
    let mut conn = state.db.conn().await?;
    let methods = second_factor::service::second_step_methods(&mut conn, account.id).await?;
    if methods.authenticator || methods.passkey {
        drop(conn);
        // The password was right: its throttles forget this attempt; the code has its own.
        let mut tx = state.db.begin_write().await?;
        throttle::clear(&mut tx, &account_key).await?;
        throttle::refund(&mut tx, &throttle::PER_ADDRESS, &address_key).await?;
        tx.commit().await?;
        let challenge = second_factor::service::open_challenge(state, account.id).await?;
        return Ok(SignInStep::SecondStep { challenge, methods });
    }
    drop(conn);
    security_log::record(state, signed_in).await;
    let (user, token) = open_session(state, &account, presented, (&account_key, &address_key)).await?;
    Ok(SignInStep::Complete(user, token))
}

/// How a sign-in with the right password goes on, on the server (the token goes into the cookie).
pub enum SignInStep {
    Complete(CurrentUser, String),
    SecondStep {
        challenge: String,
        methods: second_factor::SecondStepMethods,
    },
}

/// Opens a session for an account whose sign-in succeeded: ends whatever session id the browser
/// presented, clears the sign-in throttles (`keys`: the account's and the address's) and returns
/// the user with the new session's token.
pub(crate) async fn open_session(
    state: &AppState,
    account: &queries::AccountRow,
    presented: Option<String>,
    (account_key, address_key): (&str, &str),
) -> Result<(CurrentUser, String), AccountError> {
    let now = timestamp_now();
    let token = random_token();
    let mut tx = state.db.begin_write().await?;
    if let Some(old) = presented {
        // Whatever session id the browser had before (possibly planted), it ends here.
        queries::delete_session(&mut tx, &token_hash(&old)).await?;
    }
    queries::insert_session(
        &mut tx,
        &token_hash(&token),
        account.id,
        &now,
        &later(state.settings.session_idle),
        &later(state.settings.session_max),
    )
    .await?;
    queries::set_last_login(&mut tx, account.id, &now).await?;
    throttle::clear(&mut tx, account_key).await?;
    throttle::refund(&mut tx, &throttle::PER_ADDRESS, address_key).await?;
    tx.commit().await?;
    // With the company and role, so the page can send the person to their home.
    let mut user = account.to_user();
    let mut conn = state.db.conn().await?;
    user.membership = queries::membership_of(&mut conn, account.id).await?;
    user.second_factor_setup =
        second_factor::service::setup_needed(&mut conn, account.id, user.is_agent).await?;
    Ok((user, token))
}

/// The session a cookie's token belongs to, if it is live (its idle deadline extended, at most
/// once a minute so reads do not become writes), or why someone else ended it.
pub async fn resolve_session(
    state: &AppState,
    token: &str,
) -> Result<Option<Result<SessionInfo, SessionEnd>>, sqlx::Error> {
    let hash = token_hash(token);
    let now = OffsetDateTime::now_utc();
    let Some(row) = queries::live_session(state.db.pool(), &hash, &timestamp_text(now)).await?
    else {
        return Ok(None);
    };
    if let Some(reason) = row.ended_reason {
        return Ok(SessionEnd::parse(&reason).map(Err));
    }
    if row.last_seen_at < timestamp_text(now - Duration::from_secs(60)) {
        queries::touch_session(
            state.db.pool(),
            &hash,
            &timestamp_text(now),
            &later(state.settings.session_idle),
        )
        .await?;
    }
    Ok(Some(Ok(SessionInfo {
        account_id: row.account_id,
        token_hash: hash,
        authenticated_at: row.authenticated_at,
    })))
}

pub async fn end_session(state: &AppState, token: &str) -> Result<(), AccountError> {
    let mut conn = state.db.conn().await?;
    Ok(queries::delete_session(&mut conn, &token_hash(token)).await?)
}

pub async fn end_all_sessions(state: &AppState, account_id: i64) -> Result<(), AccountError> {
    let mut conn = state.db.conn().await?;
    queries::delete_sessions_of(&mut conn, account_id).await?;
    Ok(())
}

/// Checks a link's token: the row, or why it cannot be used.
async fn usable_token(
    conn: &mut sqlx::AnyConnection,
    token: &str,
    purposes: &[&str],
) -> Result<queries::TokenRow, AccountError> {
    let row = queries::find_token(conn, &token_hash(token.trim())).await?;
    let row = row
        .filter(|r| purposes.contains(&r.purpose.as_str()))
        .ok_or(AccountError::LinkInvalid)?;
    if row.used_at.is_some() {
        return Err(AccountError::LinkUsed);
    }
    if row.expires_at <= timestamp_now() {
        return Err(AccountError::LinkExpired);
    }
    Ok(row)
}

/// What a verification link would confirm, read without using it: a mail scanner that opens the
/// link changes nothing; the person confirms on the page.
pub async fn inspect_email_link(state: &AppState, token: &str) -> Result<EmailLink, AccountError> {
    let mut conn = state.db.conn().await?;
    let row = usable_token(&mut conn, token, &[VERIFY_EMAIL, CHANGE_EMAIL]).await?;
    let account = queries::find_by_id(&mut conn, row.account_id)
        .await?
        .ok_or(AccountError::LinkInvalid)?;
    Ok(EmailLink {
        username: account.username,
        email: row.email,
        change: row.purpose == CHANGE_EMAIL,
    })
}

pub async fn verify_email(state: &AppState, token: &str) -> Result<VerifiedEmail, AccountError> {
    let mut tx = state.db.begin_write().await?;
    let row = usable_token(&mut tx, token, &[VERIFY_EMAIL, CHANGE_EMAIL]).await?;
    let now = timestamp_now();
    if !queries::use_token(&mut tx, &token_hash(token.trim()), &now).await? {
        return Err(AccountError::LinkUsed);
    }
    if row.purpose == CHANGE_EMAIL {
        if let Some(other) = queries::find_by_email(&mut tx, &row.email).await? {
            if other.id != row.account_id {
                return Err(AccountError::Invalid(vec![FieldError::new(
                    "email",
                    "Another account now uses this email address.",
                )]));
            }
        }
    }
    let before = queries::find_by_id(&mut tx, row.account_id).await?;
    queries::set_email_verified(&mut tx, row.account_id, &row.email, &now).await?;
    // Whatever other link is still out (to this address or an earlier one) could set the address
    // back or reset the password from a mailbox the person left: none works any more.
    for purpose in [VERIFY_EMAIL, CHANGE_EMAIL, RESET_PASSWORD] {
        queries::retire_tokens(&mut tx, row.account_id, purpose, &now).await?;
    }
    let changed = before.filter(|before| before.email != row.email);
    if let Some(before) = &changed {
        let notice = templates::email_changed(
            &before.email,
            &before.full_name,
            &row.email,
            &state.settings.link("/forgot-password"),
        );
        outbox::enqueue(&mut tx, &notice).await?;
    }
    tx.commit().await?;
    if let Some(before) = changed {
        let event = NewEvent::new(EventKind::EmailChanged, before.username.as_str())
            .detail(format!("from {} to {}", before.email, row.email))
            .from(&super::session::client_address());
        security_log::record(state, event.about(row.account_id)).await;
    }
    Ok(if row.purpose == CHANGE_EMAIL {
        VerifiedEmail::ChangedEmail
    } else {
        VerifiedEmail::AccountEmail
    })
}

pub async fn resend_verification(state: &AppState, account_id: i64) -> Result<(), AccountError> {
    let mut tx = state.db.begin_write().await?;
    let account = queries::find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    if account.email_verified_at.is_some() {
        return Ok(());
    }
    let to = (account.id, account.full_name.as_str(), account.email.as_str());
    send_verification(state, &mut tx, to, VERIFY_EMAIL).await?;
    Ok(tx.commit().await?)
}

/// Always the same answer, whether or not an account has this address.
pub async fn request_password_reset(
    state: &AppState,
    client: &str,
    email: &str,
) -> Result<(), AccountError> {
    let address_key = format!("reset:address:{client}");
    let mut tx = state.db.begin_write().await?;
    // Every request counts towards the address's throttle, found or not, so it cannot probe;
    // counted and checked in one step, so parallel requests cannot pass it together.
    if let Err(retry_after_seconds) =
        throttle::take_attempt(&mut tx, &throttle::PER_ADDRESS, &address_key).await?
    {
        return Err(AccountError::TooManyAttempts {
            retry_after_seconds,
        });
    }
    let Ok(email) = check_email_shape(email) else {
        return Ok(tx.commit().await?);
    };
    let mut requested_for = None;
    if let Some(account) = queries::find_by_email(&mut tx, &email).await? {
        if account.disabled_at.is_none() {
            let to = (account.id, account.full_name.as_str(), account.email.as_str());
            match send_verification(state, &mut tx, to, RESET_PASSWORD).await {
                // The same answer as for an unknown address: no mail now, and nothing said.
                Err(AccountError::TooManyAttempts { .. }) => {}
                sent => sent?,
            }
            requested_for = Some(account.id);
        }
    }
    tx.commit().await?;
    // Logged after the commit: the log writes on a connection of its own.
    if let Some(account_id) = requested_for {
        let event = NewEvent::new(EventKind::PasswordResetRequested, "(by email)");
        security_log::record(state, event.about(account_id).from(client)).await;
    }
    Ok(())
}

/// The hash of a new password that follows the rules (not common, not the person's own names);
/// otherwise the rule it breaks, on form field `field`.
async fn checked_hash(
    password: &str,
    identity: &[&str],
    field: &'static str,
) -> Result<String, AccountError> {
    passwords::check_password(password, identity)
        .map_err(|m| AccountError::Invalid(vec![FieldError::new(field, m)]))?;
    passwords::hash(password.to_owned())
        .await
        .map_err(|e| AccountError::App(internal(e)))
}

pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
) -> Result<(), AccountError> {
    let row = {
        let mut conn = state.db.conn().await?;
        usable_token(&mut conn, token, &[RESET_PASSWORD]).await?
    };
    let account = load_user(state, row.account_id)
        .await?
        .ok_or(AccountError::LinkInvalid)?;
    let identity = [&*account.username, &*account.full_name, &*account.email];
    let hash = checked_hash(password, &identity, "password").await?;
    let now = timestamp_now();
    let mut tx = state.db.begin_write().await?;
    if !queries::use_token(&mut tx, &token_hash(token.trim()), &now).await? {
        return Err(AccountError::LinkUsed);
    }
    queries::set_password(&mut tx, row.account_id, &hash, &now).await?;
    // A reset means the old password may be known to someone else: every session ends.
    queries::delete_sessions_of(&mut tx, row.account_id).await?;
    let notice = templates::password_was_reset(
        &account.email,
        &account.full_name,
        &state.settings.link("/forgot-password"),
    );
    outbox::enqueue(&mut tx, &notice).await?;
    tx.commit().await?;
    let event = NewEvent::new(EventKind::PasswordReset, account.username.as_str())
        .detail("with a reset link; every session ended")
        .from(&super::session::client_address());
    security_log::record(state, event.about(row.account_id)).await;
    Ok(())
}

pub async fn update_name(
    state: &AppState,
    account_id: i64,
    full_name: &str,
) -> Result<CurrentUser, AccountError> {
    let full_name = check_full_name(full_name)
        .map_err(|m| AccountError::Invalid(vec![FieldError::new("full_name", m)]))?;
    let mut tx = state.db.begin_write().await?;
    queries::set_full_name(&mut tx, account_id, &full_name, &timestamp_now()).await?;
    let account = queries::find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    tx.commit().await?;
    Ok(account.to_user())
}

/// The caller's account once its current password is proven again (counted against the same
/// throttles as signing in, before the password is checked).
pub(crate) async fn reauthenticate(
    state: &AppState,
    client: &str,
    account_id: i64,
    current_password: &str,
) -> Result<queries::AccountRow, AccountError> {
    let account_key = format!("reauth:account:{account_id}");
    let address_key = format!("login:address:{client}");
    let attempt = [
        (account_key.as_str(), &throttle::SIGN_IN),
        (address_key.as_str(), &throttle::PER_ADDRESS),
    ];
    take_attempts(state, &attempt).await?;
    let account = {
        let mut conn = state.db.conn().await?;
        queries::find_by_id(&mut conn, account_id)
            .await?
            .ok_or(AppError::NotSignedIn)?
    };
    if !passwords::verify(
        current_password.to_owned(),
        Some(account.password_hash.clone()),
    )
    .await
    {
        return Err(AccountError::Invalid(vec![FieldError::new(
            "current_password",
            "This is not your current password.",
        )]));
    }
    // The right password: this attempt was not a failure.
    let mut tx = state.db.begin_write().await?;
    throttle::clear(&mut tx, &account_key).await?;
    throttle::refund(&mut tx, &throttle::PER_ADDRESS, &address_key).await?;
    tx.commit().await?;
    Ok(account)
}

/// Re-authenticates with the current password, then sends a confirmation link to the new address;
/// the address changes only when that link is opened.
pub async fn change_email(
    state: &AppState,
    client: &str,
    account_id: i64,
    new_email: &str,
    current_password: &str,
) -> Result<(), AccountError> {
    let account = reauthenticate(state, client, account_id, current_password).await?;
    let email = check_business_email(new_email)
        .map_err(|p| AccountError::Invalid(vec![FieldError::new("new_email", p.message())]))?;
    if email == account.email {
        return Err(AccountError::Invalid(vec![FieldError::new(
            "new_email",
            "This is already your email address.",
        )]));
    }
    let mut tx = state.db.begin_write().await?;
    if queries::find_by_email(&mut tx, &email).await?.is_some() {
        return Err(AccountError::Invalid(vec![FieldError::new(
            "new_email",
            "Another account uses this email address.",
        )]));
    }
    let to = (account.id, account.full_name.as_str(), email.as_str());
    send_verification(state, &mut tx, to, CHANGE_EMAIL).await?;
    Ok(tx.commit().await?)
}

/// A new password, once the current one is proven again: every other session of the account ends
/// (whoever knew the old password is signed out), this one goes on, and the address is told.
pub async fn change_password(
    state: &AppState,
    client: &str,
    session: &SessionInfo,
    current_password: &str,
    new_password: &str,
) -> Result<(), AccountError> {
    let account = reauthenticate(state, client, session.account_id, current_password).await?;
    if new_password == current_password {
        return Err(AccountError::Invalid(vec![FieldError::new(
            "new_password",
            "Choose a password other than the current one.",
        )]));
    }
    let identity = [&*account.username, &*account.full_name, &*account.email];
    let hash = checked_hash(new_password, &identity, "new_password").await?;
    let now = timestamp_now();
    let mut tx = state.db.begin_write().await?;
    queries::set_password(&mut tx, account.id, &hash, &now).await?;
    queries::delete_other_sessions(&mut tx, account.id, &session.token_hash).await?;
    queries::retire_tokens(&mut tx, account.id, RESET_PASSWORD, &now).await?;
    let notice = templates::password_changed(
        &account.email,
        &account.full_name,
        &state.settings.link("/forgot-password"),
    );
    outbox::enqueue(&mut tx, &notice).await?;
    tx.commit().await?;
    let event = NewEvent::new(EventKind::PasswordChanged, account.username.as_str())
        .detail("other sessions ended")
        .from(client);
    security_log::record(state, event.about(account.id)).await;
    Ok(())
}

/// An account created by an operator (agents, demo accounts): same rules as registration, email
/// already verified, no mail sent. Returns `None` if the username or email is already taken.
/// Disables an account (by username or email), ending its live sessions at once: its next
/// request is refused and it cannot sign in; or enables it again. `None` if there is no such
/// account.
pub async fn set_disabled(
    db: &crate::platform::Database,
    login: &str,
    disabled: bool,
) -> Result<Option<i64>, AccountError> {
    let login = login.trim();
    let email_form = check_email_shape(login).unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let Some(account) = queries::find_by_login(&mut tx, &username_key(login), &email_form).await?
    else {
        return Ok(None);
    };
    let now = timestamp_now();
    queries::set_disabled(&mut tx, account.id, disabled.then_some(now.as_str())).await?;
    if disabled {
        queries::end_sessions_of(&mut tx, account.id, SessionEnd::AccountDisabled).await?;
        // Its collectors stop with it: a token outliving its maker is access nobody watches.
        queries::revoke_tokens_created_by(&mut tx, account.id, &now).await?;
    }
    tx.commit().await?;
    Ok(Some(account.id))
}

pub async fn create_verified_account(
    db: &crate::platform::Database,
    username: &str,
    full_name: &str,
    email: &str,
    password: &str,
    is_agent: bool,
) -> Result<Option<i64>, AccountError> {
    // Operators create agents with the vendor's own addresses, so only the shape is checked.
    let NewAccountFields {
        username,
        full_name,
        email,
    } = check_new_account(username, full_name, email, password, EmailRule::AnyDomain)?;
    let hash = passwords::hash(password.to_owned())
        .await
        .map_err(|e| AccountError::App(internal(e)))?;
    let key = username_key(&username);
    let now = timestamp_now();
    let mut tx = db.begin_write().await?;
    let (username_taken, email_taken) = queries::taken(&mut tx, &key, &email).await?;
    if username_taken || email_taken {
        return Ok(None);
    }
    let account = queries::NewAccount {
        username: &username,
        username_key: &key,
        full_name: &full_name,
        email: &email,
        password_hash: &hash,
        is_agent,
        email_verified_at: Some(&now),
    };
    let id = queries::insert_account(&mut tx, &account, &now).await?;
    tx.commit().await?;
    Ok(Some(id))
}
