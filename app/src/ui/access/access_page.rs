use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    members_table::MembersTable, pending_panel::PendingPanel, role_history::RoleHistory,
    second_factor_panel::SecondFactorPanel, support_panel::SupportPanel,
};
use crate::access::{load_access, Role};

/// A company's access (DA and Admin): who has which role, the DAs' order, support access, and
/// every change with who made it. Only DAs change anything; Admins see the same page read-only.
#[component]
pub fn AccessPage() -> impl IntoView {
    // Bumped after every change, so the page shows the record as it now is.
    let changed = RwSignal::new(0u32);
    let access = load(move || {
        changed.track();
        load_access()
    });
    let on_change = Callback::new(move |()| changed.update(|n| *n += 1));
    view! {
        <Title text="Access"/>
        <h1>"Access"</h1>
        <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading your company's access…"</p> }>
            {move || suspend(async move {
                match access.await {
                    Ok(view) => {
                        let is_da = view.your_role == Role::Da;
                        view! {
                            <p class="lead">
                                {format!("People of {} and what each may do. ", view.company_name)}
                                {if is_da {
                                    "As a Delegated Administrator you grant, change and revoke roles; the first DA receives access requests."
                                } else {
                                    "Delegated Administrators change roles; you see them here."
                                }}
                            </p>
                            {is_da.then(|| view! {
                                <p><a href="/access/security-log">"Security log"</a>": sign-ins, password and email changes, collector tokens, exports and every change of access."</p>
                            })}
                            <PendingPanel pending=view.pending is_da/>
                            <MembersTable members=view.members editable=is_da on_change/>
                            <SupportPanel grant=view.support on_change/>
                            <SecondFactorPanel is_da/>
                            <RoleHistory events=view.history/>
                        }.into_any()
                    }
                    Err(err) => view! {
                        <LoadError message=err.to_string() retry=move || access.refetch()/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
