//! What the onboarding server functions do: load a person's stage, apply an event through the
//! state machine, carry out its effects and record it, all in one transaction.


use super::{
    agent_view,
    effects::{carry_out, Applied},
    assessment::assessment_reasons,
    entitlement::{check_entitlement, EntitlementProblem},
    queries,
    wizard::{advance, AgentQueue, Event, Proof, Stage, Standing},
    AgentDecision, CheckedEntitlement, OnboardingError, OnboardingLink, WaitingRequest,
};
use crate::{
    mail::{outbox, templates},
    accounts::{caller::Caller, Role},
    accounts::{
        queries as accounts_db, rules::check_business_email,
        session::token_hash,
    },
    coverage::normalise::serial_key,
    error::Needed,
    platform::{
        clock::timestamp_now,
        throttle::{self, Throttle},
        AppState,
    },
    AppError,
};

pub(super) const LINK_PURPOSE: &str = "onboarding";
/// Step 2 may be retried freely, but not fast enough to guess contracts and serials.
const VERIFY_ATTEMPTS: Throttle = Throttle {
    free_attempts: 20,
    first_wait: std::time::Duration::from_secs(1),
    window: std::time::Duration::from_secs(3600),
    max_wait: std::time::Duration::from_secs(900),
};

pub(super) type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn account(tx: &mut Tx, account_id: i64) -> Result<accounts_db::AccountRow, OnboardingError> {
    accounts_db::find_by_id(tx, account_id)
        .await?
        .ok_or(AppError::NotSignedIn.into())
}

/// Where the person is. Someone who is already a member of a company has finished.
pub async fn status(state: &AppState, account_id: i64) -> Result<Stage, OnboardingError> {
    let mut conn = state.db.conn().await?;
    current_stage(&mut conn, account_id).await
}

/// Why the person's request waits for an agent's assessment, as the check that sent it there
/// described it; empty when it does not wait for one.
pub async fn waiting_assessment_reasons(
    state: &AppState,
    account_id: i64,
) -> Result<Vec<String>, OnboardingError> {
    let mut conn = state.db.conn().await?;
    match current_stage(&mut conn, account_id).await? {
        Stage::WaitingForAgent {
            queue: AgentQueue::Assessment,
            ..
        } => Ok(queries::request_reasons(&mut conn, account_id).await?),
        _ => Ok(Vec::new()),
    }
}

/// The stored stage; without one, a member of a company (created by an operator) has finished and
/// anyone else has not started.
async fn current_stage(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
) -> Result<Stage, OnboardingError> {
    if let Some(stage) = queries::load_stage(conn, account_id).await? {
        return Ok(stage);
    }
    Ok(match queries::membership(conn, account_id).await? {
        Some(_) => Stage::Complete,
        None => Stage::Overview,
    })
}

/// Applies a move the person makes themselves.
pub async fn person_moves(
    state: &AppState,
    account_id: i64,
    event: Event,
) -> Result<Stage, OnboardingError> {
    let mut tx = state.db.begin_write().await?;
    let stage = apply(state, &mut tx, account_id, event, None, None).await?;
    tx.commit().await?;
    Ok(stage)
}

/// Loads the stage, advances it, stores it, carries out the effects and records the event.
async fn apply(
    state: &AppState,
    tx: &mut Tx,
    account_id: i64,
    event: Event,
    actor_id: Option<i64>,
    reasons: Option<String>,
) -> Result<Stage, OnboardingError> {
    let before = current_stage(tx, account_id).await?;
    let (after, effects) = advance(&before, event.clone())?;
    let now = timestamp_now();
    queries::save_stage(tx, account_id, &after, reasons.as_deref(), &now).await?;
    let recorded = serde_json::to_string(&event).expect("events serialise");
    queries::record_event(tx, account_id, &recorded, actor_id, &now).await?;
    if !effects.is_empty() {
        let person = account(tx, account_id).await?;
        let applied = Applied {
            state,
            person: &person,
            before: &before,
            after: &after,
            event: &event,
            actor_id,
        };
        for effect in effects {
            carry_out(tx, &applied, &effect).await?;
        }
    }
    Ok(after)
}

pub(super) fn proof_of(stage: &Stage) -> Option<&Proof> {
    match stage {
        Stage::ConfirmRequest { proof, .. }
        | Stage::ChooseOrganisation { proof, .. }
        | Stage::RequestSubmitted { proof, .. } => Some(proof),
        _ => None,
    }
}

pub(super) async fn company_name(tx: &mut Tx, company_id: &str) -> Result<String, OnboardingError> {
    let name = queries::company_name(tx, company_id).await?;
    Ok(name.ok_or(sqlx::Error::RowNotFound)?)
}

/// The company an organisation entry (a company or one of its sites) belongs to.
pub(super) async fn company_of_entry(tx: &mut Tx, entry_id: &str) -> Result<Option<String>, OnboardingError> {
    Ok(queries::company_of_entry(tx, entry_id).await?)
}

/// Records a person joining their company: who let them in (a DA or an agent deciding), or
/// "Onboarding" when the wizard itself made them the first DA.
pub(super) async fn record_joined(
    tx: &mut Tx,
    applied: &Applied<'_>,
    company_id: &str,
    role: Role,
    now: &str,
) -> Result<(), OnboardingError> {
    let person = applied.person;
    let actor = match applied.actor_id.filter(|id| *id != person.id) {
        Some(id) => accounts_db::find_by_id(tx, id)
            .await?
            .map(|a| (id, a.full_name)),
        None => None,
    };
    accounts_db::record_role_event(
        tx,
        company_id,
        Some((person.id, &person.full_name)),
        actor.as_ref().map(|(id, name)| (*id, name.as_str())),
        &format!("Joined as {}", role.label()),
        now,
    )
    .await?;
    // Every other DA hears of it: a member nobody in the company let in is noticed.
    let company = company_name(tx, company_id).await?;
    let link = applied.state.settings.link("/access");
    for (da_id, da_name, da_email) in queries::delegated_admins(tx, company_id).await? {
        if da_id == person.id || Some(da_id) == applied.actor_id {
            continue;
        }
        let notice = templates::member_joined(
            &da_email,
            &da_name,
            &person.full_name,
            &person.email,
            &company,
            role.label(),
            actor.as_ref().map(|(_, name)| name.as_str()),
            &link,
        );
        outbox::enqueue(tx, &notice).await?;
    }
    Ok(())
}

/// Step 2's *Next*: checks the contract and serial again, then moves on by the company's standing.
pub async fn verify_entitlement(
    state: &AppState,
    account_id: i64,
    contract_number: &str,
    serial_number: &str,
) -> Result<Stage, OnboardingError> {
    let stage = step_two(state, account_id, contract_number, serial_number, Step2::Commit).await?;
    Ok(stage.next)
}

/// Step 2's *Validate*: the same checks, and what *Next* would do, with nothing saved.
pub async fn validate_entitlement(
    state: &AppState,
    account_id: i64,
    contract_number: &str,
    serial_number: &str,
) -> Result<CheckedEntitlement, OnboardingError> {
    step_two(state, account_id, contract_number, serial_number, Step2::Check).await
}

#[derive(PartialEq, Eq)]
enum Step2 {
    Check,
    Commit,
}

/// Checks the contract and serial, then branches on the company's standing: saved when
/// committing, only foreseen when checking.
async fn step_two(
    state: &AppState,
    account_id: i64,
    contract_number: &str,
    serial_number: &str,
    step: Step2,
) -> Result<CheckedEntitlement, OnboardingError> {
    let throttle_key = format!("onboarding:verify:{account_id}");
    let mut tx = state.db.begin_write().await?;
    // Counted before the contract is looked at (given back below when it was not a guess), so
    // parallel tries cannot all pass the check; a refusal before the commit counts nothing.
    if let Err(retry_after_seconds) =
        throttle::take_attempt(&mut tx, &VERIFY_ATTEMPTS, &throttle_key).await?
    {
        return Err(OnboardingError::TooManyAttempts {
            retry_after_seconds,
        });
    }
    if !matches!(
        current_stage(&mut tx, account_id).await?,
        Stage::VerifyAccount
    ) {
        return Err(OnboardingError::Refused(super::wizard::Refused::NotNow));
    }
    let person = account(&mut tx, account_id).await?;
    let contract_number = contract_number.trim();
    let facts = queries::contract_facts(
        &mut tx,
        contract_number,
        &person.email,
        &serial_key(serial_number),
    )
    .await?;
    let checked = check_entitlement(
        check_business_email(&person.email).is_ok(),
        person.email_verified_at.is_some(),
        contract_number,
        serial_number,
        facts.as_ref().map(|(facts, _, _)| facts),
        &crate::platform::clock::date_today(),
    );
    if let Err(problem) = checked {
        if matches!(
            problem,
            EntitlementProblem::PersonalEmail
                | EntitlementProblem::EmailNotVerified
                | EntitlementProblem::Missing
        ) {
            throttle::refund(&mut tx, &VERIFY_ATTEMPTS, &throttle_key).await?;
        }
        tx.commit().await?;
        return Err(OnboardingError::Entitlement(problem));
    }
    let (_, company_id, flagged) = facts.expect("checked facts exist");
    let (_, requires_assessment, domains) = queries::company_profile(&mut tx, &company_id).await?;
    let reasons = assessment_reasons(requires_assessment, flagged, &person.email, &domains);
    let standing = if !reasons.is_empty() {
        Standing::NeedsAssessment {
            reasons: reasons.clone(),
        }
    } else if let Some((_, first_da, _)) = queries::delegated_admins(&mut tx, &company_id)
        .await?
        .into_iter()
        .next()
    {
        Standing::HasDelegatedAdmins { first_da }
    } else {
        Standing::New {
            entries: queries::org_entries(&mut tx, &company_id).await?,
        }
    };
    let proof = Proof {
        contract_number: contract_number.to_owned(),
        serial_number: serial_number.trim().to_owned(),
        company_id: company_id.clone(),
    };
    let assessment_reasons: Vec<String> = reasons.iter().map(|r| r.describe()).collect();
    let details = serde_json::json!({
        "contract_number": proof.contract_number,
        "serial_number": proof.serial_number,
        "company_id": company_id,
        "reasons": assessment_reasons,
    })
    .to_string();
    throttle::clear(&mut tx, &throttle_key).await?;
    let proved = Event::Proved { proof, standing };
    let next = if step == Step2::Commit {
        apply(state, &mut tx, account_id, proved, None, Some(details)).await?
    } else {
        advance(&Stage::VerifyAccount, proved)?.0
    };
    tx.commit().await?;
    Ok(CheckedEntitlement {
        next,
        assessment_reasons,
    })
}

/// Takes back a request waiting for a DA or an agent (an agent's pending proposal goes with it).
pub async fn withdraw_request(state: &AppState, account_id: i64) -> Result<Stage, OnboardingError> {
    let mut tx = state.db.begin_write().await?;
    queries::forget_proposal(&mut tx, account_id).await?;
    let stage = apply(state, &mut tx, account_id, Event::Withdraw, None, None).await?;
    tx.commit().await?;
    Ok(stage)
}

/// Choosing an entry of a new company: under the company's lock, the first to choose becomes its
/// DA; anyone later has their request sent to that DA instead.
pub async fn choose_entry(
    state: &AppState,
    account_id: i64,
    entry_id: &str,
) -> Result<Stage, OnboardingError> {
    let mut tx = state.db.begin_write().await?;
    let Stage::ChooseOrganisation { proof, .. } = current_stage(&mut tx, account_id).await? else {
        return Err(OnboardingError::Refused(super::wizard::Refused::NotNow));
    };
    queries::lock_company(&mut tx, state.db.backend(), &proof.company_id).await?;
    let first = queries::delegated_admins(&mut tx, &proof.company_id)
        .await?
        .into_iter()
        .next();
    let event = match first {
        Some((_, first_da, _)) => Event::CompanyGainedDa { first_da },
        None => Event::ChooseEntry {
            entry_id: entry_id.to_owned(),
        },
    };
    let stage = apply(state, &mut tx, account_id, event, None, None).await?;
    tx.commit().await?;
    Ok(stage)
}

/// The link in the onboarding email: works once, without needing a session (it may be opened on
/// another device), and moves its owner's wizard on.
/// The onboarding link's token row, if it is one that may still be used.
async fn usable_link(
    conn: &mut sqlx::AnyConnection,
    hash: &str,
) -> Result<accounts_db::TokenRow, OnboardingError> {
    let row = accounts_db::find_token(conn, hash)
        .await?
        .filter(|r| r.purpose == LINK_PURPOSE)
        .ok_or(OnboardingError::LinkInvalid)?;
    if row.used_at.is_some() {
        return Err(OnboardingError::LinkUsed);
    }
    if row.expires_at <= timestamp_now() {
        return Err(OnboardingError::LinkExpired);
    }
    Ok(row)
}

/// Which address and company an onboarding link is for, read without using it (a mail scanner
/// opening the link changes nothing; the person confirms on the page).
pub async fn inspect_link(state: &AppState, token: &str) -> Result<OnboardingLink, OnboardingError> {
    let mut conn = state.db.conn().await?;
    let row = usable_link(&mut conn, &token_hash(token.trim())).await?;
    let company = match queries::membership(&mut conn, row.account_id).await? {
        Some((company_id, _)) => queries::company_profile(&mut conn, &company_id).await?.0,
        None => String::new(),
    };
    Ok(OnboardingLink {
        email: row.email,
        company,
    })
}

pub async fn open_link(state: &AppState, token: &str) -> Result<Stage, OnboardingError> {
    let mut tx = state.db.begin_write().await?;
    let hash = token_hash(token.trim());
    let row = usable_link(&mut tx, &hash).await?;
    if !accounts_db::use_token(&mut tx, &hash, &timestamp_now()).await? {
        return Err(OnboardingError::LinkUsed);
    }
    accounts_db::set_email_verified(&mut tx, row.account_id, &row.email, &timestamp_now()).await?;
    let stage = apply(
        state,
        &mut tx,
        row.account_id,
        Event::EmailLinkOpened,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(stage)
}

pub async fn answer_question(
    state: &AppState,
    account_id: i64,
    answer: &str,
) -> Result<Stage, OnboardingError> {
    let answer = answer.trim();
    if answer.is_empty() || answer.chars().count() > 2000 {
        return Err(OnboardingError::Invalid(
            "Write an answer of at most 2,000 characters.".into(),
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let stage = apply(
        state,
        &mut tx,
        account_id,
        Event::UserAnswered,
        None,
        None,
    )
    .await?;
    queries::set_answer(&mut tx, account_id, answer).await?;
    tx.commit().await?;
    Ok(stage)
}

/// The DA's company, or `NotAllowed` for anyone who is not a DA with a complete registration.
async fn da_company(tx: &mut Tx, account_id: i64) -> Result<String, OnboardingError> {
    match accounts_db::membership_of(tx, account_id).await? {
        Some(membership) if membership.role == crate::accounts::Role::Da => {
            Ok(membership.company_id)
        }
        _ => Err(AppError::NotAllowed(Needed::DelegatedAdmin).into()),
    }
}

fn waiting(row: queries::WaitingRow) -> Option<WaitingRequest> {
    let stage: Stage = serde_json::from_str(&row.stage).ok()?;
    let proof = proof_of(&stage).cloned();
    Some(WaitingRequest {
        account_id: row.account_id,
        full_name: row.full_name,
        email: row.email,
        contract_number: proof
            .as_ref()
            .map(|p| p.contract_number.clone())
            .unwrap_or_default(),
        serial_number: proof.map(|p| p.serial_number).unwrap_or_default(),
        since: row.updated_at,
    })
}

/// Requests waiting for the caller's company's DAs.
pub async fn pending_for_da(
    state: &AppState,
    da_account_id: i64,
) -> Result<Vec<WaitingRequest>, OnboardingError> {
    let mut tx = state.db.begin_write().await?;
    let company_id = da_company(&mut tx, da_account_id).await?;
    let requests = waiting_requests(&mut tx, &company_id).await?;
    tx.commit().await?;
    Ok(requests)
}

/// The access requests of a company waiting for its DAs, oldest first.
pub async fn waiting_requests(
    conn: &mut sqlx::AnyConnection,
    company_id: &str,
) -> Result<Vec<WaitingRequest>, sqlx::Error> {
    let rows = queries::waiting_for_da(conn, company_id).await?;
    Ok(rows.into_iter().filter_map(waiting).collect())
}

/// A DA grants a role to, or denies, a request of their own company; any other request is
/// `NotFound`, whether it exists elsewhere or not.
pub async fn decide_for_da(
    state: &AppState,
    da_account_id: i64,
    requester_id: i64,
    role: Option<Role>,
    reason: Option<String>,
) -> Result<(), OnboardingError> {
    let mut tx = state.db.begin_write().await?;
    let company_id = da_company(&mut tx, da_account_id).await?;
    match queries::load_stage(&mut tx, requester_id).await? {
        Some(Stage::RequestSubmitted { proof, .. }) if proof.company_id == company_id => {}
        _ => return Err(OnboardingError::NotFound),
    }
    let event = match role {
        Some(role) => Event::DaGranted { role },
        None => Event::DaDenied {
            reason: reason.filter(|r| !r.trim().is_empty()),
        },
    };
    apply(
        state,
        &mut tx,
        requester_id,
        event,
        Some(da_account_id),
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}

pub async fn agent_decides(
    state: &AppState,
    caller: &Caller,
    requester_id: i64,
    decision: AgentDecision,
) -> Result<String, OnboardingError> {
    caller.agent()?;
    let agent_id = caller.account_id;
    let mut tx = state.db.begin_write().await?;
    if !matches!(
        queries::load_stage(&mut tx, requester_id).await?,
        Some(Stage::WaitingForAgent { .. })
    ) {
        return Err(OnboardingError::NotFound);
    }
    let person = account(&mut tx, requester_id).await?.full_name;
    let invalid = |text: &str| Err(OnboardingError::Invalid(text.to_owned()));
    let (event, told) = match &decision {
        AgentDecision::Approve { entry_id } if entry_id.trim().is_empty() => {
            return invalid("Choose the organisation entry to approve the person for.");
        }
        AgentDecision::Approve { entry_id } => {
            let entry_id = entry_id.trim();
            let company_id = company_of_entry(&mut tx, entry_id).await?.ok_or_else(|| {
                OnboardingError::Invalid(format!(
                    "No company or site has the id {entry_id}: choose one of the entries listed, or check the id."
                ))
            })?;
            let entry = queries::entry_name(&mut tx, entry_id).await?.unwrap_or_default();
            let entry = format!("{entry} ({entry_id})");
            let proven = queries::proven_company(&mut tx, requester_id).await?;
            if proven.as_deref() != Some(company_id.as_str()) {
                // Nobody proved this association: it takes a second agent.
                let earlier = queries::proposal(&mut tx, requester_id).await?
                    .filter(|p| p.entry_id == entry_id);
                if earlier.as_ref().is_some_and(|p| p.agent_id == agent_id) {
                    return invalid("You proposed this approval already: another agent must approve it.");
                }
                if earlier.is_none() {
                    let now = timestamp_now();
                    queries::propose(&mut tx, requester_id, entry_id, &company_id, agent_id, &now)
                        .await?;
                    tx.commit().await?;
                    return Ok(agent_view::outcome(&decision, &person, &entry, true));
                }
            }
            queries::lock_company(&mut tx, state.db.backend(), &company_id).await?;
            let event = Event::AgentApproved {
                entry_id: entry_id.to_owned(),
            };
            (event, entry)
        }
        AgentDecision::Reject { reason } if !reason.trim().is_empty() => {
            let reason = reason.trim().to_owned();
            (Event::AgentRejected { reason }, String::new())
        }
        AgentDecision::Ask { question } if !question.trim().is_empty() => {
            let question = question.trim().to_owned();
            (Event::AgentAsked { question }, String::new())
        }
        AgentDecision::Reject { .. } => {
            return invalid("Write the reason for rejecting: the person receives it by email.")
        }
        AgentDecision::Ask { .. } => return invalid("Write the question for the person."),
    };
    // Any decision ends a proposal: it was approved, or the request went another way.
    queries::forget_proposal(&mut tx, requester_id).await?;
    apply(
        state,
        &mut tx,
        requester_id,
        event,
        Some(agent_id),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(agent_view::outcome(&decision, &person, &told, false))
}
