use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    csv_import_panel::CsvImportPanel, delete_inventory_panel::DeleteInventoryPanel,
    refresh_coverage_panel::RefreshCoveragePanel,
};
use crate::{contexts::session::use_session, ui::dashlets::UploadsDashlet};

/// Getting devices into NetCare: the CSV import, recent uploads and today's quota, and (for DAs
/// and Admins) deleting the inventory.
#[component]
pub fn UploadsPage() -> impl IntoView {
    let session = use_session();
    let (landed, set_landed) = signal(0u32);
    let manages = move || {
        session
            .user()
            .and_then(|u| u.membership)
            .is_some_and(|m| m.role.manages())
    };
    view! {
        <Title text="Uploads"/>
        <h1>"Uploads"</h1>
        {move || match session.user() {
            Some(user) if user.membership.as_ref().is_some_and(|m| m.role != crate::accounts::Role::Support) => view! {
                <p class="lead">
                    "Every upload counts toward your company's daily quota (below), whichever way it comes: this page, "
                    "your collector, or another collector with a collector token. A CSV upload adds or updates "
                    "devices; a collector's upload is the full inventory it sees."
                </p>
                <CsvImportPanel on_uploaded=move |_| set_landed.update(|n| *n += 1)/>
                <UploadsDashlet refresh=landed/>
                {manages().then(|| view! {
                    <RefreshCoveragePanel on_refreshed=move |_| set_landed.update(|n| *n += 1)/>
                    <DeleteInventoryPanel on_deleted=move |_| set_landed.update(|n| *n += 1)/>
                })}
            }.into_any(),
            Some(_) => view! { <p>"Your account is not part of a company yet: finish your registration first."</p> }.into_any(),
            None => view! { <p>"Sign in to upload your inventory."</p> }.into_any(),
        }}
    }
}
