//! Writing an event: what the services call where the thing happens.

use super::{queries, EventKind};
use crate::platform::{clock::timestamp_now, AppState, Database};

/// An event to write, built where it happens.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    /// Who did it: a username, a collector token's name, `system`.
    pub actor: String,
    /// The account it is about, if any.
    pub account_id: Option<i64>,
    /// The company whose DAs read it; when unset, the company of `account_id` (if any).
    pub company_id: Option<String>,
    pub detail: String,
    pub client_address: String,
}

impl NewEvent {
    pub fn new(kind: EventKind, actor: impl Into<String>) -> Self {
        NewEvent {
            kind,
            actor: actor.into(),
            account_id: None,
            company_id: None,
            detail: String::new(),
            client_address: String::new(),
        }
    }

    /// About this account (its company's DAs read the event).
    pub fn about(mut self, account_id: i64) -> Self {
        self.account_id = Some(account_id);
        self
    }

    /// Read by this company's DAs.
    pub fn company(mut self, company_id: &str) -> Self {
        self.company_id = Some(company_id.to_owned());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// From this client address.
    pub fn from(mut self, client_address: &str) -> Self {
        self.client_address = client_address.to_owned();
        self
    }
}

/// Writes `event`. Recording must not stop what it records (a sign-in, an export): a failure to
/// write is logged at error level for the operators, never returned.
pub async fn record(state: &AppState, event: NewEvent) {
    record_in(&state.db, event).await
}

/// [`record`] with the database alone (command-line tools).
pub async fn record_in(db: &Database, event: NewEvent) {
    if let Err(err) = write(db, &event).await {
        tracing::error!(error = %err, kind = event.kind.as_str(), "writing a security event failed");
    }
}

async fn write(db: &Database, event: &NewEvent) -> Result<(), sqlx::Error> {
    let mut conn = db.conn().await?;
    let company = match (&event.company_id, event.account_id) {
        (Some(company), _) => Some(company.clone()),
        (None, Some(account)) => queries::company_of_account(&mut conn, account).await?,
        (None, None) => None,
    };
    let at = timestamp_now();
    // Free text from people (a login typed at sign-in) is kept short.
    let detail: String = event.detail.chars().take(500).collect();
    let actor: String = event.actor.chars().take(200).collect();
    queries::insert(
        &mut conn,
        &queries::EventRecord {
            at: &at,
            company_id: company.as_deref(),
            account_id: event.account_id,
            actor: &actor,
            kind: event.kind,
            detail: &detail,
            client_address: &event.client_address,
        },
    )
    .await
}
