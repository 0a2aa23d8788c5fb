//! The demo accounts: one vendor agent and people of the demo companies, all with one password
//! (shown by the README and printed when the demo is loaded). Northwind already has a Delegated
//! Administrator, an Administrator and an ordinary User, so the "company already has DAs" branch
//! and each role's pages can be tried.

use app::{
    accounts::{
        passwords, rules::username_key, service::create_verified_account, AccountError, Role,
    },
    platform::Database,
};

use super::walkthrough::NORTHWIND;

pub const PASSWORD: &str = "copper kettle orbit lantern";

/// The demo agents' authenticator key (agents must use two-step sign-in): published like the
/// password, so add it to any authenticator app to sign in as them. A real deployment has no demo
/// accounts (the server warns while they exist).
pub const AGENT_TOTP_KEY: &str = "NETC AREA GENT DEMO KEYS ONLY TWOS TEPS";

/// (username, full name, email, is agent, what it is for)
pub const ACCOUNTS: &[(&str, &str, &str, bool, &str)] = &[
    (
        "agent",
        "Avery Agent",
        "avery.agent@netcare.example",
        true,
        "vendor agent: the agents' console",
    ),
    (
        "agent2",
        "Blair Agent",
        "blair.agent@netcare.example",
        true,
        "a second vendor agent: approves what another agent proposed",
    ),
    (
        "dana.admin",
        "Dana Admin",
        "dana.admin@northwind.example",
        false,
        "Northwind (NW-1001): its Delegated Administrator",
    ),
    (
        "ben.user",
        "Ben User",
        "ben.user@northwind.example",
        false,
        "Northwind (NW-1001): an ordinary User",
    ),
    (
        "olivia.ops",
        "Olivia Ops",
        "olivia.ops@northwind.example",
        false,
        "Northwind (NW-1001): an Administrator (sees Access and Collectors; only DAs decide)",
    ),
    (
        "uma.user",
        "Uma User",
        "uma.user@northwind.example",
        false,
        "Northwind (NW-1001): not registered; her request goes to Dana",
    ),
    (
        "carla.new",
        "Carla New",
        "carla.new@contoso.example",
        false,
        "Contoso (CT-2002): new to NetCare, three sites",
    ),
    (
        "alex.ward",
        "Alex Ward",
        "alex.ward@fabrikam.example",
        false,
        "Fabrikam (FB-3003): registration needs an assessment",
    ),
];

/// Who already belongs to a demo company: (username, company, role, organisation entry).
pub const MEMBERS: &[(&str, &str, Role, &str)] = &[
    ("dana.admin", NORTHWIND, Role::Da, NORTHWIND),
    ("ben.user", NORTHWIND, Role::User, NORTHWIND),
    ("olivia.ops", NORTHWIND, Role::Admin, NORTHWIND),
];

/// The demo accounts that exist, are enabled and still have the published password.
pub async fn with_published_password(db: &Database) -> Result<Vec<&'static str>, sqlx::Error> {
    let mut open = Vec::new();
    for (username, _, email, _, _) in ACCOUNTS {
        let mut conn = db.pool().acquire().await?;
        let found =
            app::accounts::queries::find_by_login(&mut conn, &username_key(username), email)
                .await?;
        drop(conn);
        let Some(account) = found.filter(|a| a.disabled_at.is_none()) else {
            continue;
        };
        if passwords::verify(PASSWORD.to_owned(), Some(account.password_hash)).await {
            open.push(*username);
        }
    }
    Ok(open)
}

/// Creates the demo accounts and memberships that do not exist yet; returns how many accounts
/// were created.
pub async fn create(db: &Database) -> Result<usize, AccountError> {
    let mut created = 0;
    for (username, name, email, is_agent, _) in ACCOUNTS {
        if let Some(account_id) =
            create_verified_account(db, username, name, email, PASSWORD, *is_agent).await?
        {
            created += 1;
            if *is_agent {
                app::accounts::second_factor::service::enrol_with_key(
                    db,
                    account_id,
                    AGENT_TOTP_KEY,
                )
                .await?;
            }
        }
    }
    add_members(db)
        .await
        .map_err(|err| AccountError::App(app::platform::internal(err)))?;
    Ok(created)
}

async fn add_members(db: &Database) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    for (username, company, role, entry) in MEMBERS {
        let account: Option<i64> =
            sqlx::query_scalar("SELECT id FROM accounts WHERE username_key = $1")
                .bind(*username)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(account_id) = account else { continue };
        if app::onboarding::queries::membership(&mut tx, account_id)
            .await?
            .is_none()
        {
            let now = app::platform::clock::timestamp_now();
            app::onboarding::queries::add_member(&mut tx, company, account_id, *role, entry, &now)
                .await?;
        }
    }
    tx.commit().await
}
