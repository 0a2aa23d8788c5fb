use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::sign_in_redirect::percent_encode;
use crate::contexts::session::use_session;

/// Says, over whatever page the person is on, that an action needs them to prove who they are
/// again (the most sensitive ones, more than ten minutes after signing in), with the way to the
/// confirmation page, which brings them back here. Only a link: the form lives in the accounts
/// bundle, so every other bundle stays small.
#[component]
pub fn StepUpDialog() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let confirm_link = move || {
        let search = location.search.get();
        let here = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        };
        format!("/confirm-identity?next={}", percent_encode(&here))
    };
    move || {
        session.step_up_asked().then(|| view! {
            <section class="card step-up" role="dialog" aria-modal="false" aria-labelledby="step-up-heading">
                <h2 id="step-up-heading">"Confirm it is you"</h2>
                <p>"You signed in more than 10 minutes ago, and this action changes who can do what: enter your password again first. You come back here afterwards."</p>
                <a class="button" href=confirm_link>"Confirm it is you"</a>
                " "
                <button type="button" class="button secondary" on:click=move |_| session.step_up_settled()>"Not now"</button>
            </section>
        })
    }
}
