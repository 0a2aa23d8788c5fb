//! The onboarding and membership SQL. Membership rows are a company's: reads that list them take
//! the company id.

use sqlx::{AnyConnection, FromRow};

use super::{
    entitlement::ContractFacts,
    org_entries::{organisation_entries, SiteRow},
    wizard::{OrgEntry, Stage},
};
use crate::platform::{db::DbBool, Backend};

#[derive(Debug, Clone, FromRow)]
struct ContractRow {
    company_id: String,
    smart_entitled: DbBool,
    flagged_for_review: DbBool,
    start_date: String,
    end_date: String,
    associated: DbBool,
    serial_on_contract: DbBool,
}

/// The contract's facts as seen by the person with `email`, and its holder and review flag.
pub async fn contract_facts(
    conn: &mut AnyConnection,
    contract_number: &str,
    email: &str,
    serial_key: &str,
) -> Result<Option<(ContractFacts, String, bool)>, sqlx::Error> {
    let row: Option<ContractRow> = sqlx::query_as(
        "SELECT c.company_id, c.smart_entitled, c.flagged_for_review, c.start_date, c.end_date,
            EXISTS (SELECT 1 FROM account_contracts ac WHERE ac.contract_number = c.contract_number AND ac.email = $2) AS associated,
            EXISTS (SELECT 1 FROM contract_lines l WHERE l.contract_number = c.contract_number AND l.serial_key = $3) AS serial_on_contract
         FROM contracts c WHERE c.contract_number = $1",
    )
    .bind(contract_number)
    .bind(email)
    .bind(serial_key)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        let facts = ContractFacts {
            smart_entitled: r.smart_entitled.0,
            start_date: r.start_date,
            end_date: r.end_date,
            associated_with_account: r.associated.0,
            serial_on_contract: r.serial_on_contract.0,
        };
        (facts, r.company_id, r.flagged_for_review.0)
    }))
}

/// The company's name, assessment flag and known email domains.
pub async fn company_profile(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<(String, bool, Vec<String>), sqlx::Error> {
    let (name, requires): (String, DbBool) =
        sqlx::query_as("SELECT name, requires_assessment FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_one(&mut *conn)
            .await?;
    let domains: Vec<String> = sqlx::query_scalar(
        "SELECT domain FROM company_email_domains WHERE company_id = $1 ORDER BY domain",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    Ok((name, requires.0, domains))
}

/// A company's name, if the registry has it.
pub async fn company_name(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_optional(conn)
        .await
}

/// The name of an organisation entry: a company, or a site.
pub async fn entry_name(
    conn: &mut AnyConnection,
    entry_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT name FROM companies WHERE id = $1 UNION ALL SELECT name FROM sites WHERE id = $1",
    )
    .bind(entry_id)
    .fetch_optional(conn)
    .await
}

/// A company's sites by name.
pub async fn sites_of(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<SiteRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, address FROM sites WHERE company_id = $1 ORDER BY name, id")
        .bind(company_id)
        .fetch_all(conn)
        .await
}

/// How many people have access to a company and how many contracts it holds.
pub async fn company_counts(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<(u64, u64), sqlx::Error> {
    let (members, contracts): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM company_members WHERE company_id = $1),
                (SELECT COUNT(*) FROM contracts WHERE company_id = $1)",
    )
    .bind(company_id)
    .fetch_one(conn)
    .await?;
    Ok((members.max(0) as u64, contracts.max(0) as u64))
}

/// The whole company first, then its sites by name (see `org_entries`).
pub async fn org_entries(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<OrgEntry>, sqlx::Error> {
    let name = company_name(&mut *conn, company_id).await?.unwrap_or_default();
    let sites = sites_of(conn, company_id).await?;
    Ok(organisation_entries(company_id, &name, sites))
}

/// Serialises writers per company on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already does).
pub async fn lock_company(
    conn: &mut AnyConnection,
    backend: Backend,
    company_id: &str,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM companies WHERE id = $1 FOR UPDATE")
            .bind(company_id)
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// The company's DAs in order: (account id, full name, email).
pub async fn delegated_admins(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.full_name, a.email FROM company_members m JOIN accounts a ON a.id = m.account_id
         WHERE m.company_id = $1 AND m.role = 'da' AND a.disabled_at IS NULL ORDER BY m.da_position, a.id",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await
}

/// Adds a member; a DA goes after the company's current DAs.
pub async fn add_member(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
    role: crate::accounts::Role,
    org_entry: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    let position: Option<i64> = if role == crate::accounts::Role::Da {
        let max: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(da_position) FROM company_members WHERE company_id = $1 AND role = 'da'",
        )
        .bind(company_id)
        .fetch_one(&mut *conn)
        .await?;
        Some(max.unwrap_or(0) + 1)
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO company_members (account_id, company_id, role, da_position, org_entry, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(account_id)
    .bind(company_id)
    .bind(role.as_str())
    .bind(position)
    .bind(org_entry)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The company an account is a member of, with its role.
pub async fn membership(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT company_id, role FROM company_members WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

pub async fn load_stage(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<Stage>, sqlx::Error> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT stage FROM onboarding WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// Stores a stage, with the copies the queues select on.
pub async fn save_stage(
    conn: &mut AnyConnection,
    account_id: i64,
    stage: &Stage,
    reasons: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    let (name, queue, company) = match stage {
        Stage::Overview => ("Overview", None, None),
        Stage::VerifyAccount => ("VerifyAccount", None, None),
        Stage::ConfirmRequest { proof, .. } => {
            ("ConfirmRequest", None, Some(proof.company_id.clone()))
        }
        Stage::ChooseOrganisation { proof, .. } => {
            ("ChooseOrganisation", None, Some(proof.company_id.clone()))
        }
        Stage::RequestSubmitted { proof, .. } => {
            ("RequestSubmitted", None, Some(proof.company_id.clone()))
        }
        Stage::WaitingForAgent { queue, question } => (
            if question.is_some() {
                "WaitingForAnswer"
            } else {
                "WaitingForAgent"
            },
            Some(match queue {
                super::wizard::AgentQueue::ManualOnboarding => "manual",
                super::wizard::AgentQueue::Assessment => "assessment",
            }),
            None,
        ),
        Stage::VerifyEmail => ("VerifyEmail", None, None),
        Stage::EmailVerified => ("EmailVerified", None, None),
        Stage::Complete => ("Complete", None, None),
        Stage::Denied { .. } => ("Denied", None, None),
    };
    let json = serde_json::to_string(stage).expect("stages serialise");
    sqlx::query(
        "INSERT INTO onboarding (account_id, stage, stage_name, queue, company_id, reasons, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, COALESCE($6, ''), $7, $7)
         ON CONFLICT (account_id) DO UPDATE SET stage = excluded.stage, stage_name = excluded.stage_name,
           queue = COALESCE(excluded.queue, onboarding.queue),
           company_id = COALESCE(excluded.company_id, onboarding.company_id),
           reasons = CASE WHEN $6 IS NULL THEN onboarding.reasons ELSE excluded.reasons END,
           updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(json)
    .bind(name)
    .bind(queue)
    .bind(company)
    .bind(reasons)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_answer(
    conn: &mut AnyConnection,
    account_id: i64,
    answer: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE onboarding SET answer = $1 WHERE account_id = $2")
        .bind(answer)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn record_event(
    conn: &mut AnyConnection,
    account_id: i64,
    event: &str,
    actor_id: Option<i64>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO onboarding_events (account_id, event, actor_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(account_id)
        .bind(event)
        .bind(actor_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct WaitingRow {
    pub account_id: i64,
    pub full_name: String,
    pub email: String,
    pub stage: String,
    pub queue: Option<String>,
    pub reasons: String,
    pub answer: Option<String>,
    pub updated_at: String,
}

/// Requests waiting for a DA of `company_id`, oldest first.
pub async fn waiting_for_da(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<WaitingRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.account_id, a.full_name, a.email, o.stage, o.queue, o.reasons, o.answer, o.updated_at
         FROM onboarding o JOIN accounts a ON a.id = o.account_id
         WHERE o.stage_name = 'RequestSubmitted' AND o.company_id = $1 ORDER BY o.updated_at, o.account_id",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await
}

/// Requests waiting for an agent (or for the person's answer to one), oldest first.
pub async fn waiting_for_agents(conn: &mut AnyConnection) -> Result<Vec<WaitingRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.account_id, a.full_name, a.email, o.stage, o.queue, o.reasons, o.answer, o.updated_at
         FROM onboarding o JOIN accounts a ON a.id = o.account_id
         WHERE o.stage_name IN ('WaitingForAgent', 'WaitingForAnswer') ORDER BY o.created_at, o.account_id",
    )
    .fetch_all(conn)
    .await
}

/// The company an organisation entry (a company's id, or one of its sites' ids) belongs to.
pub async fn company_of_entry(
    conn: &mut AnyConnection,
    entry_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let company: Option<String> = sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
        .bind(entry_id)
        .fetch_optional(&mut *conn)
        .await?;
    if company.is_some() {
        return Ok(company);
    }
    sqlx::query_scalar("SELECT company_id FROM sites WHERE id = $1")
        .bind(entry_id)
        .fetch_optional(conn)
        .await
}

/// The company a request proved its entitlement for (kept with the request since step 2).
pub async fn proven_company(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT company_id, reasons FROM onboarding WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(company, reasons)| {
        company.or_else(|| {
            serde_json::from_str::<serde_json::Value>(&reasons)
                .ok()?
                .get("company_id")?
                .as_str()
                .map(str::to_owned)
        })
    }))
}

/// Why the request needs an agent's assessment, as stored with it when it was sent.
pub async fn request_reasons(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let details: Option<Option<String>> =
        sqlx::query_scalar("SELECT reasons FROM onboarding WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
    Ok(details
        .flatten()
        .and_then(|details| serde_json::from_str::<serde_json::Value>(&details).ok())
        .and_then(|details| {
            let reasons = details.get("reasons")?.as_array()?;
            Some(
                reasons
                    .iter()
                    .filter_map(|reason| reason.as_str().map(str::to_owned))
                    .collect(),
            )
        })
        .unwrap_or_default())
}

/// An agent's approval waiting for a second agent: the entry, its company, who proposed it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Proposal {
    pub entry_id: String,
    pub company_id: String,
    pub agent_id: i64,
    pub agent_name: String,
}

/// Every proposal waiting for a second agent, by the request's account.
pub async fn proposals(conn: &mut AnyConnection) -> Result<Vec<(i64, Proposal)>, sqlx::Error> {
    let rows: Vec<ProposalRow> = sqlx::query_as(
        "SELECT p.account_id, p.entry_id, p.company_id, p.agent_id, a.full_name AS agent_name
         FROM agent_proposals p JOIN accounts a ON a.id = p.agent_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let proposal = Proposal {
                entry_id: row.entry_id,
                company_id: row.company_id,
                agent_id: row.agent_id,
                agent_name: row.agent_name,
            };
            (row.account_id, proposal)
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    account_id: i64,
    entry_id: String,
    company_id: String,
    agent_id: i64,
    agent_name: String,
}

pub async fn proposal(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<Proposal>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.entry_id, p.company_id, p.agent_id, a.full_name AS agent_name
         FROM agent_proposals p JOIN accounts a ON a.id = p.agent_id WHERE p.account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await
}

/// Records (or replaces) the proposal for a request.
pub async fn propose(
    conn: &mut AnyConnection,
    account_id: i64,
    entry_id: &str,
    company_id: &str,
    agent_id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO agent_proposals (account_id, entry_id, company_id, agent_id, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id) DO UPDATE SET entry_id = excluded.entry_id,
           company_id = excluded.company_id, agent_id = excluded.agent_id, created_at = excluded.created_at",
    )
    .bind(account_id)
    .bind(entry_id)
    .bind(company_id)
    .bind(agent_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn forget_proposal(conn: &mut AnyConnection, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM agent_proposals WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}
