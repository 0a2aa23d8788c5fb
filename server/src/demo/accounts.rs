//! The demo accounts: one vendor agent and people of the demo companies. All share one password,
//! shown by the README and printed when the demo is loaded.

use app::{accounts::service::create_verified_account, accounts::AccountError, server::Database};

pub const PASSWORD: &str = "copper kettle orbit lantern";

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
        "dana.admin",
        "Dana Admin",
        "dana.admin@northwind.example",
        false,
        "Northwind Networks (NW-1001)",
    ),
    (
        "uma.user",
        "Uma User",
        "uma.user@northwind.example",
        false,
        "Northwind Networks (NW-1001)",
    ),
    (
        "carla.new",
        "Carla New",
        "carla.new@contoso.example",
        false,
        "Contoso Logistics (CT-2002), new to NetCare",
    ),
    (
        "alex.ward",
        "Alex Ward",
        "alex.ward@fabrikam.example",
        false,
        "Fabrikam Health (FB-3003), needs an assessment",
    ),
];

/// Creates the demo accounts that do not exist yet; returns how many were created.
pub async fn create(db: &Database) -> Result<usize, AccountError> {
    let mut created = 0;
    for (username, name, email, is_agent, _) in ACCOUNTS {
        if create_verified_account(db, username, name, email, PASSWORD, *is_agent)
            .await?
            .is_some()
        {
            created += 1;
        }
    }
    Ok(created)
}
