use leptos::prelude::*;
use leptos_router::{
    hooks::{use_location, use_navigate},
    NavigateOptions,
};

use super::sign_in_redirect::{needs_sign_in, sign_in_url, SECOND_FACTOR_SETUP};
use crate::contexts::session::use_session;

/// Sends a signed-out visitor who opened a page that needs an account to the sign-in page, which
/// returns them here afterwards (replacing this history entry, so Back does not bounce); and
/// someone who must set up two-step sign-in to their profile, where they do.
#[component]
pub fn SignInGate() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let path = location.pathname.get();
        let replace = NavigateOptions {
            replace: true,
            ..Default::default()
        };
        if session.user().is_some_and(|user| user.second_factor_setup)
            && needs_sign_in(&path)
            && path != SECOND_FACTOR_SETUP
        {
            navigate(SECOND_FACTOR_SETUP, replace);
            return;
        }
        if !session.loaded() || session.user().is_some() || !needs_sign_in(&path) {
            return;
        }
        let search = location.search.get_untracked();
        let target = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        navigate(&sign_in_url(&target), replace);
    });
}
