use leptos::prelude::*;
use leptos_router::components::A;

/// The bar at the top of every page: the product name and the main navigation.
#[component]
pub fn TopBar() -> impl IntoView {
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
                </ul>
            </nav>
        </header>
    }
}
