use leptos::prelude::*;

use crate::{accounts::Role, contexts::session::use_session, ui::inventory::format::utc_minute};

/// For a vendor agent under support access, on every page: whose data this is, that it is read
/// only and until when, and the way back to the agents' console (where it is closed).
#[component]
pub fn SupportBanner() -> impl IntoView {
    let session = use_session();
    move || {
        let membership = session.user()?.membership?;
        (membership.role == Role::Support).then(|| {
            let until = membership
                .support_until
                .as_deref()
                .map(|at| format!(", until {}", utc_minute(at)))
                .unwrap_or_default();
            view! {
                <div class="support-banner" role="status" data-testid="support-banner">
                    <strong>{format!("Support access to {}", membership.company_name)}</strong>
                    {format!(": read only{until}. What this company sees as “your” devices and contracts are theirs. ")}
                    <a href="/agents">"Back to the agents' console"</a>
                </div>
            }
        })
    }
}
