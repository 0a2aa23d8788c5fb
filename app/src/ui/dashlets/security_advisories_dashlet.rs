use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use crate::ui::whose::{under_support, whose};
use leptos::prelude::*;

use super::dashlet_readiness::report_first_answer;

use crate::{
    alerts::{load_advisory_summary, AdvisorySummary},
    library::filter::percent_encode,
    ui::{
        data_table::DataTable,
        inventory::format::{counted, devices},
    },
};

/// The security advisories affecting the company: by severity (the worst first) with the
/// devices vulnerable and potentially vulnerable, each a link to those devices, the worst
/// advisories, and the devices NetCare cannot assess.
#[component]
pub fn SecurityAdvisoriesDashlet() -> impl IntoView {
    let summary = load(load_advisory_summary);
    report_first_answer(summary);
    view! {
        <section class="card" aria-labelledby="advisories-heading" data-testid="advisories-dashlet">
            <h2 id="advisories-heading">"Security advisories"</h2>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                {move || suspend(async move {
                    match summary.await {
                        Ok(summary) => view! { <AdvisorySummaryView summary/> }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || summary.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AdvisorySummaryView(summary: AdvisorySummary) -> impl IntoView {
    if summary.devices == 0 {
        let text = if under_support() {
            "No devices uploaded yet."
        } else {
            "No devices yet: upload your inventory with each device's software type and version."
        };
        return view! { <p class="empty-state">{text}</p> }.into_any();
    }
    let not_assessed = summary.not_assessed;
    let not_assessed_line = (not_assessed > 0).then(|| {
        let text = format!(
            "{} not assessed: no software type or version, or software no advisory covers.",
            devices(not_assessed)
        );
        view! { <p><a href="/library?advisory_state=not_assessed" data-testid="advisories-not-assessed">{text}</a></p> }
    });
    if summary.advisories_total == 0 {
        let assessed = summary.devices - not_assessed;
        let text = if assessed == 0 {
            "No device could be assessed yet.".to_owned()
        } else {
            format!(
                "No published advisory affects your {} assessed.",
                devices(assessed)
            )
        };
        return view! { <p class="empty-state">{text}</p> {not_assessed_line} }.into_any();
    }
    let shown = summary.advisories.len() as u64;
    let more = (summary.advisories_total > shown).then(|| {
        format!(
            "The {shown} worst of {} advisories affecting {} devices.",
            summary.advisories_total,
            whose()
        )
    });
    view! {
        <ul class="advisory-severities">
            {summary.by_severity.into_iter().filter(|c| c.advisories > 0).map(|count| {
                let severity = count.severity;
                let link = format!("/library?advisory_severity={}", severity.as_str());
                let advisories = counted(count.advisories, "advisory", "advisories");
                let mut parts = Vec::new();
                if count.vulnerable_devices > 0 {
                    parts.push(format!("{} vulnerable", devices(count.vulnerable_devices)));
                }
                if count.potentially_vulnerable_devices > 0 {
                    parts.push(format!("{} potentially vulnerable", devices(count.potentially_vulnerable_devices)));
                }
                view! {
                    <li>
                        <span class=format!("severity severity-{}", severity.as_str())>{severity.label()}</span>
                        " "<a href=link>{format!("{advisories}: {}", parts.join(", "))}</a>
                    </li>
                }
            }).collect_view()}
        </ul>
        {not_assessed_line}
        <DataTable heads=&["Advisory", "Severity", "Devices"] caption=format!("Advisories affecting {} devices, worst first", whose())>
            {summary.advisories.into_iter().map(|advisory| {
                let link = format!("/library?advisory={}", percent_encode(&advisory.advisory_id));
                let label = format!("{} affected by {}", devices(advisory.devices), advisory.advisory_id);
                let score = (!advisory.cvss_base_score.is_empty()).then(|| format!("CVSS {}", advisory.cvss_base_score));
                let configuration = advisory.configuration_dependent.then_some("Depends on configuration");
                view! {
                    <tr>
                        <td data-label="Advisory">{advisory.advisory_id.clone()}<span class="cell-detail muted">{advisory.title}</span></td>
                        <td data-label="Severity">
                            <span class=format!("severity severity-{}", advisory.severity.as_str())>{advisory.severity.label()}</span>
                            <span class="cell-detail">{score}</span>
                            <span class="cell-detail muted">{configuration}</span>
                        </td>
                        <td data-label="Devices"><a href=link aria-label=label>{devices(advisory.devices)}</a></td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        {more.map(|text| view! { <p class="muted">{text}</p> })}
    }.into_any()
}
