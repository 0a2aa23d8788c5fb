use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_location, use_navigate},
};

use super::{
    global_search::{focus_search_on_slash, GlobalSearch},
    nav_items::nav_items,
};
use crate::{accounts::logout, contexts::session::use_session, ui::loading::act};

/// The bar at the top of every page: the product name, the company, the main navigation and the
/// account. On phones the navigation of a signed-in person folds into a menu button.
#[component]
pub fn TopBar() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = act(|_: &()| logout());
    let menu_open = RwSignal::new(false);
    focus_search_on_slash();
    let location = use_location();
    // Following a link closes the menu.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            session.refresh();
            navigate("/", Default::default());
        }
    });
    let company = move || {
        session
            .user()
            .and_then(|user| user.membership)
            .map(|m| view! { <span class="top-company" data-testid="top-company">{m.company_name}</span> })
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="top-bar">
            <div class="top-identity">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    " NetCare"
                </A>
                {company}
            </div>
            // Searching is for people who read a company's data (its members, or an agent under
            // its support access).
            {move || session.user().and_then(|user| user.membership).map(|_| view! { <GlobalSearch/> })}
            <nav aria-label="Main" class="main-nav" class:signed-in=move || session.user().is_some()
                on:keydown=move |ev| if ev.key() == "Escape" { menu_open.set(false) }>
                <button type="button" class="menu-toggle" aria-controls="main-nav-list"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)>
                    <span aria-hidden="true">"☰ "</span>"Menu"
                </button>
                <ul id="main-nav-list" class="nav-links" class:open=move || menu_open.get()>
                    {move || {
                        let user = session.user();
                        let pages = nav_items(user.as_ref())
                            .into_iter()
                            .map(|item| view! { <li><A href=item.href exact=true>{item.label}</A></li> })
                            .collect_view();
                        let account = match user {
                            Some(user) => view! {
                                <li class="account"><A href="/profile">{user.full_name}</A></li>
                                <li class="account">
                                    <button type="button" class="link-button" on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
                                </li>
                            }.into_any(),
                            None => view! {
                                <li class="account"><A href="/login">"Sign in"</A></li>
                                <li class="account"><A href="/register">"Create account"</A></li>
                            }.into_any(),
                        };
                        view! { {pages}{account} }
                    }}
                </ul>
            </nav>
        </header>
    }
}
