//! Who is signed in, loaded once and refreshed after sign-in, sign-out and profile changes.

use leptos::prelude::*;

use crate::accounts::{load_current_user, CurrentUser};

#[derive(Clone, Copy)]
pub struct Session {
    user: LocalResource<Option<CurrentUser>>,
}

impl Session {
    /// Creates the session context for the app.
    pub fn provide() -> Self {
        let session = Session {
            user: LocalResource::new(|| async { load_current_user().await.ok().flatten() }),
        };
        provide_context(session);
        session
    }

    /// The signed-in user: `None` while loading or when nobody is signed in.
    pub fn user(&self) -> Option<CurrentUser> {
        self.user.get().flatten()
    }

    /// Whether the first answer has arrived.
    pub fn loaded(&self) -> bool {
        self.user.get().is_some()
    }

    pub fn refresh(&self) {
        self.user.refetch();
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
