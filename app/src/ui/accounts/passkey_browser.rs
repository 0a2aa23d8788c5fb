//! The browser's side of a passkey request: hands the server's options to
//! `navigator.credentials` and returns the browser's answer as JSON for the server.
//!
//! Uses `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON` and
//! the credential's `toJSON` (through `JSON.stringify`): the WebAuthn Level 3 JSON forms every
//! current browser has, so no binary conversion is written here.

use leptos::prelude::*;
use web_sys::{
    js_sys::{Function, Object, Promise, Reflect, JSON},
    wasm_bindgen::{JsCast, JsValue},
};

/// Which ceremony: making a passkey, or using one.
#[derive(Clone, Copy)]
pub enum PasskeyRequest {
    Create,
    Get,
}

const UNSUPPORTED: &str =
    "This browser cannot use passkeys here. Update it, or use another browser.";

fn member(target: &JsValue, name: &str) -> Result<JsValue, String> {
    Reflect::get(target, &JsValue::from_str(name)).map_err(|_| UNSUPPORTED.to_owned())
}

fn function(target: &JsValue, name: &str) -> Result<Function, String> {
    member(target, name)?
        .dyn_into::<Function>()
        .map_err(|_| UNSUPPORTED.to_owned())
}

/// What the person reads when the browser refused or they stopped.
fn refusal(error: &JsValue, request: PasskeyRequest) -> String {
    let name = member(error, "name").ok().and_then(|name| name.as_string());
    match (name.as_deref(), request) {
        (Some("NotAllowedError"), _) => {
            "The passkey request was cancelled or timed out. Try again when you are ready.".into()
        }
        (Some("InvalidStateError"), PasskeyRequest::Create) => {
            "This device already holds a passkey for your NetCare account.".into()
        }
        (Some("SecurityError"), _) => format!(
            "This browser does not allow passkeys at this address ({}). Open NetCare at its \
             public address, or at http://localhost on the machine it runs on.",
            web_sys::window()
                .and_then(|window| window.location().host().ok())
                .unwrap_or_default()
        ),
        (Some("AbortError"), _) => "The passkey request was stopped.".into(),
        _ => "The browser could not complete the passkey request. Try again.".into(),
    }
}

/// Runs a passkey request with the server's options (`{"publicKey": …}` as JSON); returns the
/// credential as JSON, or what to tell the person.
pub async fn ask_browser(options: &str, request: PasskeyRequest) -> Result<String, String> {
    let window = web_sys::window().ok_or(UNSUPPORTED)?;
    let class: JsValue = member(&window, "PublicKeyCredential")?;
    if class.is_undefined() {
        return Err(UNSUPPORTED.into());
    }
    let (parse, method) = match request {
        PasskeyRequest::Create => ("parseCreationOptionsFromJSON", "create"),
        PasskeyRequest::Get => ("parseRequestOptionsFromJSON", "get"),
    };
    let parse = function(&class, parse)?;
    let all = JSON::parse(options).map_err(|_| UNSUPPORTED.to_owned())?;
    let public_key = parse
        .call1(&class, &member(&all, "publicKey")?)
        .map_err(|_| UNSUPPORTED.to_owned())?;
    let asked = Object::new();
    Reflect::set(&asked, &JsValue::from_str("publicKey"), &public_key)
        .map_err(|_| UNSUPPORTED.to_owned())?;
    let credentials = member(&window.navigator(), "credentials")?;
    let promise = function(&credentials, method)?
        .call1(&credentials, &asked)
        .map_err(|error| refusal(&error, request))?
        .dyn_into::<Promise>()
        .map_err(|_| UNSUPPORTED.to_owned())?;
    let credential = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|error| refusal(&error, request))?;
    if credential.is_null() || credential.is_undefined() {
        return Err("No passkey was chosen.".into());
    }
    // JSON.stringify calls the credential's toJSON (base64url for every binary member).
    JSON::stringify(&credential)
        .ok()
        .and_then(|json| json.as_string())
        .ok_or_else(|| UNSUPPORTED.to_owned())
}

/// The message of a passkey action's last failure (`None` until it fails).
pub fn failure<T, S>(result: S) -> Signal<Option<String>>
where
    T: Send + Sync + 'static,
    S: Get<Value = Option<Result<T, String>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || match result.get() {
        Some(Err(message)) => Some(message),
        _ => None,
    })
}

/// Hands the person a passkey sign-in signed in to the sign-in page, once it succeeds.
pub fn on_signed_in<S>(result: S, signed_in: RwSignal<Option<crate::accounts::CurrentUser>>)
where
    S: Get<Value = Option<Result<crate::accounts::CurrentUser, String>>> + Copy + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(user)) = result.get() {
            signed_in.set(Some(user));
        }
    });
}
