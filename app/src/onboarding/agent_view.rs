//! What the agents' console shows of each waiting registration: what the person entered, in
//! words; the company their contract and serial proved, with its entries, DAs, people and
//! contracts; and, after a decision, what happened and what comes next.

use super::{
    org_entries::organisation_entries, queries, service::Tx, wizard::Stage, AgentDecision,
    OnboardingError, ProvenCompany, QueueItem,
};
use crate::{accounts::caller::Caller, platform::AppState};

pub async fn agent_queue(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<QueueItem>, OnboardingError> {
    caller.agent()?;
    let mut tx = state.db.begin_write().await?;
    let rows = queries::waiting_for_agents(&mut tx).await?;
    let mut proposals: std::collections::HashMap<i64, queries::Proposal> =
        queries::proposals(&mut tx).await?.into_iter().collect();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let Ok(stage) = serde_json::from_str::<Stage>(&row.stage) else {
            continue;
        };
        let question = match &stage {
            Stage::WaitingForAgent { question, .. } => question.clone(),
            _ => None,
        };
        let proposal = proposals.remove(&row.account_id).map(|p| {
            format!(
                "{} proposed approving {} ({}). The request did not prove this company, so another agent must approve the same entry.",
                p.agent_name, p.entry_id, p.company_id
            )
        });
        let company = match queries::proven_company(&mut tx, row.account_id).await? {
            Some(company_id) => proven_company(&mut tx, &company_id).await?,
            None => None,
        };
        items.push(QueueItem {
            proposal,
            account_id: row.account_id,
            full_name: row.full_name,
            email: row.email,
            assessment: row.queue.as_deref() == Some("assessment"),
            details: details(&row.reasons),
            question,
            answer: row.answer,
            since: row.updated_at,
            company,
        });
    }
    tx.commit().await?;
    Ok(items)
}

/// The proven company as an agent needs it to decide (`None` if the registry no longer has it).
async fn proven_company(
    tx: &mut Tx,
    company_id: &str,
) -> Result<Option<ProvenCompany>, OnboardingError> {
    let Some(name) = queries::company_name(tx, company_id).await? else {
        return Ok(None);
    };
    let sites = queries::sites_of(tx, company_id).await?;
    let delegated_admins = queries::delegated_admins(tx, company_id)
        .await?
        .into_iter()
        .map(|(_, name, email)| format!("{name} <{email}>"))
        .collect();
    let (members, contracts) = queries::company_counts(tx, company_id).await?;
    Ok(Some(ProvenCompany {
        entries: organisation_entries(company_id, &name, sites),
        id: company_id.to_owned(),
        name,
        delegated_admins,
        members,
        contracts,
    }))
}

/// The details stored with a request (JSON), as (label, value) pairs for the agents' console.
fn details(json: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return Vec::new();
    };
    // What the person entered first, then what it proved, then why an agent looks.
    let rank = |key: &str| {
        ["contract_number", "serial_number", "company_id", "reasons"]
            .iter()
            .position(|known| *known == key)
            .unwrap_or(usize::MAX)
    };
    let mut pairs: Vec<(String, serde_json::Value)> = map.into_iter().collect();
    pairs.sort_by_key(|(key, _)| rank(key));
    pairs
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            (label(&key), text)
        })
        .filter(|(_, text)| !text.is_empty())
        .collect()
}

/// A stored detail's name as the console shows it.
fn label(key: &str) -> String {
    match key {
        "contract_number" => "Contract number".to_owned(),
        "serial_number" => "Serial number".to_owned(),
        "company_id" => "Company the contract proved".to_owned(),
        "reasons" => "Why an agent must look".to_owned(),
        other => {
            let spaced = other.replace('_', " ");
            let mut chars = spaced.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// What an agent's decision did and what comes next, said back to them.
/// `entry` names the organisation entry of an approval.
pub fn outcome(decision: &AgentDecision, person: &str, entry: &str, proposed: bool) -> String {
    match decision {
        AgentDecision::Approve { .. } if proposed => format!(
            "You proposed approving {person} for {entry}. Their request did not prove that company, so a second agent must approve the same entry; it stays in the queue until then."
        ),
        AgentDecision::Approve { .. } => format!(
            "Approved: {person} becomes a Delegated Administrator of {entry}. They were emailed and can use NetCare at once."
        ),
        AgentDecision::Reject { .. } => {
            format!("Rejected: {person} was emailed your reason. The request left the queue.")
        }
        AgentDecision::Ask { .. } => format!(
            "Question sent: {person} was emailed it. The request stays in the queue with their answer once they reply."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_details_read_as_words() {
        let shown = details(
            r#"{"contract_number":"92000001","company_id":"CT-2002","reasons":["a","b"],"odd_key":"x","empty":""}"#,
        );
        let labels: Vec<&str> = shown.iter().map(|(k, _)| k.as_str()).collect();
        assert!(labels.contains(&"Contract number"));
        assert!(labels.contains(&"Company the contract proved"));
        assert!(labels.contains(&"Odd key"));
        assert!(shown.contains(&("Why an agent must look".to_owned(), "a; b".to_owned())));
        assert!(!labels.contains(&"Empty"));
    }
}
