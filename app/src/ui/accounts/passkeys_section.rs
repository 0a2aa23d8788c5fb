use leptos::{form::FromFormData, prelude::*};
use serde::Deserialize;

use super::{
    passkey_browser::{ask_browser, failure, PasskeyRequest},
    two_step_section::RecoveryCodes,
};
use crate::{
    accounts::{
        second_factor::{
            finish_passkey_registration, load_passkeys, remove_passkey, start_passkey_registration,
            PasskeySummary,
        },
        AccountError,
    },
    contexts::session::use_session,
    ui::{
        forms::{FormError, LoadError, TextField},
        inventory::format::utc_minute,
        loading::{load, suspend},
    },
};

/// What a refused passkey call says, in one line (each field's message, or the error's).
pub(super) fn said(err: AccountError) -> String {
    match err {
        AccountError::Invalid(fields) => fields
            .into_iter()
            .map(|field| field.message)
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

#[derive(Clone, Deserialize)]
struct AddForm {
    current_password: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct RemoveForm {
    current_password: String,
}

/// Makes a passkey in the browser and adds it: the recovery codes when it is the first second
/// factor.
async fn add_passkey(form: AddForm) -> Result<Vec<String>, String> {
    let started = start_passkey_registration(form.current_password, form.name)
        .await
        .map_err(said)?;
    let credential = ask_browser(&started.options, PasskeyRequest::Create).await?;
    finish_passkey_registration(started.ceremony, credential)
        .await
        .map_err(said)
}

/// The profile's passkeys: add one (named, after the current password), see when each was
/// used, remove one. The first one turns two-step sign-in on: its recovery codes show here.
#[component]
pub fn PasskeysSection(
    /// Counts changes of the person's second factors (here or in the two-step section).
    factors_changed: RwSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let changed = factors_changed;
    let fresh_codes = RwSignal::new(None::<Vec<String>>);
    let on_change = Callback::new(move |()| {
        changed.update(|n| *n += 1);
        // A first second factor may be what the session was waiting for.
        session.refresh();
    });
    let passkeys = load(move || {
        changed.track();
        load_passkeys()
    });
    let added = RwSignal::new(None::<String>);
    // The passkey whose removal is being confirmed (one at a time).
    let removing = RwSignal::new(None::<i64>);
    let add = Action::new_local(move |form: &Option<AddForm>| {
        let form = form.clone();
        async move {
            let form = form.ok_or("The form could not be read.")?;
            let name = form.name.trim().to_owned();
            let codes = add_passkey(form).await?;
            Ok::<_, String>((codes, name))
        }
    });
    let add_result = add.value();
    Effect::new(move |_| {
        if let Some(Ok((codes, name))) = add_result.get() {
            added.set(Some(if name.is_empty() {
                "Passkey".into()
            } else {
                name
            }));
            if !codes.is_empty() {
                fresh_codes.set(Some(codes));
            }
            on_change.run(());
        }
    });
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch_local(AddForm::from_event(&ev).ok());
    };
    let add_error = failure(add_result);
    view! {
        <section class="card narrow" aria-labelledby="passkeys-heading" id="passkeys">
        <h2 id="passkeys-heading">"Passkeys"</h2>
        {move || fresh_codes.get().map(|codes| view! {
            <RecoveryCodes codes on_done=Callback::new(move |()| fresh_codes.set(None))/>
        })}
        <p>"A passkey signs you in with your device's screen lock (fingerprint, face or PIN), without typing your password, and serves as the second step after it. Add one on each device you use, or on a security key."</p>
        {move || added.get().map(|name| view! { <p role="status" data-testid="passkey-added">{format!("Passkey “{name}” added.")}</p> })}
        <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }>
            {move || suspend(async move {
                match passkeys.await {
                    Ok(list) if list.is_empty() => view! { <p data-testid="no-passkeys">"No passkey yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="plain-list passkeys" data-testid="passkeys" aria-labelledby="passkeys-heading">
                            {list.into_iter().map(|passkey| view! { <PasskeyItem passkey removing on_change/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError message=err.to_string() retry=move || passkeys.refetch()/> }.into_any(),
                }
            })}
        </Transition>
        <form on:submit=on_add>
            <FormError message=add_error/>
            <TextField name="name" form="passkey" label="Name of the passkey" hint="Where it lives, e.g. “Work laptop” or “YubiKey”" error=Signal::derive(|| None::<String>)/>
            <TextField name="current_password" form="passkey" label="Current password" kind="password" autocomplete="current-password" error=Signal::derive(|| None::<String>)/>
            <button type="submit" class="button secondary" disabled=move || add.pending().get()>"Add a passkey"</button>
        </form>
        </section>
    }
}

#[component]
fn PasskeyItem(
    passkey: PasskeySummary,
    removing: RwSignal<Option<i64>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let id = passkey.id;
    let asking = Memo::new(move |_| removing.get() == Some(id));
    let remove = Action::new_local(move |form: &Option<String>| {
        let password = form.clone();
        async move {
            let password = password.ok_or("The form could not be read.")?;
            remove_passkey(id, password).await.map_err(said)
        }
    });
    let result = remove.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = result.get() {
            removing.set(None);
            on_change.run(());
        }
    });
    let on_remove = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        remove.dispatch_local(
            RemoveForm::from_event(&ev)
                .ok()
                .map(|form| form.current_password),
        );
    };
    let error = failure(result);
    let used = match &passkey.last_used {
        Some(at) => format!("last used {}", utc_minute(at)),
        None => "not used yet".to_owned(),
    };
    let name = passkey.name.clone();
    view! {
        <li data-testid="passkey">
            <strong>{passkey.name.clone()}</strong>
            {format!(" — added {}, {used}. ", utc_minute(&passkey.added))}
            {move || (!asking.get()).then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| removing.set(Some(id))>{format!("Remove “{}”", name)}</button>
            })}
            {move || asking.get().then(|| view! {
                <form on:submit=on_remove>
                    <FormError message=error/>
                    <TextField name="current_password" form="remove-passkey" label="Current password, to remove this passkey" kind="password" autocomplete="current-password" error=Signal::derive(|| None::<String>)/>
                    <button type="submit" class="button" disabled=move || remove.pending().get()>"Remove the passkey"</button>
                    " "
                    <button type="button" class="button secondary" on:click=move |_| removing.set(None)>"Keep it"</button>
                </form>
            })}
        </li>
    }
}
