use crate::ui::library::vendor_link::VendorLink;
use leptos::prelude::*;

use super::device_end_of_life::MilestonesTable;
use crate::alerts::{EolStage, SoftwareEndOfLife};

/// What a stage means for the software a device runs.
fn meaning(stage: EolStage) -> &'static str {
    match stage {
        EolStage::Announced => "End of life announced for this train; plan a move to a newer one.",
        EolStage::EndOfSale => "No longer offered for new installations; still maintained.",
        EolStage::EndOfSoftwareMaintenance => {
            "No more bug-fix releases; security fixes still come."
        }
        EolStage::EndOfSecuritySupport => "No more security fixes: move to a supported train.",
        EolStage::PastLastDateOfSupport => "Unsupported: move to a supported train.",
    }
}

/// A device's software end of life on its page: where its release train stands and every
/// milestone of the train's bulletin. Shown only when a bulletin covers the train.
#[component]
pub fn DeviceSoftwareEndOfLife(software: SoftwareEndOfLife) -> impl IntoView {
    let stage = software.stage;
    let next = software.next_milestone.as_ref().map(|n| n.milestone);
    let train = format!(
        "{} {} train",
        software.software_type, software.release_train
    );
    let bulletin =
        view! { <VendorLink id=software.bulletin_number.clone() url=software.url.clone()/> };
    view! {
        <section class="card" aria-labelledby="software-eol-heading" data-testid="device-software-end-of-life">
            <h2 id="software-eol-heading">"Software end of life"</h2>
            <p><span class=format!("eol eol-{}", stage.as_str())>{stage.label()}</span>" "{train}": "{meaning(stage)}</p>
            <p>"Bulletin: "{bulletin}" "<span class="muted">{software.title.clone()}</span></p>
            <MilestonesTable milestones=software.milestones.clone() next caption="Software end-of-life milestones" testid="software-eol-milestones"/>
        </section>
    }
}
