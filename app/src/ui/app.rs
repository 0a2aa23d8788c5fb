use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use super::{
    access::AccessPage,
    accounts::{
        ForgotPasswordPage, LoginPage, ProfilePage, RegisterPage, ResetPasswordPage,
        VerifyEmailPage,
    },
    home::LandingPage,
    inventory::{CollectorsPage, UploadsPage},
    library::{ContractsPage, DevicesPage},
    not_found_page::NotFoundPage,
    onboarding::{AccessRequestsPage, AgentConsolePage, OnboardingLinkPage, WizardPage},
    shell::TopBar,
};
use crate::contexts::session::Session;

/// The root of the single-page app: shell, routes and page titles.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Session::provide();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "NetCare".to_owned() } else { format!("{page} · NetCare") }/>
        <Router>
            <TopBar/>
            <main id="main" class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=LandingPage/>
                    <Route path=path!("/register") view=RegisterPage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/verify-email") view=VerifyEmailPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage/>
                    <Route path=path!("/profile") view=ProfilePage/>
                    <Route path=path!("/onboarding") view=WizardPage/>
                    <Route path=path!("/onboarding/verify") view=OnboardingLinkPage/>
                    <Route path=path!("/access") view=AccessPage/>
                    <Route path=path!("/access/requests") view=AccessRequestsPage/>
                    <Route path=path!("/agents") view=AgentConsolePage/>
                    <Route path=path!("/uploads") view=UploadsPage/>
                    <Route path=path!("/collectors") view=CollectorsPage/>
                    <Route path=path!("/library") view=DevicesPage/>
                    <Route path=path!("/library/contracts") view=ContractsPage/>
                </Routes>
            </main>
        </Router>
    }
}
