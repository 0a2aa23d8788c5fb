use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::RegistryStatsPanel;
use crate::{contexts::session::use_session, ui::dashlets::DashboardGrid};

/// The home page: a member's dashboard; for everyone else, what NetCare is, the three stages of
/// getting started and what this instance's registry holds.
#[component]
pub fn LandingPage() -> impl IntoView {
    let session = use_session();
    move || {
        if !session.loaded() {
            return view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }.into_any();
        }
        match session.user() {
            Some(user) if user.membership.is_some() => {
                let is_da = user.membership.is_some_and(|m| m.role == crate::accounts::Role::Da);
                view! {
                    <Title text="Dashboard"/>
                    <h1 class="visually-hidden">"Dashboard"</h1>
                    <DashboardGrid is_da=is_da/>
                }
                .into_any()
            }
            user => view! {
                <Title text=""/>
                <section class="hero">
                    <h1>"Know which of your network devices are covered, and why."</h1>
                    <p class="lead">
                        "NetCare matches every device in your inventory to the vendor's service contracts by serial "
                        "number and product ID, and tells you device by device: covered, expiring, expired or not "
                        "covered, with the reason."
                    </p>
                </section>
                {user.filter(|u| u.is_agent).map(|_| view! {
                    <section class="card">
                        <h2>"Vendor agent"</h2>
                        <p>"Onboarding requests, support access and the registry are in the "<A href="/agents">"agents' console"</A>"."</p>
                    </section>
                })}
                <section aria-labelledby="stages-heading">
                    <h2 id="stages-heading">"Getting started takes three stages"</h2>
                    <ol class="stages">
                        <li class="card">
                            <h3>"1. Registration"</h3>
                            <p>"Prove your company's entitlement with a contract number and the serial number of a device it covers."</p>
                        </li>
                        <li class="card">
                            <h3>"2. Collection"</h3>
                            <p>"Upload your device inventory as a CSV file, or let a collector send it for you."</p>
                        </li>
                        <li class="card">
                            <h3>"3. Portal use"</h3>
                            <p>"See coverage per device, the contracts that cover them, and what expires soon."</p>
                        </li>
                    </ol>
                </section>
                <RegistryStatsPanel/>
            }
            .into_any(),
        }
    }
}
