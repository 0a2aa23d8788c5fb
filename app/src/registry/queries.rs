//! The registry's SQL. Registry rows are the vendor's, not a company's, so these take no company id.

use sqlx::{AnyPool, FromRow};

use super::RegistryStats;

#[derive(FromRow)]
struct RegistryStatsRow {
    companies: i64,
    sites: i64,
    contracts: i64,
    contract_lines: i64,
    associated_accounts: i64,
}

pub async fn registry_stats(pool: &AnyPool) -> Result<RegistryStats, sqlx::Error> {
    let row: RegistryStatsRow = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM companies) AS companies,
            (SELECT COUNT(*) FROM sites) AS sites,
            (SELECT COUNT(*) FROM contracts) AS contracts,
            (SELECT COUNT(*) FROM contract_lines) AS contract_lines,
            (SELECT COUNT(DISTINCT email) FROM account_contracts) AS associated_accounts",
    )
    .fetch_one(pool)
    .await?;
    Ok(RegistryStats {
        companies: row.companies,
        sites: row.sites,
        contracts: row.contracts,
        contract_lines: row.contract_lines,
        associated_accounts: row.associated_accounts,
    })
}
