//! The caller of a server function, resolved once per call: who they are, the company whose data
//! they read (their own, or for a vendor agent the one opened under support access) and with which
//! role. Server functions run through [`serve`] (signed-in callers) or [`serve_anyone`] and ask the
//! caller for what they need: [`Caller::company`], [`Caller::member`], [`Caller::manager`],
//! [`Caller::delegated_admin`], [`Caller::agent`]. Each check refuses with an [`AppError`] that
//! every area's error converts from.

use crate::{
    accounts::{session::SessionInfo, CurrentUser, Membership, Role},
    error::{answered, Needed, StatusCoded},
    platform::{app_state, AppState},
    AppError,
};

/// How recently a person must have proved who they are for the most sensitive actions.
pub const REAUTHENTICATION_WINDOW: std::time::Duration = std::time::Duration::from_secs(600);

/// A signed-in person making a call.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub is_agent: bool,
    /// The session the call came with (support access is opened per session).
    pub session: SessionInfo,
    /// The company whose data this call reads: the person's own (registration complete), or for
    /// an agent the company their session is open on while its grant of support access lives
    /// (role [`Role::Support`]).
    pub membership: Option<Membership>,
}

impl Caller {
    /// The caller of the server function being served; `NotSignedIn` without a valid session.
    pub async fn of_request(state: &AppState) -> Result<Caller, AppError> {
        let session =
            crate::accounts::session::current().ok_or_else(crate::accounts::session::missing)?;
        Caller::of_session(state, session).await
    }

    /// The caller holding `session` (as the server's session layer resolved it for a request);
    /// refused while two-step sign-in is required of them and not set up.
    pub async fn of_session(state: &AppState, session: SessionInfo) -> Result<Caller, AppError> {
        let mut conn = state.db.conn().await?;
        let caller = Caller::resolve(&mut conn, session).await?;
        // Asked on every call: one indexed query on the connection already held.
        if crate::accounts::second_factor::service::setup_needed(
            &mut conn,
            caller.account_id,
            caller.is_agent,
        )
        .await?
        {
            return Err(AppError::SecondFactorSetupRequired);
        }
        Ok(caller)
    }

    /// The caller holding `session`, whether or not they still have to set up two-step sign-in
    /// (only that and signing out are served to them then).
    pub async fn of_session_enrolling(
        state: &AppState,
        session: SessionInfo,
    ) -> Result<Caller, AppError> {
        let mut conn = state.db.conn().await?;
        Caller::resolve(&mut conn, session).await
    }

    async fn resolve(
        conn: &mut sqlx::AnyConnection,
        session: SessionInfo,
    ) -> Result<Caller, AppError> {
        let account = crate::accounts::queries::find_by_id(conn, session.account_id)
            .await?
            .filter(|account| account.disabled_at.is_none())
            .ok_or(AppError::NotSignedIn)?;
        let membership = crate::accounts::queries::company_of_session(conn, &session).await?;
        Ok(Caller {
            account_id: account.id,
            username: account.username,
            full_name: account.full_name,
            email: account.email,
            is_agent: account.is_agent.0,
            session,
            membership,
        })
    }

    /// The company whose data the caller reads (their own, or one under support access).
    pub fn company(&self) -> Result<&Membership, AppError> {
        self.membership.as_ref().ok_or(AppError::NoCompany)
    }

    /// A member of their own company: support access reads, never changes.
    pub fn member(&self) -> Result<&Membership, AppError> {
        let membership = self.company()?;
        if membership.role == Role::Support {
            return Err(AppError::NotAllowed(Needed::OwnCompany));
        }
        Ok(membership)
    }

    /// A Delegated Administrator or an Administrator of their company.
    pub fn manager(&self) -> Result<&Membership, AppError> {
        let membership = self.company()?;
        if !membership.role.manages() {
            return Err(AppError::NotAllowed(Needed::Manager));
        }
        Ok(membership)
    }

    /// A Delegated Administrator of their company.
    pub fn delegated_admin(&self) -> Result<&Membership, AppError> {
        let membership = self.company()?;
        if membership.role != Role::Da {
            return Err(AppError::NotAllowed(Needed::DelegatedAdmin));
        }
        Ok(membership)
    }

    /// A security-log event of this caller's doing, read by `company_id`'s DAs, from the
    /// request's client address.
    pub fn security_event(
        &self,
        kind: crate::security_log::EventKind,
        company_id: &str,
    ) -> crate::security_log::NewEvent {
        crate::security_log::NewEvent::new(kind, self.username.as_str())
            .company(company_id)
            .from(&crate::accounts::session::client_address())
    }

    /// Refuses unless the caller proved who they are within the last ten minutes (signing in, or
    /// `confirm_identity`): asked before the most sensitive actions, so an unattended or stolen
    /// session cannot take them.
    pub fn recently_authenticated(&self) -> Result<(), AppError> {
        let since = crate::platform::clock::timestamp_text(
            time::OffsetDateTime::now_utc() - REAUTHENTICATION_WINDOW,
        );
        match &self.session.authenticated_at {
            Some(at) if *at >= since => Ok(()),
            _ => Err(AppError::ReauthenticationRequired),
        }
    }

    /// A vendor agent.
    pub fn agent(&self) -> Result<(), AppError> {
        if self.is_agent {
            Ok(())
        } else {
            Err(AppError::NotAllowed(Needed::Agent))
        }
    }
}

/// Runs a server function for a signed-in caller: the app state and the caller resolved once, the
/// response's HTTP status set from the error.
pub async fn serve<T, E>(work: impl AsyncFnOnce(&AppState, Caller) -> Result<T, E>) -> Result<T, E>
where
    E: From<AppError> + StatusCoded,
{
    let result = async {
        let state = app_state()?;
        let caller = Caller::of_request(&state).await?;
        work(&state, caller).await
    }
    .await;
    answered(result)
}

/// Runs a server function that a signed-in caller who still has to set up two-step sign-in may
/// call (setting it up, signing out everywhere).
pub async fn serve_enrolling<T, E>(
    work: impl AsyncFnOnce(&AppState, Caller) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<AppError> + StatusCoded,
{
    let result = async {
        let state = app_state()?;
        let session =
            crate::accounts::session::current().ok_or_else(crate::accounts::session::missing)?;
        let caller = Caller::of_session_enrolling(&state, session).await?;
        work(&state, caller).await
    }
    .await;
    answered(result)
}

/// Runs a step that opens a session (a second step, a passkey): `open` gets the caller's address
/// and the session id it presented (ended in favour of the new one) and answers the person with
/// the new session's token, which becomes the cookie.
pub async fn serve_sign_in<E>(
    open: impl AsyncFnOnce(&AppState, &str, Option<String>) -> Result<(CurrentUser, String), E>,
) -> Result<CurrentUser, E>
where
    E: From<AppError> + StatusCoded,
{
    use crate::accounts::session;
    serve_anyone(async |state| {
        let address = session::client_address();
        let presented = session::presented_token(&state.settings);
        let (user, token) = open(state, &address, presented).await?;
        session::set_cookie(&state.settings, &token);
        Ok(user)
    })
    .await
}

/// Runs a server function open to anyone (sign-in, registration, public counts).
pub async fn serve_anyone<T, E>(work: impl AsyncFnOnce(&AppState) -> Result<T, E>) -> Result<T, E>
where
    E: From<AppError> + StatusCoded,
{
    let result = async {
        let state = app_state()?;
        work(&state).await
    }
    .await;
    answered(result)
}
