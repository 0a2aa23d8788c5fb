use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use super::{home::LandingPage, not_found_page::NotFoundPage, shell::TopBar};

/// The root of the single-page app: shell, routes and page titles.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "NetCare".to_owned() } else { format!("{page} · NetCare") }/>
        <Router>
            <TopBar/>
            <main id="main" class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=LandingPage/>
                </Routes>
            </main>
        </Router>
    }
}
