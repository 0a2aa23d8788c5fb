//! Passkeys (WebAuthn) on the server: adding and removing them, the second step of a sign-in with
//! one, and a sign-in with a passkey alone. Each ceremony is two calls: the first stores
//! webauthn-rs's state under a token and sends the browser its options, the second takes the state
//! (once) and checks the browser's answer against it.

use std::time::Duration;

use base64::Engine as _;
use webauthn_rs::prelude::{
    CreationChallengeResponse, DiscoverableAuthentication, DiscoverableKey, Passkey,
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Uuid, Webauthn,
};

use super::{
    passkey_queries::{self as queries, NewCeremony, PasskeyRow},
    queries as factor_queries, relying_party,
    service::{
        announce, challenge_holder, complete_sign_in, issue_recovery_codes, log_change,
        requirement, take_code_attempt,
    },
    PasskeyCeremony, PasskeySummary,
};
use crate::{
    accounts::{
        caller::Caller,
        queries as account_queries,
        service::{reauthenticate, take_attempts},
        session::{random_token, token_hash},
        AccountError, CurrentUser, FieldError,
    },
    platform::{
        clock::{timestamp_now, timestamp_text},
        internal, throttle, AppState,
    },
    security_log::{self, EventKind, NewEvent},
    AppError,
};

/// How long the browser may take to answer a ceremony (the person picks a passkey, touches a key).
const CEREMONY_LIFETIME: Duration = Duration::from_secs(300);
const REGISTER: &str = "register";
const SECOND_STEP: &str = "second_step";
const SIGN_IN: &str = "sign_in";
/// Passkey sign-ins (no account known yet) under way at once, at most.
const MAX_OPEN_SIGN_INS: i64 = 10_000;
/// The longest name a passkey may have ("Work laptop", "YubiKey 5C").
const NAME_MAX_CHARS: usize = 60;

fn passkey_error(message: impl Into<String>) -> AccountError {
    AccountError::Invalid(vec![FieldError::new("passkey", message)])
}

fn checks(state: &AppState) -> Result<Webauthn, AccountError> {
    relying_party::webauthn(&state.settings.public_url).map_err(passkey_error)
}

fn stored<T: serde::Serialize>(value: &T) -> Result<String, AccountError> {
    serde_json::to_string(value).map_err(|err| AccountError::App(internal(err)))
}

fn restored<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AccountError> {
    serde_json::from_str(text).map_err(|err| AccountError::App(internal(err)))
}

/// The browser's answer, read as webauthn-rs expects it.
fn answer<T: serde::de::DeserializeOwned>(credential: &str) -> Result<T, AccountError> {
    serde_json::from_str(credential)
        .map_err(|_| passkey_error("The browser's passkey answer could not be read. Try again."))
}

fn credential_key(id: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

/// The options as the browser's `PublicKeyCredential.parse…OptionsFromJSON` reads them: without
/// the `null`s serde writes for absent members (WebIDL refuses `null` for a list).
fn options_json<T: serde::Serialize>(options: &T) -> Result<String, AccountError> {
    fn without_nulls(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(members) => members
                .into_iter()
                .filter(|(_, member)| !member.is_null())
                .map(|(name, member)| (name, without_nulls(member)))
                .collect(),
            serde_json::Value::Array(items) => items.into_iter().map(without_nulls).collect(),
            other => other,
        }
    }
    let value = serde_json::to_value(options).map_err(|err| AccountError::App(internal(err)))?;
    stored(&without_nulls(value))
}

/// A passkey's name as typed: trimmed, one line, not too long; "Passkey" when left empty.
pub fn passkey_name(typed: &str) -> Result<String, String> {
    let name = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().any(char::is_control) {
        return Err("Use letters, digits and spaces only.".into());
    }
    match name.chars().count() {
        0 => Ok("Passkey".into()),
        n if n > NAME_MAX_CHARS => Err(format!("Keep the name to {NAME_MAX_CHARS} characters.")),
        _ => Ok(name),
    }
}

async fn save_ceremony(
    state: &AppState,
    account_id: Option<i64>,
    purpose: &str,
    webauthn_state: &str,
    detail: &str,
    options: String,
) -> Result<PasskeyCeremony, AccountError> {
    let token = random_token();
    let now = time::OffsetDateTime::now_utc();
    let mut tx = state.db.begin_write().await?;
    let ceremony = NewCeremony {
        token_hash: &token_hash(&token),
        account_id,
        purpose,
        state: webauthn_state,
        detail,
        expires_at: &timestamp_text(now + CEREMONY_LIFETIME),
    };
    queries::insert_ceremony(&mut tx, &ceremony, &timestamp_text(now)).await?;
    tx.commit().await?;
    Ok(PasskeyCeremony {
        ceremony: token,
        options,
    })
}

/// Takes the live ceremony the browser's token names, for `purpose` (each is answered once).
async fn take(
    tx: &mut sqlx::AnyConnection,
    ceremony: &str,
    purpose: &str,
) -> Result<Option<queries::CeremonyRow>, sqlx::Error> {
    queries::take_ceremony(tx, &token_hash(ceremony.trim()), purpose, &timestamp_now()).await
}

fn ceremony_over() -> AccountError {
    passkey_error("This passkey request took too long or was already answered. Start again.")
}

pub async fn list(state: &AppState, account_id: i64) -> Result<Vec<PasskeySummary>, AccountError> {
    let mut conn = state.db.conn().await?;
    Ok(queries::passkeys_of(&mut conn, account_id)
        .await?
        .into_iter()
        .map(|row| PasskeySummary {
            id: row.id,
            name: row.name,
            added: row.created_at,
            last_used: row.last_used_at,
        })
        .collect())
}

/// The account's passkeys as webauthn-rs checks them.
fn credentials(rows: &[PasskeyRow]) -> Result<Vec<Passkey>, AccountError> {
    rows.iter().map(|row| restored(&row.credential)).collect()
}

/// First call of adding a passkey, once the current password is proven again.
pub async fn start_registration(
    state: &AppState,
    client: &str,
    account_id: i64,
    current_password: &str,
    typed_name: &str,
) -> Result<PasskeyCeremony, AccountError> {
    let name = passkey_name(typed_name)
        .map_err(|why| AccountError::Invalid(vec![FieldError::new("name", why)]))?;
    let webauthn = checks(state)?;
    let account = reauthenticate(state, client, account_id, current_password).await?;
    let mut tx = state.db.begin_write().await?;
    let handle = match queries::user_handle_of(&mut tx, account.id).await? {
        Some(handle) => handle,
        None => {
            let handle = Uuid::new_v4().to_string();
            queries::insert_user_handle(&mut tx, account.id, &handle).await?;
            handle
        }
    };
    let existing = credentials(&queries::passkeys_of(&mut tx, account.id).await?)?;
    tx.commit().await?;
    let handle = Uuid::parse_str(&handle).map_err(|err| AccountError::App(internal(err)))?;
    let exclude = existing.iter().map(|key| key.cred_id().clone()).collect();
    let (options, registration): (CreationChallengeResponse, PasskeyRegistration) = webauthn
        .start_passkey_registration(handle, &account.username, &account.full_name, Some(exclude))
        .map_err(|err| AccountError::App(internal(err)))?;
    let mut options =
        serde_json::to_value(&options).map_err(|err| AccountError::App(internal(err)))?;
    // Discoverable, so that the passkey alone can sign in (the account is found by its handle).
    if let Some(selection) = options["publicKey"]["authenticatorSelection"].as_object_mut() {
        selection.insert("residentKey".into(), "required".into());
        selection.insert("requireResidentKey".into(), true.into());
    }
    let options = options_json(&options)?;
    save_ceremony(
        state,
        Some(account.id),
        REGISTER,
        &stored(&registration)?,
        &name,
        options,
    )
    .await
}

/// Second call of adding a passkey: the browser's new credential. Returns recovery codes when the
/// passkey is the account's first second factor (empty otherwise).
pub async fn finish_registration(
    state: &AppState,
    client: &str,
    account_id: i64,
    ceremony: &str,
    credential: &str,
) -> Result<Vec<String>, AccountError> {
    let webauthn = checks(state)?;
    let response: RegisterPublicKeyCredential = answer(credential)?;
    let mut tx = state.db.begin_write().await?;
    let taken = take(&mut tx, ceremony, REGISTER)
        .await?
        .filter(|row| row.account_id == Some(account_id))
        .ok_or_else(ceremony_over)?;
    let registration: PasskeyRegistration = restored(&taken.state)?;
    let passkey = webauthn
        .finish_passkey_registration(&response, &registration)
        .map_err(|_| passkey_error("Your passkey's answer did not check out. Try again."))?;
    let account = account_queries::find_by_id(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    let first = !queries::has_second_factor(&mut tx, account_id).await?;
    let added = queries::insert_passkey(
        &mut tx,
        account_id,
        &credential_key(passkey.cred_id()),
        &stored(&passkey)?,
        &taken.detail,
        &timestamp_now(),
    )
    .await?;
    if !added {
        return Err(passkey_error(
            "This passkey is already registered with NetCare.",
        ));
    }
    let codes = if first {
        issue_recovery_codes(&mut tx, account_id).await?
    } else {
        Vec::new()
    };
    let what = format!("a passkey was added ({})", taken.detail);
    announce(state, &mut tx, &account, &what).await?;
    tx.commit().await?;
    log_change(state, client, &account, &what).await;
    Ok(codes)
}

/// Removes one of the caller's passkeys, once the current password is proven again; refused
/// when it is the last second factor of someone who must use one.
pub async fn remove(
    state: &AppState,
    client: &str,
    caller: &Caller,
    passkey_id: i64,
    current_password: &str,
) -> Result<(), AccountError> {
    let account = reauthenticate(state, client, caller.account_id, current_password).await?;
    let mut tx = state.db.begin_write().await?;
    let name = queries::passkeys_of(&mut tx, account.id)
        .await?
        .into_iter()
        .find(|row| row.id == passkey_id)
        .map(|row| row.name)
        .ok_or_else(|| passkey_error("You have no such passkey: it may already be removed."))?;
    queries::delete_passkey(&mut tx, account.id, passkey_id).await?;
    if !queries::has_second_factor(&mut tx, account.id).await? {
        if let Some(required) = requirement(&mut tx, account.id, caller.is_agent).await? {
            return Err(AccountError::Invalid(vec![FieldError::new(
                "current_password",
                format!(
                    "This is your last second factor and cannot be removed: {} Add another first.",
                    required.explain()
                ),
            )]));
        }
        // Two-step sign-in is off: recovery codes have nothing left to stand in for.
        factor_queries::replace_recovery_codes(&mut tx, account.id, &[]).await?;
    }
    let what = format!("a passkey was removed ({name})");
    announce(state, &mut tx, &account, &what).await?;
    tx.commit().await?;
    log_change(state, client, &account, &what).await;
    Ok(())
}

/// The second step of a sign-in with a passkey instead of a code: the options for the account
/// the live challenge belongs to.
pub async fn start_second_step(
    state: &AppState,
    challenge: &str,
) -> Result<PasskeyCeremony, AccountError> {
    let webauthn = checks(state)?;
    let challenge_hash = token_hash(challenge.trim());
    let account_id = challenge_holder(state, &challenge_hash).await?;
    let mut conn = state.db.conn().await?;
    let keys = credentials(&queries::passkeys_of(&mut conn, account_id).await?)?;
    drop(conn);
    if keys.is_empty() {
        return Err(passkey_error("You have no passkey: enter a code instead."));
    }
    let (options, authentication): (RequestChallengeResponse, PasskeyAuthentication) = webauthn
        .start_passkey_authentication(&keys)
        .map_err(|err| AccountError::App(internal(err)))?;
    let options = options_json(&options)?;
    let authentication = stored(&authentication)?;
    save_ceremony(
        state,
        Some(account_id),
        SECOND_STEP,
        &authentication,
        &challenge_hash,
        options,
    )
    .await
}

/// Checks an assertion against the account's passkey it names, and records its use.
async fn use_passkey(
    tx: &mut sqlx::AnyConnection,
    account_id: i64,
    response: &PublicKeyCredential,
    verify: impl FnOnce(&Passkey) -> Option<webauthn_rs::prelude::AuthenticationResult>,
) -> Result<bool, AccountError> {
    let key = credential_key(response.get_credential_id());
    let Some(row) = queries::passkey_by_credential(tx, account_id, &key).await? else {
        return Ok(false);
    };
    let mut passkey: Passkey = restored(&row.credential)?;
    let Some(result) = verify(&passkey) else {
        return Ok(false);
    };
    passkey.update_credential(&result);
    queries::mark_passkey_used(tx, row.id, &stored(&passkey)?, &timestamp_now()).await?;
    Ok(true)
}

/// Second call of the second step: the browser's assertion opens the session.
pub async fn finish_second_step(
    state: &AppState,
    client: &str,
    challenge: &str,
    ceremony: &str,
    credential: &str,
    presented: Option<String>,
) -> Result<(CurrentUser, String), AccountError> {
    let webauthn = checks(state)?;
    let response: PublicKeyCredential = answer(credential)?;
    let challenge_hash = token_hash(challenge.trim());
    let account_id = challenge_holder(state, &challenge_hash).await?;
    let (account_key, address_key) = take_code_attempt(state, client, account_id).await?;
    let mut tx = state.db.begin_write().await?;
    let taken = take(&mut tx, ceremony, SECOND_STEP)
        .await?
        .filter(|row| row.account_id == Some(account_id) && row.detail == challenge_hash)
        .ok_or_else(ceremony_over)?;
    let authentication: PasskeyAuthentication = restored(&taken.state)?;
    let account = account_queries::find_by_id(&mut tx, account_id)
        .await?
        .filter(|account| account.disabled_at.is_none())
        .ok_or(AccountError::SignInExpired)?;
    let accepted = use_passkey(&mut tx, account_id, &response, |_| {
        webauthn
            .finish_passkey_authentication(&response, &authentication)
            .ok()
    })
    .await?;
    if !accepted {
        // The ceremony is spent: the next try starts a new one.
        tx.commit().await?;
        let event = NewEvent::new(EventKind::SignInFailed, account.username.as_str())
            .detail("passkey not accepted at the second step")
            .from(client)
            .about(account.id);
        security_log::record(state, event).await;
        return Err(passkey_error(
            "This passkey was not accepted. Try again, or enter a code.",
        ));
    }
    factor_queries::delete_challenge(&mut tx, &challenge_hash).await?;
    tx.commit().await?;
    complete_sign_in(
        state,
        client,
        &account,
        "with a passkey as second step",
        presented,
        (&account_key, &address_key),
    )
    .await
}

/// First call of a sign-in with a passkey alone: the browser offers the passkeys it holds for
/// NetCare.
pub async fn start_sign_in(state: &AppState) -> Result<PasskeyCeremony, AccountError> {
    let webauthn = checks(state)?;
    // Anyone may start one, so their number is bounded: what a flood of requests can store.
    let mut conn = state.db.conn().await?;
    let open = queries::live_ceremonies(&mut conn, SIGN_IN, &timestamp_now()).await?;
    drop(conn);
    if open >= MAX_OPEN_SIGN_INS {
        return Err(AccountError::TooManyAttempts {
            retry_after_seconds: 60,
        });
    }
    let (mut options, authentication): (RequestChallengeResponse, DiscoverableAuthentication) =
        webauthn
            .start_discoverable_authentication()
            .map_err(|err| AccountError::App(internal(err)))?;
    // Asked for by a button: the browser's own dialog, not autofill.
    options.mediation = None;
    let options = options_json(&options)?;
    save_ceremony(state, None, SIGN_IN, &stored(&authentication)?, "", options).await
}

/// Second call of a sign-in with a passkey alone: the passkey names its account (by the user
/// handle it carries), verifies the person (PIN or biometrics) and opens the session.
pub async fn finish_sign_in(
    state: &AppState,
    client: &str,
    ceremony: &str,
    credential: &str,
    presented: Option<String>,
) -> Result<(CurrentUser, String), AccountError> {
    let webauthn = checks(state)?;
    let response: PublicKeyCredential = answer(credential)?;
    let address_key = format!("login:address:{client}");
    take_attempts(state, &[(address_key.as_str(), &throttle::PER_ADDRESS)]).await?;
    let not_accepted =
        || passkey_error("This passkey is not registered with NetCare, or was removed.");
    let mut tx = state.db.begin_write().await?;
    let taken = take(&mut tx, ceremony, SIGN_IN)
        .await?
        .ok_or_else(ceremony_over)?;
    let authentication: DiscoverableAuthentication = restored(&taken.state)?;
    let handle = webauthn
        .identify_discoverable_authentication(&response)
        .map(|(handle, _)| handle.to_string())
        .map_err(|_| not_accepted())?;
    let account_id = queries::account_of_handle(&mut tx, &handle)
        .await?
        .ok_or_else(not_accepted)?;
    let account = account_queries::find_by_id(&mut tx, account_id)
        .await?
        .ok_or_else(not_accepted)?;
    if account.disabled_at.is_some() {
        return Err(AccountError::Disabled);
    }
    let accepted = use_passkey(&mut tx, account_id, &response, |passkey| {
        let key = DiscoverableKey::from(passkey);
        webauthn
            .finish_discoverable_authentication(&response, authentication, &[key])
            .ok()
    })
    .await?;
    tx.commit().await?;
    if !accepted {
        let event = NewEvent::new(EventKind::SignInFailed, account.username.as_str())
            .detail("passkey not accepted")
            .from(client)
            .about(account.id);
        security_log::record(state, event).await;
        return Err(not_accepted());
    }
    let account_key = format!("second_factor:account:{account_id}");
    complete_sign_in(
        state,
        client,
        &account,
        "with a passkey",
        presented,
        (&account_key, &address_key),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_trimmed_line_of_sensible_length() {
        assert_eq!(passkey_name("  Work   laptop \n").unwrap(), "Work laptop");
        assert_eq!(passkey_name("").unwrap(), "Passkey");
        assert!(passkey_name(&"x".repeat(61)).is_err());
        assert_eq!(passkey_name(&"é".repeat(60)).unwrap().chars().count(), 60);
        assert!(passkey_name("key\u{7}").is_err());
    }

    #[test]
    fn options_lose_their_nulls_at_every_depth() {
        let options = serde_json::json!({"a": null, "b": {"c": null, "d": 1}, "e": [{"f": null}]});
        assert_eq!(options_json(&options).unwrap(), r#"{"b":{"d":1},"e":[{}]}"#);
    }
}
