use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use crate::ui::whose::whose;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    alerts::{
        load_company_alerts, milestones::date_label, CompanyAdvisory, CompanyBulletin,
        CompanyNotice, CompanySoftwareTrain, NextMilestone,
    },
    library::DeviceFilter,
    ui::{
        data_table::DataTable,
        inventory::format::devices,
        library::vendor_link::VendorLink,
        show_more::{ShowMore, ROWS_AT_ONCE},
    },
};

/// The Library filtered as `choose` sets, as a link.
fn library_link(choose: impl FnOnce(&mut DeviceFilter)) -> String {
    let mut filter = DeviceFilter::default();
    choose(&mut filter);
    format!("/library?{}", filter.to_query(0))
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
            {move || format!("The security advisories, field notices and end-of-life bulletins that concern {} devices, each with the devices it concerns. ", whose())}
            <A href="/library">"See all devices"</A> "."
        </p>
        <p class="exports">
            "Download every alert with the devices it concerns, one row each: "
            <a href="/api/library/alerts.csv" download>"CSV"</a>
            " · "
            <a href="/api/library/alerts.xlsx" download>"Excel (XLSX)"</a>
        </p>
        <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading alerts…"</p> }>
            {move || suspend(async move {
                match alerts.await {
                    Ok(alerts) => view! {
                        <AdvisoriesSection list=alerts.advisories/>
                        <NoticesSection list=alerts.notices/>
                        <BulletinsSection list=alerts.bulletins/>
                        <SoftwareTrainsSection list=alerts.software_trains/>
                    }.into_any(),
                    Err(err) => view! { <LoadError message=err.to_string() retry=move || alerts.refetch()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AdvisoriesSection(list: Vec<CompanyAdvisory>) -> impl IntoView {
    let yours = whose();
    let total = list.len();
    let shown = RwSignal::new(ROWS_AT_ONCE);
    let list = StoredValue::new(list);
    let body = if total == 0 {
        view! { <p class="empty-state">{format!("No published security advisory affects {yours} devices' releases.")}</p> }.into_any()
    } else {
        view! {
            <DataTable heads=&["Advisory", "Severity", "Updated", "Devices"] caption=format!("Security advisories affecting {yours} devices, worst first") testid="alerts-advisories">
                {move || list.with_value(|list| list.iter().take(shown.get()).cloned().map(|a| {
                    let link = library_link(|f| f.advisory = a.advisory_id.clone());
                    let label = format!("{} affected by {}", devices(a.devices), a.advisory_id);
                    let score = (!a.cvss_base_score.is_empty()).then(|| format!("CVSS {}", a.cvss_base_score));
                    let configuration = a.configuration_dependent.then_some("Depends on configuration");
                    view! {
                        <tr>
                            <td data-label="Advisory"><VendorLink id=a.advisory_id.clone() url=a.url.clone()/><span class="cell-detail muted">{a.title}</span></td>
                            <td data-label="Severity">
                                <span class=format!("severity severity-{}", a.severity.as_str())>{a.severity.label()}</span>
                                <span class="cell-detail">{score}</span>
                                <span class="cell-detail muted">{configuration}</span>
                            </td>
                            <td data-label="Updated">{date_label(&a.last_updated)}</td>
                            <td data-label="Devices"><a href=link aria-label=label>{devices(a.devices)}</a></td>
                        </tr>
                    }
                }).collect_view())}
            </DataTable>
            <ShowMore shown total noun="advisories" testid="alerts-advisories-more"/>
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
    let yours = whose();
    let total = list.len();
    let shown = RwSignal::new(ROWS_AT_ONCE);
    let list = StoredValue::new(list);
    let body = if total == 0 {
        view! { <p class="empty-state">{format!("No field notice affects {yours} devices.")}</p> }
            .into_any()
    } else {
        view! {
            <DataTable heads=&["Notice", "Type", "Updated", "Devices"] caption=format!("Field notices affecting {yours} devices, most recently updated first") testid="alerts-notices">
                {move || list.with_value(|list| list.iter().take(shown.get()).cloned().map(|n| {
                    let link = library_link(|f| f.field_notice = n.notice_id.clone());
                    let label = format!("{} affected by {}", devices(n.devices), n.notice_id);
                    view! {
                        <tr>
                            <td data-label="Notice"><VendorLink id=n.notice_id.clone() url=n.url.clone()/><span class="cell-detail muted">{n.title}</span></td>
                            <td data-label="Type">{n.notice_type.label()}</td>
                            <td data-label="Updated">{date_label(&n.last_updated)}</td>
                            <td data-label="Devices"><a href=link aria-label=label>{devices(n.devices)}</a></td>
                        </tr>
                    }
                }).collect_view())}
            </DataTable>
            <ShowMore shown total noun="notices" testid="alerts-notices-more"/>
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
    let yours = whose();
    let total = list.len();
    let shown = RwSignal::new(ROWS_AT_ONCE);
    let list = StoredValue::new(list);
    let body = if total == 0 {
        view! { <p class="empty-state">{format!("No end of life is announced for {yours} devices' products.")}</p> }.into_any()
    } else {
        view! {
            <DataTable heads=&["Bulletin", "Stage today", "Next milestone", "Last date of support", "Devices"] caption=format!("End-of-life bulletins listing {yours} devices' products, furthest gone first") testid="alerts-bulletins">
                {move || list.with_value(|list| list.iter().take(shown.get()).cloned().map(|b| {
                    let link = library_link(|f| f.bulletin = b.bulletin_number.clone());
                    let label = format!("{} listed by {}", devices(b.devices), b.bulletin_number);
                    let next = next_label(b.next_milestone.as_ref());
                    view! {
                        <tr>
                            <td data-label="Bulletin"><VendorLink id=b.bulletin_number.clone() url=b.url.clone()/><span class="cell-detail muted">{b.title}</span></td>
                            <td data-label="Stage today"><span class=format!("eol eol-{}", b.stage.as_str())>{b.stage.label()}</span></td>
                            <td data-label="Next milestone">{next}</td>
                            <td data-label="Last date of support">{date_label(&b.last_date_of_support)}</td>
                            <td data-label="Devices"><a href=link aria-label=label>{devices(b.devices)}</a></td>
                        </tr>
                    }
                }).collect_view())}
            </DataTable>
            <ShowMore shown total noun="bulletins" testid="alerts-bulletins-more"/>
        }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="alerts-bulletins-heading">
            <h2 id="alerts-bulletins-heading">"Hardware end of life"</h2>
            {body}
        </section>
    }
}

fn next_label(next: Option<&NextMilestone>) -> String {
    next.map_or_else(
        || "None with a date".to_owned(),
        |n| format!("{} on {}", n.milestone.label(), date_label(&n.date)),
    )
}

#[component]
fn SoftwareTrainsSection(list: Vec<CompanySoftwareTrain>) -> impl IntoView {
    let yours = whose();
    let total = list.len();
    let shown = RwSignal::new(ROWS_AT_ONCE);
    let list = StoredValue::new(list);
    let body = if total == 0 {
        view! { <p class="empty-state">{format!("No end of life is announced for the software releases {yours} devices run.")}</p> }.into_any()
    } else {
        view! {
            <DataTable heads=&["Release train", "Bulletin", "Stage today", "Next milestone", "Last date of support", "Devices"] caption=format!("Software release trains {yours} devices run with an end-of-life bulletin, furthest gone first") testid="alerts-software-trains">
                {move || list.with_value(|list| list.iter().take(shown.get()).cloned().map(|train| {
                    let t = train.bulletin;
                    let link = library_link(|f| f.bulletin = t.bulletin_number.clone());
                    let train = format!("{} {}", train.software_type, train.release_train);
                    let label = format!("{} on {train}", devices(t.devices));
                    let next = next_label(t.next_milestone.as_ref());
                    view! {
                        <tr>
                            <td data-label="Release train">{train}</td>
                            <td data-label="Bulletin"><VendorLink id=t.bulletin_number.clone() url=t.url.clone()/><span class="cell-detail muted">{t.title}</span></td>
                            <td data-label="Stage today"><span class=format!("eol eol-{}", t.stage.as_str())>{t.stage.label()}</span></td>
                            <td data-label="Next milestone">{next}</td>
                            <td data-label="Last date of support">{date_label(&t.last_date_of_support)}</td>
                            <td data-label="Devices"><a href=link aria-label=label>{devices(t.devices)}</a></td>
                        </tr>
                    }
                }).collect_view())}
            </DataTable>
            <ShowMore shown total noun="release trains" testid="alerts-software-trains-more"/>
        }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="alerts-software-heading">
            <h2 id="alerts-software-heading">"Software end of life"</h2>
            {body}
        </section>
    }
}
