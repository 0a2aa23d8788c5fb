use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use crate::ui::whose::{under_support, whose};
use leptos::prelude::*;

use super::dashlet_readiness::report_first_answer;

use crate::{
    alerts::{load_eol_summary, milestones::date_label, EolSummary},
    library::filter::percent_encode,
    ui::data_table::DataTable,
};

/// The company's hardware end of life: devices by stage (the furthest gone first), each count a
/// link to those devices, and the milestones coming within a year.
#[component]
pub fn EndOfLifeDashlet() -> impl IntoView {
    let summary = load(load_eol_summary);
    report_first_answer(summary);
    view! {
        <section class="card" aria-labelledby="eol-heading" data-testid="eol-dashlet">
            <h2 id="eol-heading">"Hardware end of life"</h2>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                {move || suspend(async move {
                    match summary.await {
                        Ok(summary) => view! { <EndOfLifeSummary summary/> }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || summary.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EndOfLifeSummary(summary: EolSummary) -> impl IntoView {
    let all = summary.devices();
    let listed = all - summary.not_announced;
    if all == 0 {
        let text = if under_support() {
            "No devices uploaded yet."
        } else {
            "No devices yet: upload your inventory to see where each stands."
        };
        return view! { <p class="empty-state">{text}</p> }.into_any();
    }
    if listed == 0 {
        let text = format!(
            "No end of life is announced for the products of {} {all} devices.",
            whose()
        );
        return view! { <p class="empty-state">{text}</p> }.into_any();
    }
    let plural = |n: u64| {
        if n == 1 {
            "1 device".to_owned()
        } else {
            format!("{n} devices")
        }
    };
    let not_announced = summary.not_announced;
    view! {
        <ul class="eol-stages">
            {summary.by_stage.into_iter().filter(|(_, n)| *n > 0).map(|(stage, count)| {
                let link = format!("/library?end_of_life={}", stage.as_str());
                view! {
                    <li>
                        <a href=link class=format!("eol eol-{}", stage.as_str())>{format!("{}: {}", stage.label(), plural(count))}</a>
                        <span class="muted">" "{stage.meaning()}</span>
                    </li>
                }
            }).collect_view()}
            {(not_announced > 0).then(|| view! { <li>{format!("No end of life announced: {}", plural(not_announced))}</li> })}
        </ul>
        {if summary.upcoming.is_empty() {
            view! { <p class="muted">"No milestone falls within the next 12 months."</p> }.into_any()
        } else {
            view! {
                <h3>"In the next 12 months"</h3>
                <DataTable heads=&["Date", "Milestone", "Bulletin", "Devices"] caption="End-of-life milestones in the next 12 months">
                    {summary.upcoming.into_iter().map(|m| {
                        let link = format!("/library?bulletin={}", percent_encode(&m.bulletin_number));
                        let label = format!("{} of bulletin {}", plural(m.devices), m.bulletin_number);
                        view! {
                            <tr>
                                <td data-label="Date">{date_label(&m.date)}</td>
                                <td data-label="Milestone">{m.milestone.label()}</td>
                                <td data-label="Bulletin">{m.bulletin_number.clone()}" "<span class="muted">{m.title}</span></td>
                                <td data-label="Devices"><a href=link aria-label=label>{plural(m.devices)}</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
            }.into_any()
        }}
    }.into_any()
}
