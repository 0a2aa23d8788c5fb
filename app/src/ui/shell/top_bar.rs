use crate::ui::loading::act;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};

use crate::{accounts::logout, contexts::session::use_session};

/// The bar at the top of every page: the product name, the main navigation and the account.
#[component]
pub fn TopBar() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = act(|_: &()| logout());
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            session.refresh();
            navigate("/", Default::default());
        }
    });
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="top-bar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                " NetCare"
            </A>
            <nav aria-label="Main">
                <ul class="nav-links">
                    <li><A href="/">"Home"</A></li>
                    {move || match session.user() {
                        Some(user) => view! {
                            {match (&user.membership, user.is_agent) {
                                (supported, true) => view! {
                                    <li><A href="/agents">"Agents' console"</A></li>
                                    {supported.as_ref().map(|m| view! { <li><A href="/library">{format!("Library of {}", m.company_name)}</A></li> })}
                                }.into_any(),
                                (Some(m), _) if m.role == "da" || m.role == "admin" => view! {
                                    <li><A href="/library">"Library"</A></li>
                                    <li><A href="/uploads">"Uploads"</A></li>
                                    <li><A href="/collectors">"Collectors"</A></li>
                                    <li><A href="/access">"Access"</A></li>
                                }.into_any(),
                                (Some(_), _) => view! {
                                    <li><A href="/library">"Library"</A></li>
                                    <li><A href="/uploads">"Uploads"</A></li>
                                }.into_any(),
                                (None, false) => view! { <li><A href="/onboarding">"Registration"</A></li> }.into_any(),
                            }}
                            <li><A href="/profile">{user.full_name}</A></li>
                            <li>
                                <button type="button" class="link-button" on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
                            </li>
                        }.into_any(),
                        None => view! {
                            <li><A href="/login">"Sign in"</A></li>
                            <li><A href="/register">"Create account"</A></li>
                        }.into_any(),
                    }}
                </ul>
            </nav>
        </header>
    }
}
