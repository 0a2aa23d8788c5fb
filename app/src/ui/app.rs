use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use super::{
    access::{AccessPage, SecurityLogPage},
    accounts::{
        ConfirmIdentityPage, ForgotPasswordPage, LoginPage, ProfilePage, RegisterPage,
        ResetPasswordPage, VerifyEmailPage,
    },
    home::LandingPage,
    inventory::{CollectorsPage, UploadsPage},
    library::{AlertsPage, ContractsPage, DevicePage, DevicesPage},
    onboarding::{AccessRequestsPage, AgentConsolePage, OnboardingLinkPage, WizardPage},
    shell::{OtherAreaOrNotFound, SignInGate, StepUpDialog, SupportBanner, TopBar},
};
use crate::{bundles::Bundle, contexts::session::Session};

/// What every bundle shares: session, page titles, router, top bar and the page's landmark.
/// `bundle` names the area this build serves; paths of other areas are loaded in full.
#[component]
fn Shell(bundle: Bundle, children: Children) -> impl IntoView {
    provide_meta_context();
    provide_context(bundle);
    let session = Session::provide();
    // The page appears once it is known who is signed in. Drawn before, it changed from the
    // signed-out top bar to the member's, which pushed the whole page down under the reader
    // (a layout shift). Until then the page's static shell (the brand, "Loading NetCare…") stays,
    // and the style sheet keeps the app out of sight while it is there.
    Effect::new(move |_| {
        if session.loaded() {
            if let Some(placeholder) = document().get_element_by_id("boot") {
                placeholder.remove();
            }
        }
    });
    // The colour theme this browser keeps, if the person chose one.
    crate::ui::theme::show_theme(crate::ui::theme::saved_theme());
    view! {
        <Title formatter=|page: String| if page.is_empty() { "NetCare".to_owned() } else { format!("{page} · NetCare") }/>
        <Router>
            <TopBar/>
            <SupportBanner/>
            <SignInGate/>
            <main id="main" class="page">{children()}</main>
            <StepUpDialog/>
        </Router>
    }
}

// One root per bundle (see `crate::bundles`); their paths must match `Bundle::paths`.

/// The home page: the landing page, or a member's dashboard.
#[component]
pub fn HomeApp() -> impl IntoView {
    view! {
        <Shell bundle=Bundle::Home>
            <Routes fallback=OtherAreaOrNotFound>
                <Route path=path!("/") view=LandingPage/>
            </Routes>
        </Shell>
    }
}

/// The Library: devices, contracts, alerts.
#[component]
pub fn PortalApp() -> impl IntoView {
    view! {
        <Shell bundle=Bundle::Portal>
            <Routes fallback=OtherAreaOrNotFound>
                <Route path=path!("/library") view=DevicesPage/>
                <Route path=path!("/library/contracts") view=ContractsPage/>
                <Route path=path!("/library/alerts") view=AlertsPage/>
                <Route path=path!("/library/devices/:id") view=DevicePage/>
            </Routes>
        </Shell>
    }
}

/// Accounts, sign-in, the profile and onboarding.
#[component]
pub fn AccountsApp() -> impl IntoView {
    view! {
        <Shell bundle=Bundle::Accounts>
            <Routes fallback=OtherAreaOrNotFound>
                <Route path=path!("/register") view=RegisterPage/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/verify-email") view=VerifyEmailPage/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                <Route path=path!("/reset-password") view=ResetPasswordPage/>
                <Route path=path!("/profile") view=ProfilePage/>
                <Route path=path!("/confirm-identity") view=ConfirmIdentityPage/>
                <Route path=path!("/onboarding") view=WizardPage/>
                <Route path=path!("/onboarding/verify") view=OnboardingLinkPage/>
            </Routes>
        </Shell>
    }
}

/// What a company's people send and manage: uploads (every member), collectors and access (DAs
/// and Administrators).
#[component]
pub fn AdminApp() -> impl IntoView {
    view! {
        <Shell bundle=Bundle::Admin>
            <Routes fallback=OtherAreaOrNotFound>
                <Route path=path!("/uploads") view=UploadsPage/>
                <Route path=path!("/access") view=AccessPage/>
                <Route path=path!("/access/requests") view=AccessRequestsPage/>
                <Route path=path!("/access/security-log") view=SecurityLogPage/>
                <Route path=path!("/collectors") view=CollectorsPage/>
            </Routes>
        </Shell>
    }
}

/// The vendor agents' console.
#[component]
pub fn AgentsApp() -> impl IntoView {
    view! {
        <Shell bundle=Bundle::Agents>
            <Routes fallback=OtherAreaOrNotFound>
                <Route path=path!("/agents") view=AgentConsolePage/>
            </Routes>
        </Shell>
    }
}
