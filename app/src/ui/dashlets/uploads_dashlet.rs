use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use crate::ui::whose::whose;
use leptos::prelude::*;

use super::dashlet_readiness::report_first_answer;

use crate::ui::data_table::DataTable;
use leptos_router::components::A;

use crate::{
    inventory::{load_upload_overview, UploadOverview, TEMPLATE_PATH},
    ui::inventory::format::{count, utc_minute},
};

/// Recent uploads and how many of today's uploads are used. `refresh` changes when an upload
/// lands on the same page.
#[component]
pub fn UploadsDashlet(#[prop(optional, into)] refresh: Option<Signal<u32>>) -> impl IntoView {
    let overview = load(move || {
        if let Some(refresh) = refresh {
            refresh.track();
        }
        load_upload_overview()
    });
    report_first_answer(overview);
    view! {
        <section class="card" aria-labelledby="uploads-heading" data-testid="uploads-dashlet">
            <div class="card-header">
                <h2 id="uploads-heading">"Uploads"</h2>
                <A href="/uploads">"Upload an inventory"</A>
            </div>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading uploads…"</p> }>
                {move || suspend(async move {
                    match overview.await {
                        Ok(overview) => view! { <OverviewBody overview/> }.into_any(),
                        Err(err) => view! {
                            <LoadError message=err.to_string() retry=move || overview.refetch()/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn OverviewBody(overview: UploadOverview) -> impl IntoView {
    let quota = overview.quota;
    let quota_text = format!(
        "Today: {} of {} uploads used ({} left; the count resets at {}).",
        quota.used,
        quota.limit,
        quota.left(),
        utc_minute(&quota.resets_at)
    );
    let devices = format!(
        "{} devices in {} inventory.",
        count(overview.devices),
        whose()
    );
    let recent = overview.recent;
    view! {
        <p data-testid="quota">{quota_text}</p>
        <p data-testid="device-count">{devices}</p>
        {if recent.is_empty() {
            view! {
                <p class="empty-state">
                    "No uploads yet. Download the "
                    <a href=TEMPLATE_PATH download="netcare-inventory-template.csv">"inventory template"</a>
                    ", fill in one device per line, and upload it; or let a collector send it with a collector token."
                </p>
            }.into_any()
        } else {
            view! {
                <DataTable heads=&["When", "Method", "By", "File", "Accepted", "Rejected", "Status"] caption="Recent uploads">
                        {recent.into_iter().map(|u| view! {
                            <tr>
                                <td data-label="When">{utc_minute(&u.received_at)}</td>
                                <td data-label="Method">{u.method.label()}</td>
                                <td data-label="By">{u.by}</td>
                                <td data-label="File">{u.file_name}</td>
                                <td data-label="Accepted">{count(u.accepted)}</td>
                                <td data-label="Rejected">{count(u.rejected)}</td>
                                <td data-label="Status">{upload_status(u.rejected, u.no_longer_seen)}</td>
                            </tr>
                        }).collect_view()}
                    </DataTable>
            }.into_any()
        }}
    }
}

/// Every recorded upload landed (a refused one leaves no record); what is left to say is whether
/// all its rows did, and whether devices went missing from a collector's view.
fn upload_status(rejected: u64, no_longer_seen: u64) -> String {
    let mut status = if rejected == 0 {
        "Landed".to_owned()
    } else {
        "Landed, some rows rejected".to_owned()
    };
    if no_longer_seen > 0 {
        status.push_str(&format!("; {} no longer seen", count(no_longer_seen)));
    }
    status
}
