use leptos::prelude::*;

/// An alert's id linking to the vendor's page about it (in a new tab, saying so), or the id alone
/// when the vendor published no page.
#[component]
pub fn VendorLink(id: String, url: String) -> impl IntoView {
    if url.is_empty() {
        view! { <span>{id}</span> }.into_any()
    } else {
        view! { <a href=url rel="noopener noreferrer" target="_blank">{id}" (opens the vendor's page)"</a> }.into_any()
    }
}
