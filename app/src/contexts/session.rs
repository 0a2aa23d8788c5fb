//! Who is signed in, loaded once and refreshed after sign-in, sign-out and profile changes; and why
//! a session ended under an open page, so the sign-in page can say it.

use std::cell::Cell;

use leptos::prelude::*;

use crate::{
    accounts::{load_current_user, CurrentUser},
    AppError,
};

#[derive(Clone, Copy)]
pub struct Session {
    user: LocalResource<Option<CurrentUser>>,
    /// Why the session ended while a page was open, until the person signs in again. The
    /// person shown is then forgotten at once (no request, which would answer the same way).
    ended: RwSignal<Option<String>>,
    /// An action was refused until the person proves who they are again (`StepUpDialog` asks).
    step_up: RwSignal<bool>,
}

thread_local! {
    /// The page's session, for the error decoder (`observe`), which runs outside any component.
    static CURRENT: Cell<Option<Session>> = const { Cell::new(None) };
}

impl Session {
    /// Creates the session context for the app.
    pub fn provide() -> Self {
        let session = Session {
            user: LocalResource::new(|| async {
                match answer_asked_by_page().await {
                    Some(user) => user,
                    None => load_current_user().await.ok().flatten(),
                }
            }),
            ended: RwSignal::new(None),
            step_up: RwSignal::new(false),
        };
        provide_context(session);
        CURRENT.with(|current| current.set(Some(session)));
        crate::error::observe_answers(observe);
        session
    }

    /// The signed-in user: `None` while loading or when nobody is signed in.
    pub fn user(&self) -> Option<CurrentUser> {
        if self.ended.with(Option::is_some) {
            return None;
        }
        self.user.get().flatten()
    }

    /// Whether the first answer has arrived.
    pub fn loaded(&self) -> bool {
        self.user.get().is_some()
    }

    pub fn refresh(&self) {
        self.ended.set(None);
        self.user.refetch();
    }

    /// Whether an action waits for the person to confirm who they are.
    pub fn step_up_asked(&self) -> bool {
        self.step_up.get()
    }

    /// The person confirmed (or dismissed the question).
    pub fn step_up_settled(&self) {
        self.step_up.set(false);
    }

    /// Why the last session ended under an open page, if it did.
    pub fn ended(&self) -> Option<String> {
        self.ended.get()
    }
}

/// The name under which the page's own script (`frontend/index.html`) keeps its request for the
/// signed-in person, sent while the app downloads.
const ASKED_BY_PAGE: &str = "netcareSession";

/// The answer to the request the page sent before the app ran, taken once (a refresh asks the
/// server again). The page asks while the wasm downloads and compiles, so the first screen does
/// not wait for one more round trip after it. `None` when there is no answer to take or it was
/// not a plain one (an error, a network failure): the app then asks itself, and an error reaches
/// `observe` as every answer does.
async fn answer_asked_by_page() -> Option<Option<CurrentUser>> {
    use web_sys::{
        js_sys::{Promise, Reflect},
        wasm_bindgen::{JsCast, JsValue},
    };
    let window = web_sys::window()?;
    let key = JsValue::from_str(ASKED_BY_PAGE);
    let asked = Reflect::get(&window, &key)
        .ok()?
        .dyn_into::<Promise>()
        .ok()?;
    let _ = Reflect::delete_property(&window, &key);
    let body = wasm_bindgen_futures::JsFuture::from(asked)
        .await
        .ok()?
        .as_string()?;
    serde_json::from_str(&body).ok()
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Sees every error a server function answers in the browser. When it says the session is over
/// (ended by someone else, or expired) while the page still shows a signed-in person, the page
/// forgets that person (without asking the server again): the menu becomes a visitor's and `SignInGate` opens sign-in, which says why.
pub fn observe(err: &AppError) {
    let Some(session) = CURRENT.with(Cell::get) else {
        return; // on the server, or before the app mounted
    };
    let why = match err {
        // The most sensitive actions ask the person to confirm who they are, wherever they are.
        AppError::ReauthenticationRequired => {
            session.step_up.set(true);
            return;
        }
        // Two-step sign-in became required under an open page: the session shows it, and
        // `SignInGate` sends the person to set it up.
        AppError::SecondFactorSetupRequired => {
            // Once: further refusals while the session already shows it ask nothing again.
            let shown = session.user.get_untracked().flatten();
            if !shown.is_some_and(|user| user.second_factor_setup) {
                session.user.refetch();
            }
            return;
        }
        AppError::SessionEnded(end) => end.explain(),
        AppError::NotSignedIn => "Your session ended. Sign in again to continue.",
        _ => return,
    };
    // A visitor is told nothing (they had no session); a page that showed someone, or a session
    // someone else ended, is.
    let showed_someone = session.user.get_untracked().flatten().is_some();
    if showed_someone || matches!(err, AppError::SessionEnded(_)) {
        session.ended.set(Some(why.to_owned()));
    }
}
