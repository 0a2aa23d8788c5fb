use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    alerts::{
        load_company_alerts, milestones::date_label, CompanyAdvisory, CompanyBulletin,
        CompanyNotice,
    },
    library::DeviceFilter,
    ui::{data_table::DataTable, inventory::format::devices},
};

/// The Library filtered as `choose` sets, as a link.
fn library_link(choose: impl FnOnce(&mut DeviceFilter)) -> String {
    let mut filter = DeviceFilter::default();
    choose(&mut filter);
    format!("/library?{}", filter.to_query(0))
}

/// The vendor's page for an alert, or its id alone when there is none.
fn vendor_link(id: String, url: String) -> AnyView {
    if url.is_empty() {
        view! { <span>{id}</span> }.into_any()
    } else {
        view! { <a href=url rel="noopener noreferrer" target="_blank">{id}" (opens the vendor's page)"</a> }.into_any()
    }
}

/// Library → Alerts: every security advisory, field notice and end-of-life bulletin affecting the
/// company's devices, each with a link to those devices.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let alerts = load(load_company_alerts);
    view! {
        <Title text="Alerts · Library"/>
        <h1>"Alerts"</h1>
        <p class="lead">
            "The security advisories, field notices and end-of-life bulletins that concern your devices, each with the devices it concerns. "
            <A href="/library">"See all devices"</A> "."
        </p>
        <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading alerts…"</p> }>
            {move || suspend(async move {
                match alerts.await {
                    Ok(alerts) => view! {
                        <AdvisoriesSection list=alerts.advisories/>
                        <NoticesSection list=alerts.notices/>
                        <BulletinsSection list=alerts.bulletins/>
                    }.into_any(),
                    Err(err) => view! { <LoadError message=err.to_string() retry=move || alerts.refetch()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AdvisoriesSection(list: Vec<CompanyAdvisory>) -> impl IntoView {
    let body = if list.is_empty() {
        view! { <p class="empty-state">"No published security advisory affects your devices' releases."</p> }.into_any()
    } else {
        view! {
            <DataTable heads=&["Advisory", "Severity", "Updated", "Devices"] caption="Security advisories affecting your devices, worst first" testid="alerts-advisories">
                {list.into_iter().map(|a| {
                    let link = library_link(|f| f.advisory = a.advisory_id.clone());
                    let label = format!("{} affected by {}", devices(a.devices), a.advisory_id);
                    let score = (!a.cvss_base_score.is_empty()).then(|| format!("CVSS {}", a.cvss_base_score));
                    let configuration = a.configuration_dependent.then_some("Depends on configuration");
                    view! {
                        <tr>
                            <td data-label="Advisory">{vendor_link(a.advisory_id.clone(), a.url)}<span class="cell-detail muted">{a.title}</span></td>
                            <td data-label="Severity">
                                <span class=format!("severity severity-{}", a.severity.as_str())>{a.severity.label()}</span>
                                <span class="cell-detail">{score}</span>
                                <span class="cell-detail muted">{configuration}</span>
                            </td>
                            <td data-label="Updated">{date_label(&a.last_updated)}</td>
                            <td data-label="Devices"><a href=link aria-label=label>{devices(a.devices)}</a></td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
        }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="alerts-advisories-heading">
            <h2 id="alerts-advisories-heading">"Security advisories"</h2>
            {body}
        </section>
    }
}

#[component]
fn NoticesSection(list: Vec<CompanyNotice>) -> impl IntoView {
    let body = if list.is_empty() {
        view! { <p class="empty-state">"No field notice affects your devices."</p> }.into_any()
    } else {
        view! {
            <DataTable heads=&["Notice", "Type", "Updated", "Devices"] caption="Field notices affecting your devices, most recently updated first" testid="alerts-notices">
                {list.into_iter().map(|n| {
                    let link = library_link(|f| f.field_notice = n.notice_id.clone());
                    let label = format!("{} affected by {}", devices(n.devices), n.notice_id);
                    view! {
                        <tr>
                            <td data-label="Notice">{vendor_link(n.notice_id.clone(), n.url)}<span class="cell-detail muted">{n.title}</span></td>
                            <td data-label="Type">{n.notice_type.label()}</td>
                            <td data-label="Updated">{date_label(&n.last_updated)}</td>
                            <td data-label="Devices"><a href=link aria-label=label>{devices(n.devices)}</a></td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
        }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="alerts-notices-heading">
            <h2 id="alerts-notices-heading">"Field notices"</h2>
            {body}
        </section>
    }
}

#[component]
fn BulletinsSection(list: Vec<CompanyBulletin>) -> impl IntoView {
    let body = if list.is_empty() {
        view! { <p class="empty-state">"No end of life is announced for your devices' products."</p> }.into_any()
    } else {
        view! {
            <DataTable heads=&["Bulletin", "Stage today", "Next milestone", "Last date of support", "Devices"] caption="End-of-life bulletins listing your devices' products, furthest gone first" testid="alerts-bulletins">
                {list.into_iter().map(|b| {
                    let link = library_link(|f| f.bulletin = b.bulletin_number.clone());
                    let label = format!("{} listed by {}", devices(b.devices), b.bulletin_number);
                    let next = b.next_milestone.as_ref().map_or_else(
                        || "None with a date".to_owned(),
                        |n| format!("{} on {}", n.milestone.label(), date_label(&n.date)),
                    );
                    view! {
                        <tr>
                            <td data-label="Bulletin">{vendor_link(b.bulletin_number.clone(), b.url)}<span class="cell-detail muted">{b.title}</span></td>
                            <td data-label="Stage today"><span class=format!("eol eol-{}", b.stage.as_str())>{b.stage.label()}</span></td>
                            <td data-label="Next milestone">{next}</td>
                            <td data-label="Last date of support">{date_label(&b.last_date_of_support)}</td>
                            <td data-label="Devices"><a href=link aria-label=label>{devices(b.devices)}</a></td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
        }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="alerts-bulletins-heading">
            <h2 id="alerts-bulletins-heading">"Hardware end of life"</h2>
            {body}
        </section>
    }
}
