use crate::ui::library::vendor_link::VendorLink;
use leptos::prelude::*;

use crate::{
    alerts::{milestones::date_label, HardwareEndOfLife, MilestoneKind, Milestones},
    ui::data_table::DataTable,
};

/// A device's hardware end of life on its page: the stage and what it means, the bulletin, every
/// milestone (passed or to come, or to be announced) and the replacement.
#[component]
pub fn DeviceEndOfLife(
    product_id: String,
    end_of_life: Option<HardwareEndOfLife>,
) -> impl IntoView {
    let body = match end_of_life {
        None => {
            let text =
                format!("No end-of-life bulletin lists {product_id}: it is sold and supported.");
            view! { <p>{text}</p> }.into_any()
        }
        Some(eol) => {
            let stage = eol.stage;
            let next = eol.next_milestone.as_ref().map(|n| n.milestone);
            let bulletin =
                view! { <VendorLink id=eol.bulletin_number.clone() url=eol.url.clone()/> };
            let replacement = eol.replacement_product_id.clone().map(|pid| {
                let note =
                    (!eol.migration_note.is_empty()).then(|| format!(" {}", eol.migration_note));
                view! { <p>"Replacement: "<strong>{pid}</strong>{note}</p> }
            });
            view! {
                <p><span class=format!("eol eol-{}", stage.as_str())>{stage.label()}</span>" "{stage.meaning()}</p>
                <p>"Bulletin: "{bulletin}" "<span class="muted">{eol.title.clone()}</span></p>
                {replacement}
                <MilestonesTable milestones=eol.milestones.clone() next caption="End-of-life milestones" testid="eol-milestones"/>
            }.into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="eol-device-heading" data-testid="device-end-of-life">
            <h2 id="eol-device-heading">"Hardware end of life"</h2>
            {body}
        </section>
    }
}

/// Every milestone of a bulletin with its date (or "to be announced"), the next one marked.
#[component]
pub fn MilestonesTable(
    milestones: Milestones,
    next: Option<MilestoneKind>,
    caption: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let rows: Vec<_> = milestones
        .all()
        .map(|(kind, date)| (kind, date.to_owned()))
        .collect();
    view! {
        <DataTable heads=&["Milestone", "Date"] caption=caption testid=testid>
            {rows.into_iter().map(|(kind, date)| {
                let marker = (Some(kind) == next).then_some(" (next)");
                view! {
                    <tr class=(Some(kind) == next).then_some("next-milestone")>
                        <td data-label="Milestone">{kind.label()}{marker}</td>
                        <td data-label="Date">{date_label(&date)}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
