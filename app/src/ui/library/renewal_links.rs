use leptos::prelude::*;
use leptos_router::components::A;

use crate::library::DeviceFilter;

/// The renewal list: every device whose coverage expired or is expiring, by contract (of one
/// contract when given), to see in the Library or download for whoever renews.
#[component]
pub fn RenewalLinks(#[prop(optional, into)] contract: Option<String>) -> impl IntoView {
    let what = match &contract {
        Some(number) => format!("Renewal list of contract {number}: "),
        None => "Renewal list, by contract: ".to_owned(),
    };
    let query = DeviceFilter {
        renewal: true,
        sort: "contract".into(),
        contract: contract.unwrap_or_default(),
        ..DeviceFilter::default()
    }
    .to_query(0);
    view! {
        <p class="exports" data-testid="renewal-list">
            {what}
            <A href=format!("/library?{query}")>"devices to renew"</A>
            " (expired or expiring) · download "
            <a href=format!("/api/library/devices.csv?{query}") download>"CSV"</a>
            " · "
            <a href=format!("/api/library/devices.xlsx?{query}") download>"Excel (XLSX)"</a>
        </p>
    }
}
