//! Access administration's SQL; every function takes the company id.

use sqlx::AnyConnection;

use super::{
    rules::{Member, Role},
    MemberInfo, RoleEvent, SupportGrant,
};

#[derive(sqlx::FromRow)]
struct MemberRow {
    account_id: i64,
    full_name: String,
    username: String,
    email: String,
    role: String,
    da_position: Option<i64>,
    last_login_at: Option<String>,
    member_since: String,
}

/// A contract the company holds, as the account dashlet lists it.
#[derive(sqlx::FromRow)]
pub struct HeldContractRow {
    pub contract_number: String,
    pub service_level: String,
    pub start_date: String,
    pub end_date: String,
    pub smart_entitled: crate::platform::db::DbBool,
}

/// The company's members with a complete registration (people still in the wizard are requests,
/// not members), DAs first in their order, then by name.
pub async fn members(
    conn: &mut AnyConnection,
    company_id: &str,
    you: i64,
) -> Result<Vec<MemberInfo>, sqlx::Error> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT a.id AS account_id, a.full_name, a.username, a.email, m.role, m.da_position,
                a.last_login_at, m.created_at AS member_since
         FROM company_members m JOIN accounts a ON a.id = m.account_id
         LEFT JOIN onboarding o ON o.account_id = m.account_id
         WHERE m.company_id = $1 AND (o.stage_name IS NULL OR o.stage_name = 'Complete')
         ORDER BY CASE m.role WHEN 'da' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END,
                  m.da_position, a.full_name, a.id",
    )
    .bind(company_id)
    .fetch_all(&mut *conn)
    .await?;
    let tokens = live_tokens_by_creator(&mut *conn, company_id).await?;
    let tokens_of = |account_id: i64| -> Vec<String> {
        tokens
            .iter()
            .filter(|(creator, _)| *creator == account_id)
            .map(|(_, name)| name.clone())
            .collect()
    };
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(MemberInfo {
                collector_tokens: tokens_of(row.account_id),
                role: Role::parse(&row.role)?,
                is_you: row.account_id == you,
                account_id: row.account_id,
                full_name: row.full_name,
                username: row.username,
                email: row.email,
                da_position: row.da_position,
                last_login_at: row.last_login_at,
                member_since: row.member_since,
            })
        })
        .collect())
}

/// The members as the rules see them.
pub fn rule_members(members: &[MemberInfo]) -> Vec<Member> {
    members
        .iter()
        .map(|m| Member {
            account_id: m.account_id,
            role: m.role,
            da_position: m.da_position,
        })
        .collect()
}

/// Gives a member a role (and no place among the DAs: `set_da_order` places DAs).
pub async fn set_role(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
    role: Role,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE company_members SET role = $1, da_position = NULL, updated_at = $2
         WHERE company_id = $3 AND account_id = $4",
    )
    .bind(role.as_str())
    .bind(now)
    .bind(company_id)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Numbers the company's DAs 1, 2, … in `order`.
pub async fn set_da_order(
    conn: &mut AnyConnection,
    company_id: &str,
    order: &[i64],
) -> Result<(), sqlx::Error> {
    for (index, account_id) in order.iter().enumerate() {
        sqlx::query(
            "UPDATE company_members SET da_position = $1
             WHERE company_id = $2 AND account_id = $3 AND role = 'da'",
        )
        .bind(index as i64 + 1)
        .bind(company_id)
        .bind(*account_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Ends a membership, with the person's wizard: signing in again starts a new request.
pub async fn remove_member(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
) -> Result<(), sqlx::Error> {
    let removed =
        sqlx::query("DELETE FROM company_members WHERE company_id = $1 AND account_id = $2")
            .bind(company_id)
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
    if removed.rows_affected() > 0 {
        sqlx::query("DELETE FROM onboarding WHERE account_id = $1")
            .bind(account_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The latest `limit` changes of access, latest first.
pub async fn history(
    conn: &mut AnyConnection,
    company_id: &str,
    limit: i64,
) -> Result<Vec<RoleEvent>, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT person, actor, change, created_at FROM role_events
         WHERE company_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(company_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(person, actor, change, at)| RoleEvent {
            person,
            actor,
            change,
            at,
        })
        .collect())
}

/// The company's grant of support access live at `now`, if any.
pub async fn live_grant(
    conn: &mut AnyConnection,
    company_id: &str,
    now: &str,
) -> Result<Option<SupportGrant>, sqlx::Error> {
    let row: Option<(Option<String>, String, String)> = sqlx::query_as(
        "SELECT a.full_name, g.granted_at, g.expires_at FROM support_grants g
         LEFT JOIN accounts a ON a.id = g.granted_by
         WHERE g.company_id = $1 AND g.ended_at IS NULL AND g.expires_at > $2
         ORDER BY g.expires_at DESC LIMIT 1",
    )
    .bind(company_id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(
        row.map(|(granted_by, granted_at, expires_at)| SupportGrant {
            granted_by: granted_by.unwrap_or_default(),
            granted_at,
            expires_at,
        }),
    )
}

/// Ends the company's live grants.
pub async fn end_grants(
    conn: &mut AnyConnection,
    company_id: &str,
    by: i64,
    now: &str,
) -> Result<u64, sqlx::Error> {
    let ended = sqlx::query(
        "UPDATE support_grants SET ended_at = $1, ended_by = $2
         WHERE company_id = $3 AND ended_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(by)
    .bind(company_id)
    .execute(conn)
    .await?;
    Ok(ended.rows_affected())
}

pub async fn insert_grant(
    conn: &mut AnyConnection,
    company_id: &str,
    by: i64,
    now: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO support_grants (company_id, granted_by, granted_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(company_id)
    .bind(by)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every company with a live grant: (id, name, expires at). For agents; no company data.
pub async fn companies_granting(
    conn: &mut AnyConnection,
    now: &str,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, MAX(g.expires_at) FROM support_grants g
         JOIN companies c ON c.id = g.company_id
         WHERE g.ended_at IS NULL AND g.expires_at > $1
         GROUP BY c.id, c.name ORDER BY c.name",
    )
    .bind(now)
    .fetch_all(conn)
    .await
}

/// Points a session at the company it reads under support access (or at none).
pub async fn set_session_support(
    conn: &mut AnyConnection,
    token_hash: &str,
    company_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET support_company_id = $1 WHERE token_hash = $2")
        .bind(company_id)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// The name of the organisation entry a member registered under (a site of the company), or
/// `None` for the whole company.
pub async fn org_entry_name(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT s.name FROM company_members m JOIN sites s ON s.id = m.org_entry AND s.company_id = m.company_id
         WHERE m.company_id = $1 AND m.account_id = $2",
    )
    .bind(company_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await
}

/// The contracts the company holds, latest ending first.
pub async fn held_contracts(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<HeldContractRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT contract_number, service_level, start_date, end_date, smart_entitled FROM contracts
         WHERE company_id = $1 ORDER BY end_date DESC, contract_number",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await
}

/// The company's live collector tokens by who created them: (creator, token name).
pub async fn live_tokens_by_creator(
    conn: &mut AnyConnection,
    company_id: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT created_by, name FROM collector_tokens
         WHERE company_id = $1 AND revoked_at IS NULL AND created_by IS NOT NULL ORDER BY name",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await
}

