use leptos::prelude::*;

use super::{field_error, form_error};
use crate::{
    accounts::second_factor::{
        load_second_factor, ConfirmTotpEnrolment, ReplaceRecoveryCodes, SecondFactorStatus,
        StartTotpEnrolment, TurnOffSecondFactor,
    },
    contexts::session::use_session,
    ui::{
        forms::{CopyButton, FormError, LoadError, TextField},
        inventory::format::utc_minute,
        loading::{load, suspend},
    },
};

/// The profile's two-step sign-in: turn it on with an authenticator app (QR code or typed
/// secret, then a first code), see and renew the recovery codes, turn it off unless required.
#[component]
pub fn TwoStepSection(
    /// Counts changes of the person's second factors (here or in the passkeys section).
    factors_changed: RwSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let changed = factors_changed;
    let status = load(move || {
        changed.track();
        load_second_factor()
    });
    // Recovery codes just made: shown once, until the person says they kept them.
    let fresh_codes = RwSignal::new(None::<Vec<String>>);
    let on_change = move || {
        changed.update(|n| *n += 1);
        // Setting it up may be what the session was waiting for.
        session.refresh();
    };
    view! {
        <section class="card narrow" aria-labelledby="two-step-heading" id="two-step">
            <h2 id="two-step-heading">"Two-step sign-in"</h2>
            {move || fresh_codes.get().map(|codes| view! {
                <RecoveryCodes codes on_done=Callback::new(move |()| fresh_codes.set(None))/>
            })}
            // Hidden at once while new codes show: the status reloads meanwhile, and until it has,
            // the transition would keep the set-up steps on screen beside the codes.
            <div hidden=move || fresh_codes.with(Option::is_some)>
                <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }>
                    {move || suspend(async move {
                        match status.await {
                            Ok(status) if fresh_codes.with(Option::is_none) => view! {
                                <TwoStepState status fresh_codes on_change=Callback::new(move |()| on_change())/>
                            }.into_any(),
                            Ok(_) => ().into_any(),
                            Err(err) => view! { <LoadError message=err.to_string() retry=move || status.refetch()/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}

#[component]
fn TwoStepState(
    status: SecondFactorStatus,
    fresh_codes: RwSignal<Option<Vec<String>>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let required = status.required.clone().map(|why| why.explain());
    let passkeys = status.passkeys;
    let on = status.enabled_since.is_some() || passkeys > 0;
    let left = status.recovery_codes_left;
    let summary = match (&status.enabled_since, passkeys) {
        (Some(since), 0) => format!(
            "On since {}: signing in asks for a code from your authenticator app.",
            utc_minute(since)
        ),
        (Some(since), _) => format!(
            "On: signing in asks for one of your passkeys (below) or a code from your authenticator app (set up {}).",
            utc_minute(since)
        ),
        (None, _) => "On: signing in asks for one of your passkeys (below).".to_owned(),
    };
    let can_remove = required.is_none() || passkeys > 0;
    let app = match status.enabled_since {
        Some(_) => view! { <AuthenticatorOn can_remove passkeys on_change/> }.into_any(),
        None => view! {
            <h3>"Authenticator app"</h3>
            <Enrolment required=required.clone().filter(|_| passkeys == 0) fresh_codes on_change/>
        }
        .into_any(),
    };
    view! {
        {on.then(|| view! {
            <p role="status" data-testid="two-step-on">{format!(
                "{summary} {left} recovery code{} left.", if left == 1 { "" } else { "s" }
            )}</p>
            {(left <= 3).then(|| view! { <p class="caution">"Few recovery codes are left: make new ones before you run out."</p> })}
            {required.clone().map(|why| view! { <p>{why}</p> })}
            <NewRecoveryCodes fresh_codes/>
        })}
        {app}
    }
}

/// New recovery codes in place of all earlier ones, after the current password.
#[component]
fn NewRecoveryCodes(fresh_codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let replace = ServerAction::<ReplaceRecoveryCodes>::new();
    let replace_result = replace.value();
    Effect::new(move |_| {
        if let Some(Ok(codes)) = replace_result.get() {
            fresh_codes.set(Some(codes));
        }
    });
    view! {
        <h3>"New recovery codes"</h3>
        <ActionForm action=replace>
            <FormError message=form_error(replace_result)/>
            <TextField name="current_password" form="codes" label="Current password" kind="password" autocomplete="current-password" error=field_error(replace_result, "current_password")/>
            <button type="submit" class="button secondary" disabled=move || replace.pending().get()>"Make new recovery codes"</button>
        </ActionForm>
    }
}

/// The authenticator app, set up: removable unless it is a required last second factor.
#[component]
fn AuthenticatorOn(can_remove: bool, passkeys: i64, on_change: Callback<()>) -> impl IntoView {
    let turn_off = ServerAction::<TurnOffSecondFactor>::new();
    let off_result = turn_off.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = off_result.get() {
            on_change.run(());
        }
    });
    let (heading, button) = if passkeys > 0 {
        ("Authenticator app", "Remove the authenticator app")
    } else {
        ("Turn off", "Turn off two-step sign-in")
    };
    can_remove.then(|| view! {
        <h3>{heading}</h3>
        <ActionForm action=turn_off>
            <FormError message=form_error(off_result)/>
            <TextField name="current_password" form="turn-off" label="Current password" kind="password" autocomplete="current-password" error=field_error(off_result, "current_password")/>
            <button type="submit" class="button secondary" disabled=move || turn_off.pending().get()>{button}</button>
        </ActionForm>
    })
}

#[component]
fn Enrolment(
    required: Option<String>,
    fresh_codes: RwSignal<Option<Vec<String>>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let start = ServerAction::<StartTotpEnrolment>::new();
    let start_result = start.value();
    let confirm = ServerAction::<ConfirmTotpEnrolment>::new();
    let confirm_result = confirm.value();
    Effect::new(move |_| {
        if let Some(Ok(codes)) = confirm_result.get() {
            fresh_codes.set(Some(codes));
            on_change.run(());
        }
    });
    let started = Memo::new(move |_| match start_result.get() {
        Some(Ok(enrolment)) => Some(enrolment),
        _ => None,
    });
    view! {
        {match required {
            Some(why) => view! { <p class="caution" role="alert" data-testid="two-step-required">{why}" Set it up now to go on."</p> }.into_any(),
            None => view! { <p>"Off. With two-step sign-in, a stolen password is not enough to sign in as you: NetCare also asks for a code from an authenticator app on your phone, or for one of your passkeys."</p> }.into_any(),
        }}
        {move || match started.get() {
            None => view! {
                <ActionForm action=start>
                    <FormError message=form_error(start_result)/>
                    <TextField name="current_password" form="two-step" label="Current password" kind="password" autocomplete="current-password" error=field_error(start_result, "current_password")/>
                    <button type="submit" class="button" disabled=move || start.pending().get()>"Set up an authenticator app"</button>
                </ActionForm>
            }.into_any(),
            Some(enrolment) => {
                let qr = enrolment.qr_image.clone();
                view! {
                    <ol class="steps">
                        <li>"Scan this QR code with your authenticator app (any app that supports TOTP codes)."</li>
                        <li>"Or type this key into the app: " <code data-testid="totp-secret" class="secret">{enrolment.secret.clone()}</code>" "<CopyButton text=enrolment.secret.replace(' ', "") label="Copy the key"/></li>
                        <li>"Enter the 6-digit code the app now shows for NetCare."</li>
                    </ol>
                    <img class="qr" src=qr width="200" height="200" alt="QR code to add NetCare to an authenticator app"/>
                    <ActionForm action=confirm>
                        <FormError message=form_error(confirm_result)/>
                        <TextField name="code" label="Code from the app" autocomplete="one-time-code" error=field_error(confirm_result, "code")/>
                        <button type="submit" class="button" disabled=move || confirm.pending().get()>"Turn on two-step sign-in"</button>
                    </ActionForm>
                }.into_any()
            }
        }}
    }
}

/// Recovery codes, shown once: for signing in without the phone, each good once.
#[component]
pub(super) fn RecoveryCodes(codes: Vec<String>, on_done: Callback<()>) -> impl IntoView {
    let text = format!(
        "NetCare recovery codes (each works once)\n\n{}\n",
        codes.join("\n")
    );
    // The codes hold only letters, digits and dashes: spaces, parentheses and line ends are all
    // that needs escaping in the link.
    let download = format!(
        "data:text/plain;charset=utf-8,{}",
        text.replace(' ', "%20")
            .replace('(', "%28")
            .replace(')', "%29")
            .replace('\n', "%0A")
    );
    view! {
        <p role="status">"Two-step sign-in is on. Keep these recovery codes somewhere safe, apart from your phone and your passkeys: each lets you sign in once if you lose them. They are shown only now."</p>
        <ul class="recovery-codes" data-testid="recovery-codes">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ul>
        <p>
            <a class="button secondary" href=download download="netcare-recovery-codes.txt">"Download the codes"</a>
            " "
            <CopyButton text=text label="Copy the codes"/>
            " "
            <button type="button" class="button" on:click=move |_| on_done.run(())>"I have kept them"</button>
        </p>
    }
}
