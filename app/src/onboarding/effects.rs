//! What a move of the wizard does besides changing the person's stage (`wizard::Effect`): one
//! function per effect, each inside the move's transaction, so a failed email or membership
//! leaves no half-done move.

use super::{
    service::{company_name, company_of_entry, proof_of, record_joined, Tx},
    queries,
    wizard::{Effect, Event, Stage},
    OnboardingError,
};
use crate::{
    accounts::{queries as accounts_db, Role},
    mail::{outbox, templates},
    platform::{clock::timestamp_now, internal, AppState},
};

/// A move of the wizard, as its effects need it.
pub(super) struct Applied<'a> {
    pub state: &'a AppState,
    /// The person whose stage moved.
    pub person: &'a accounts_db::AccountRow,
    pub before: &'a Stage,
    pub after: &'a Stage,
    pub event: &'a Event,
    /// Who made the move when it was not the person (a DA or an agent).
    pub actor_id: Option<i64>,
}

pub(super) async fn carry_out(
    tx: &mut Tx,
    applied: &Applied<'_>,
    effect: &Effect,
) -> Result<(), OnboardingError> {
    match effect {
        Effect::ForwardToFirstDa => forward_to_first_da(tx, applied).await,
        Effect::BecomeDelegatedAdmin { entry_id } => {
            become_delegated_admin(tx, applied, entry_id).await
        }
        Effect::QueueForAgent(_) => Ok(()),
        Effect::GrantAccess { role } => grant_access(tx, applied, *role).await,
        Effect::NotifyRequester => notify_requester(tx, applied).await,
        Effect::SendWelcomeEmails => send_welcome_emails(tx, applied).await,
    }
}

/// The first DA in the company's order hears of the request (any DA may decide it, on the Access
/// requests page).
async fn forward_to_first_da(tx: &mut Tx, applied: &Applied<'_>) -> Result<(), OnboardingError> {
    let proof = proof_of(applied.after)
        .ok_or_else(|| OnboardingError::App(internal("forwarding without a proof")))?;
    let company = company_name(tx, &proof.company_id).await?;
    let das = queries::delegated_admins(tx, &proof.company_id).await?;
    if let Some((_, da_name, da_email)) = das.into_iter().next() {
        let person = applied.person;
        let email = templates::access_request_for_da(
            &da_email,
            &da_name,
            &person.full_name,
            &person.email,
            &company,
            &applied.state.settings.link("/access/requests"),
        );
        outbox::enqueue(tx, &email).await?;
    }
    Ok(())
}

/// The first person of a company (or of the organisation entry an agent chose) becomes its DA.
async fn become_delegated_admin(
    tx: &mut Tx,
    applied: &Applied<'_>,
    entry_id: &str,
) -> Result<(), OnboardingError> {
    let company_id = company_of_entry(tx, entry_id)
        .await?
        .ok_or(OnboardingError::NotFound)?;
    let now = timestamp_now();
    let person = applied.person;
    queries::add_member(tx, &company_id, person.id, Role::Da, entry_id, &now).await?;
    record_joined(tx, applied, &company_id, Role::Da, &now).await
}

/// A DA's (or an agent's) yes: the person joins the company with the granted role.
async fn grant_access(
    tx: &mut Tx,
    applied: &Applied<'_>,
    role: Role,
) -> Result<(), OnboardingError> {
    let proof = proof_of(applied.before)
        .ok_or_else(|| OnboardingError::App(internal("granting without a proof")))?;
    let now = timestamp_now();
    let company_id = &proof.company_id;
    let person = applied.person;
    queries::add_member(tx, company_id, person.id, role, company_id, &now).await?;
    record_joined(tx, applied, company_id, role, &now).await
}

/// The person hears the decision on their request, or the agent's question.
async fn notify_requester(tx: &mut Tx, applied: &Applied<'_>) -> Result<(), OnboardingError> {
    let company = match proof_of(applied.before) {
        Some(proof) => company_name(tx, &proof.company_id).await?,
        None => "your company".to_owned(),
    };
    let person = applied.person;
    let portal = applied.state.settings.link("/");
    let decision = |role: Option<&str>, reason: Option<&str>| {
        templates::access_decision(
            &person.email,
            &person.full_name,
            &company,
            role,
            reason,
            &portal,
        )
    };
    let email = match applied.event {
        Event::DaGranted { role } => decision(Some(role.label()), None),
        Event::DaDenied { reason } => decision(None, reason.as_deref()),
        Event::AgentRejected { reason } => decision(None, Some(reason)),
        Event::AgentAsked { question } => templates::agent_question(
            &person.email,
            &person.full_name,
            question,
            &applied.state.settings.link("/onboarding"),
        ),
        _ => return Ok(()),
    };
    outbox::enqueue(tx, &email).await?;
    Ok(())
}

/// Registration complete: a welcome, and what a Delegated Administrator does.
async fn send_welcome_emails(tx: &mut Tx, applied: &Applied<'_>) -> Result<(), OnboardingError> {
    let person = applied.person;
    let portal = applied.state.settings.link("/");
    let company_id = queries::membership(tx, person.id)
        .await?
        .map(|(c, _)| c)
        .unwrap_or_default();
    let company = company_name(tx, &company_id).await?;
    let welcome = templates::welcome(&person.email, &person.full_name, &company, &portal);
    outbox::enqueue(tx, &welcome).await?;
    let da = templates::granted_administrator(&person.email, &person.full_name, &company, &portal);
    outbox::enqueue(tx, &da).await?;
    Ok(())
}
