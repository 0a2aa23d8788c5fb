use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use crate::ui::whose::{under_support, whose};
use leptos::prelude::*;

use super::dashlet_readiness::report_first_answer;

use crate::{
    alerts::{load_notice_summary, milestones::date_label, NoticeSummary},
    library::filter::percent_encode,
    ui::{
        data_table::DataTable,
        inventory::format::{counted, devices},
    },
};

/// The field notices affecting the company, the most recently updated first, each with a link to
/// the devices it affects.
#[component]
pub fn FieldNoticesDashlet() -> impl IntoView {
    let summary = load(load_notice_summary);
    report_first_answer(summary);
    view! {
        <section class="card" aria-labelledby="notices-heading" data-testid="notices-dashlet">
            <h2 id="notices-heading">"Field notices"</h2>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                {move || suspend(async move {
                    match summary.await {
                        Ok(summary) => view! { <NoticeSummaryView summary/> }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || summary.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NoticeSummaryView(summary: NoticeSummary) -> impl IntoView {
    if summary.devices == 0 {
        let text = if under_support() {
            "No devices uploaded yet."
        } else {
            "No devices yet: upload your inventory to see which field notices apply."
        };
        return view! { <p class="empty-state">{text}</p> }.into_any();
    }
    if summary.notices_total == 0 {
        let text = format!(
            "No field notice affects {} {}.",
            whose(),
            devices(summary.devices)
        );
        return view! { <p class="empty-state">{text}</p> }.into_any();
    }
    let notices = counted(summary.notices_total, "field notice", "field notices");
    let lead = format!(
        "{notices} affect {} of {} {}.",
        devices(summary.devices_affected),
        whose(),
        devices(summary.devices)
    );
    let shown = summary.notices.len() as u64;
    let more = (summary.notices_total > shown)
        .then(|| format!("The {shown} most recently updated are listed."));
    view! {
        <p data-testid="notices-lead">{lead}</p>
        <DataTable heads=&["Notice", "Type", "Updated", "Devices"] caption=format!("Field notices affecting {} devices, most recently updated first", whose())>
            {summary.notices.into_iter().map(|notice| {
                let link = format!("/library?field_notice={}", percent_encode(&notice.notice_id));
                let label = format!("{} affected by {}", devices(notice.devices), notice.notice_id);
                view! {
                    <tr>
                        <td data-label="Notice">{notice.notice_id.clone()}<span class="cell-detail muted">{notice.title}</span></td>
                        <td data-label="Type">{notice.notice_type.label()}</td>
                        <td data-label="Updated">{date_label(&notice.last_updated)}</td>
                        <td data-label="Devices"><a href=link aria-label=label>{devices(notice.devices)}</a></td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        {more.map(|text| view! { <p class="muted">{text}</p> })}
    }.into_any()
}
