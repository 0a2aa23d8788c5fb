use crate::ui::forms::LoadError;
use crate::ui::library::vendor_link::VendorLink;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use crate::{
    alerts::{
        advisories::upgrade_advice, milestones::date_label, AdvisoryState, DeviceAdvisory,
        SecurityAssessment,
    },
    library::load_device_advisories,
    ui::data_table::DataTable,
};

/// A device's security advisories on its page: where it stands (or why it cannot be assessed),
/// the release to upgrade to, and each advisory affecting it with its severity, CVEs and fixes.
#[component]
pub fn DeviceAdvisories(
    device_id: i64,
    software_type: String,
    software_version: String,
    security: SecurityAssessment,
) -> impl IntoView {
    let state = security.state;
    let software = format!("{software_type} {software_version}");
    let standing = match state {
        AdvisoryState::NotAssessed => format!(
            "Not assessed: {}.",
            security.reason.clone().unwrap_or_default()
        ),
        AdvisoryState::NotVulnerable => {
            format!("No published advisory affects {software}.")
        }
        AdvisoryState::Vulnerable => {
            format!("{software} is affected whatever its configuration.")
        }
        AdvisoryState::PotentiallyVulnerable => {
            format!("{software} is affected only where certain features are enabled.")
        }
    };
    let affected = matches!(
        state,
        AdvisoryState::Vulnerable | AdvisoryState::PotentiallyVulnerable
    );
    view! {
        <section class="card" aria-labelledby="advisories-heading" data-testid="device-advisories">
            <h2 id="advisories-heading">"Security advisories"</h2>
            <p><span class=format!("advisory advisory-{}", state.as_str())>{state.label()}</span>" "{standing}</p>
            {affected.then(|| view! { <AffectingAdvisories device_id software_type software_version/> })}
        </section>
    }
}

#[component]
fn AffectingAdvisories(
    device_id: i64,
    software_type: String,
    software_version: String,
) -> impl IntoView {
    let advisories = load(move || load_device_advisories(device_id));
    view! {
        <Transition fallback=|| view! { <p aria-busy="true">"Loading the advisories…"</p> }>
            {move || {
                let (software_type, software_version) = (software_type.clone(), software_version.clone());
                suspend(async move {
                    match advisories.await {
                        Ok(list) => {
                            let advice = upgrade_advice(&software_type, &software_version, &list);
                            view! {
                                {advice.map(|text| view! { <p class="next-milestone" data-testid="upgrade-advice">{text}</p> })}
                                <AdvisoryTable list/>
                            }.into_any()
                        }
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || advisories.refetch()/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn AdvisoryTable(list: Vec<DeviceAdvisory>) -> impl IntoView {
    view! {
        <DataTable heads=&["Advisory", "Severity", "Exposure", "Affected release", "Fixed in", "Updated"] caption="Advisories affecting this device" testid="device-advisory-table">
            {list.into_iter().map(|advisory| {
                let name = view! { <VendorLink id=advisory.advisory_id.clone() url=advisory.url.clone()/> };
                let score = (!advisory.cvss_base_score.is_empty()).then(|| format!("CVSS {}", advisory.cvss_base_score));
                let cves = advisory.cve_ids.join(", ");
                let fixed = if advisory.first_fixed.is_empty() {
                    "No fixed release yet".to_owned()
                } else {
                    advisory.first_fixed.join(", ")
                };
                let exposure = match advisory.state {
                    AdvisoryState::PotentiallyVulnerable => "Depends on configuration",
                    _ => "Vulnerable",
                };
                view! {
                    <tr>
                        <td data-label="Advisory">{name}<span class="cell-detail">{advisory.title}</span><span class="cell-detail muted">{cves}</span></td>
                        <td data-label="Severity"><span class=format!("severity severity-{}", advisory.severity.as_str())>{advisory.severity.label()}</span><span class="cell-detail">{score}</span></td>
                        <td data-label="Exposure">{exposure}</td>
                        <td data-label="Affected release">{advisory.affected_release}</td>
                        <td data-label="Fixed in">{fixed}</td>
                        <td data-label="Updated">{date_label(&advisory.last_updated)}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
