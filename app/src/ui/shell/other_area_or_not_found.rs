use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{bundles::Bundle, ui::not_found_page::NotFoundPage};

/// What a bundle's router shows for a path it does not serve: when another area serves it, that
/// area's page is loaded in full (replacing this history entry, so Back still works); otherwise
/// "page not found".
#[component]
pub fn OtherAreaOrNotFound() -> impl IntoView {
    let here = expect_context::<Bundle>();
    let location = use_location();
    let path = location.pathname.get_untracked();
    if Bundle::of(&path) == here {
        return view! { <NotFoundPage/> }.into_any();
    }
    let search = location.search.get_untracked();
    let query = if search.is_empty() {
        String::new()
    } else {
        format!("?{search}")
    };
    let url = format!("{path}{query}{}", location.hash.get_untracked());
    // If the browser refuses (it never should for a same-site path), the link below still works.
    let _ = window().location().replace(&url);
    view! {
        <p class="skeleton" aria-busy="true">
            "Opening "<a href=url.clone() rel="external">{url.clone()}</a>"…"
        </p>
    }
    .into_any()
}
