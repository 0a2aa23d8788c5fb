//! The registry's SQL. Registry rows are the vendor's, not a company's, so these take no company
//! id. Writes are multi-row statements over chunks of checked records, inside the caller's
//! transaction.

use std::{
    collections::{HashMap, HashSet},
    future::Future,
};

use sqlx::{any::AnyArguments, query::Query, Any, AnyConnection, AnyPool, FromRow};

use crate::platform::{
    sql::{multi_row_insert, push_placeholders},
    Backend,
};

use super::{
    import::{
        AdvisoryRecord, AdvisoryReleaseRecord, AssociationRecord, CompanyRecord, ContractRecord,
        EoxBulletinRecord, EoxProductRecord, FieldNoticeProductRecord, FieldNoticeRecord,
        LineRecord, SiteRecord, SoftwareEoxRecord,
    },
    RegistryStats,
};

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

/// Records a registry change and returns its id; the summary is filled in when it is known.
pub async fn insert_change(
    conn: &mut AnyConnection,
    source: &str,
    actor: &str,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO registry_changes (source, actor, summary, created_at) VALUES ($1, $2, '', $3) RETURNING id",
    )
    .bind(source)
    .bind(actor)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn set_change_summary(
    conn: &mut AnyConnection,
    change_id: i64,
    summary: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE registry_changes SET summary = $1 WHERE id = $2")
        .bind(summary)
        .bind(change_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn company_ids(conn: &mut AnyConnection) -> Result<HashSet<String>, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM companies")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Every site with the company it belongs to.
pub async fn site_companies(
    conn: &mut AnyConnection,
) -> Result<HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, company_id FROM sites")
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

pub async fn contract_numbers(conn: &mut AnyConnection) -> Result<HashSet<String>, sqlx::Error> {
    let numbers: Vec<String> = sqlx::query_scalar("SELECT contract_number FROM contracts")
        .fetch_all(conn)
        .await?;
    Ok(numbers.into_iter().collect())
}

pub async fn bulletin_numbers(conn: &mut AnyConnection) -> Result<HashSet<String>, sqlx::Error> {
    let numbers: Vec<String> = sqlx::query_scalar("SELECT bulletin_number FROM eox_bulletins")
        .fetch_all(conn)
        .await?;
    Ok(numbers.into_iter().collect())
}

pub async fn advisory_ids(conn: &mut AnyConnection) -> Result<HashSet<String>, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT advisory_id FROM security_advisories")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().collect())
}

pub async fn notice_ids(conn: &mut AnyConnection) -> Result<HashSet<String>, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT notice_id FROM field_notices")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Refreshes the planner's statistics of registry tables (PostgreSQL; names come from
/// `RegistryFile::table`, never from input).
pub async fn analyze_tables(conn: &mut AnyConnection, tables: &[&str]) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("ANALYZE {}", tables.join(", ")))
        .execute(conn)
        .await?;
    Ok(())
}

/// What every write of one registry change shares.
pub struct WriteContext {
    pub backend: Backend,
    pub change_id: i64,
    pub now: String,
}

/// How one kind of checked record is stored: its table and columns, what a conflict updates (only
/// when something differs, so an unchanged re-import writes and counts nothing), and its values in
/// column order.
pub trait RegistryRow: Sized + Send + Sync + 'static {
    /// `table (column, …)`.
    const INTO: &'static str;
    const COLUMNS: usize;
    /// `ON CONFLICT … DO UPDATE SET … WHERE <a column differs>`.
    const ON_CONFLICT: &'static str;
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q>;
}

/// A checked record that can be written to the registry, a chunk at a time. Returns how many rows
/// were added or changed (rows already as given are left untouched and not counted).
pub trait Upsert: RegistryRow {
    fn upsert(
        conn: &mut AnyConnection,
        chunk: &[Self],
        context: &WriteContext,
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send {
        upsert_rows(conn, chunk, context)
    }
}

/// One multi-row `INSERT … ON CONFLICT` for a chunk of records.
async fn upsert_rows<R: RegistryRow>(
    conn: &mut AnyConnection,
    chunk: &[R],
    context: &WriteContext,
) -> Result<u64, sqlx::Error> {
    let sql = multi_row_insert(
        context.backend,
        R::INTO,
        R::COLUMNS,
        chunk.len(),
        R::ON_CONFLICT,
    );
    let mut query: AnyQuery<'_> = sqlx::query(&sql);
    for row in chunk {
        query = row.bind(query, context);
    }
    Ok(query.execute(conn).await?.rows_affected())
}

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

impl RegistryRow for CompanyRecord {
    const INTO: &'static str = "companies (id, name, requires_assessment, created_at, updated_at)";
    const COLUMNS: usize = 5;
    const ON_CONFLICT: &'static str = "ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
         requires_assessment = excluded.requires_assessment, updated_at = excluded.updated_at \
         WHERE companies.name <> excluded.name OR companies.requires_assessment <> excluded.requires_assessment";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.id)
            .bind(&self.name)
            .bind(self.requires_assessment)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for CompanyRecord {
    async fn upsert(
        conn: &mut AnyConnection,
        chunk: &[Self],
        context: &WriteContext,
    ) -> Result<u64, sqlx::Error> {
        let changed = upsert_rows(&mut *conn, chunk, context).await?;
        replace_email_domains(conn, chunk, context).await?;
        Ok(changed)
    }
}

/// A company's known email domains are exactly the ones its latest row lists.
async fn replace_email_domains(
    conn: &mut AnyConnection,
    companies: &[CompanyRecord],
    context: &WriteContext,
) -> Result<(), sqlx::Error> {
    let mut sql = String::from("DELETE FROM company_email_domains WHERE company_id IN (");
    push_placeholders(&mut sql, context.backend, 1, companies.len());
    sql.push(')');
    let mut delete: AnyQuery<'_> = sqlx::query(&sql);
    for company in companies {
        delete = delete.bind(&company.id);
    }
    delete.execute(&mut *conn).await?;

    let pairs: Vec<(&str, &str)> = companies
        .iter()
        .flat_map(|c| {
            c.email_domains
                .iter()
                .map(move |d| (c.id.as_str(), d.as_str()))
        })
        .collect();
    for batch in pairs.chunks(1000) {
        let sql = multi_row_insert(
            context.backend,
            "company_email_domains (company_id, domain, created_at)",
            3,
            batch.len(),
            "",
        );
        let mut insert: AnyQuery<'_> = sqlx::query(&sql);
        for (company_id, domain) in batch {
            insert = insert.bind(*company_id).bind(*domain).bind(&context.now);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

impl RegistryRow for SiteRecord {
    const INTO: &'static str = "sites (id, company_id, name, address, created_at, updated_at)";
    const COLUMNS: usize = 6;
    const ON_CONFLICT: &'static str =
        "ON CONFLICT (id) DO UPDATE SET company_id = excluded.company_id, \
         name = excluded.name, address = excluded.address, updated_at = excluded.updated_at \
         WHERE sites.company_id <> excluded.company_id OR sites.name <> excluded.name \
         OR sites.address <> excluded.address";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.id)
            .bind(&self.company_id)
            .bind(&self.name)
            .bind(&self.address)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for SiteRecord {}

impl RegistryRow for ContractRecord {
    const INTO: &'static str = "contracts (contract_number, company_id, site_id, service_level, \
         smart_entitled, start_date, end_date, flagged_for_review, change_id, created_at, updated_at)";
    const COLUMNS: usize = 11;
    const ON_CONFLICT: &'static str = "ON CONFLICT (contract_number) DO UPDATE SET \
         company_id = excluded.company_id, site_id = excluded.site_id, \
         service_level = excluded.service_level, smart_entitled = excluded.smart_entitled, \
         start_date = excluded.start_date, end_date = excluded.end_date, \
         flagged_for_review = excluded.flagged_for_review, change_id = excluded.change_id, \
         updated_at = excluded.updated_at \
         WHERE contracts.company_id <> excluded.company_id \
         OR contracts.site_id IS DISTINCT FROM excluded.site_id \
         OR contracts.service_level <> excluded.service_level \
         OR contracts.smart_entitled <> excluded.smart_entitled \
         OR contracts.start_date <> excluded.start_date OR contracts.end_date <> excluded.end_date \
         OR contracts.flagged_for_review <> excluded.flagged_for_review";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.contract_number)
            .bind(&self.company_id)
            .bind(&self.site_id)
            .bind(&self.service_level)
            .bind(self.smart_entitled)
            .bind(&self.start_date)
            .bind(&self.end_date)
            .bind(self.flagged_for_review)
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for ContractRecord {}

impl RegistryRow for LineRecord {
    const INTO: &'static str = "contract_lines (contract_number, serial_number, product_id, \
         mac_address, serial_key, pid_key, mac_key, start_date, end_date, change_id, created_at, \
         updated_at)";
    const COLUMNS: usize = 12;
    const ON_CONFLICT: &'static str = "ON CONFLICT (contract_number, serial_key, pid_key, mac_key) \
         DO UPDATE SET serial_number = excluded.serial_number, product_id = excluded.product_id, \
         mac_address = excluded.mac_address, start_date = excluded.start_date, \
         end_date = excluded.end_date, change_id = excluded.change_id, updated_at = excluded.updated_at \
         WHERE contract_lines.start_date <> excluded.start_date \
         OR contract_lines.end_date <> excluded.end_date \
         OR contract_lines.serial_number <> excluded.serial_number \
         OR contract_lines.product_id <> excluded.product_id \
         OR contract_lines.mac_address IS DISTINCT FROM excluded.mac_address";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.contract_number)
            .bind(&self.serial_number)
            .bind(&self.product_id)
            .bind(&self.mac_address)
            .bind(&self.serial_key)
            .bind(&self.pid_key)
            .bind(&self.mac_key)
            .bind(&self.start_date)
            .bind(&self.end_date)
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for LineRecord {}

impl RegistryRow for AssociationRecord {
    const INTO: &'static str = "account_contracts (contract_number, email, created_at)";
    const COLUMNS: usize = 3;
    const ON_CONFLICT: &'static str = "ON CONFLICT (contract_number, email) DO NOTHING";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.contract_number)
            .bind(&self.email)
            .bind(&context.now)
    }
}

impl Upsert for AssociationRecord {}

/// The nine milestones of an end-of-life bulletin (hardware or software), written by an upsert,
/// with the change and its time…
macro_rules! milestones_upsert {
    () => {
        "announcement_date = excluded.announcement_date, end_of_sale = excluded.end_of_sale, \
         last_ship = excluded.last_ship, \
         end_of_software_maintenance = excluded.end_of_software_maintenance, \
         end_of_security_support = excluded.end_of_security_support, \
         end_of_routine_failure_analysis = excluded.end_of_routine_failure_analysis, \
         end_of_new_service_attachment = excluded.end_of_new_service_attachment, \
         end_of_service_contract_renewal = excluded.end_of_service_contract_renewal, \
         last_date_of_support = excluded.last_date_of_support, change_id = excluded.change_id, \
         updated_at = excluded.updated_at"
    };
}

/// …when one of them changed (`OR`-ed after the row's other comparisons).
macro_rules! milestones_changed {
    ($table:ident) => {
        concat!(
            " OR ",
            stringify!($table),
            ".announcement_date <> excluded.announcement_date",
            " OR ",
            stringify!($table),
            ".end_of_sale <> excluded.end_of_sale",
            " OR ",
            stringify!($table),
            ".last_ship <> excluded.last_ship",
            " OR ",
            stringify!($table),
            ".end_of_software_maintenance <> excluded.end_of_software_maintenance",
            " OR ",
            stringify!($table),
            ".end_of_security_support <> excluded.end_of_security_support",
            " OR ",
            stringify!($table),
            ".end_of_routine_failure_analysis <> excluded.end_of_routine_failure_analysis",
            " OR ",
            stringify!($table),
            ".end_of_new_service_attachment <> excluded.end_of_new_service_attachment",
            " OR ",
            stringify!($table),
            ".end_of_service_contract_renewal <> excluded.end_of_service_contract_renewal",
            " OR ",
            stringify!($table),
            ".last_date_of_support <> excluded.last_date_of_support"
        )
    };
}

impl RegistryRow for EoxBulletinRecord {
    const INTO: &'static str = "eox_bulletins (bulletin_number, title, url, announcement_date, \
         end_of_sale, last_ship, end_of_software_maintenance, end_of_security_support, \
         end_of_routine_failure_analysis, end_of_new_service_attachment, \
         end_of_service_contract_renewal, last_date_of_support, change_id, created_at, updated_at)";
    const COLUMNS: usize = 15;
    const ON_CONFLICT: &'static str = concat!(
        "ON CONFLICT (bulletin_number) DO UPDATE SET title = excluded.title, url = excluded.url, ",
        milestones_upsert!(),
        " WHERE eox_bulletins.title <> excluded.title OR eox_bulletins.url <> excluded.url",
        milestones_changed!(eox_bulletins)
    );
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        let mut query = query
            .bind(&self.bulletin_number)
            .bind(&self.title)
            .bind(&self.url);
        for (_, date) in self.milestones.all() {
            query = query.bind(date);
        }
        query
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for EoxBulletinRecord {}

impl RegistryRow for EoxProductRecord {
    const INTO: &'static str = "eox_products (pid_key, product_id, bulletin_number, \
         replacement_pid, migration_note, change_id, created_at, updated_at)";
    const COLUMNS: usize = 8;
    const ON_CONFLICT: &'static str = "ON CONFLICT (pid_key) DO UPDATE SET \
         product_id = excluded.product_id, bulletin_number = excluded.bulletin_number, \
         replacement_pid = excluded.replacement_pid, migration_note = excluded.migration_note, \
         change_id = excluded.change_id, updated_at = excluded.updated_at \
         WHERE eox_products.product_id <> excluded.product_id \
         OR eox_products.bulletin_number <> excluded.bulletin_number \
         OR eox_products.replacement_pid <> excluded.replacement_pid \
         OR eox_products.migration_note <> excluded.migration_note";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.pid_key)
            .bind(&self.product_id)
            .bind(&self.bulletin_number)
            .bind(&self.replacement_pid)
            .bind(&self.migration_note)
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for EoxProductRecord {}

impl RegistryRow for SoftwareEoxRecord {
    const INTO: &'static str = "software_eox (software_type, release_train, bulletin_number, \
         title, url, announcement_date, end_of_sale, last_ship, end_of_software_maintenance, \
         end_of_security_support, end_of_routine_failure_analysis, end_of_new_service_attachment, \
         end_of_service_contract_renewal, last_date_of_support, change_id, created_at, updated_at)";
    const COLUMNS: usize = 17;
    const ON_CONFLICT: &'static str = concat!(
        "ON CONFLICT (software_type, release_train) DO UPDATE SET \
         bulletin_number = excluded.bulletin_number, title = excluded.title, url = excluded.url, ",
        milestones_upsert!(),
        " WHERE software_eox.bulletin_number <> excluded.bulletin_number \
         OR software_eox.title <> excluded.title OR software_eox.url <> excluded.url",
        milestones_changed!(software_eox)
    );
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        let mut query = query
            .bind(&self.software_type)
            .bind(&self.release_train)
            .bind(&self.bulletin_number)
            .bind(&self.title)
            .bind(&self.url);
        for (_, date) in self.milestones.all() {
            query = query.bind(date);
        }
        query
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for SoftwareEoxRecord {}

impl RegistryRow for AdvisoryRecord {
    const INTO: &'static str = "security_advisories (advisory_id, title, url, severity, \
         severity_rank, cvss_base_score, cve_ids, first_published, last_updated, \
         configuration_dependent, change_id, created_at, updated_at)";
    const COLUMNS: usize = 13;
    const ON_CONFLICT: &'static str = "ON CONFLICT (advisory_id) DO UPDATE SET \
         title = excluded.title, url = excluded.url, severity = excluded.severity, \
         severity_rank = excluded.severity_rank, cvss_base_score = excluded.cvss_base_score, \
         cve_ids = excluded.cve_ids, first_published = excluded.first_published, \
         last_updated = excluded.last_updated, \
         configuration_dependent = excluded.configuration_dependent, \
         change_id = excluded.change_id, updated_at = excluded.updated_at \
         WHERE security_advisories.title <> excluded.title \
         OR security_advisories.url <> excluded.url \
         OR security_advisories.severity <> excluded.severity \
         OR security_advisories.cvss_base_score <> excluded.cvss_base_score \
         OR security_advisories.cve_ids <> excluded.cve_ids \
         OR security_advisories.first_published <> excluded.first_published \
         OR security_advisories.last_updated <> excluded.last_updated \
         OR security_advisories.configuration_dependent <> excluded.configuration_dependent";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.advisory_id)
            .bind(&self.title)
            .bind(&self.url)
            .bind(self.severity.as_str())
            .bind(self.severity.rank())
            .bind(&self.cvss_base_score)
            .bind(&self.cve_ids)
            .bind(&self.first_published)
            .bind(&self.last_updated)
            .bind(self.configuration_dependent)
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for AdvisoryRecord {}

impl RegistryRow for AdvisoryReleaseRecord {
    const INTO: &'static str = "advisory_releases (advisory_id, software_type, release_key, \
         affected_release, first_fixed, change_id, created_at, updated_at)";
    const COLUMNS: usize = 8;
    const ON_CONFLICT: &'static str = "ON CONFLICT (advisory_id, software_type, release_key) \
         DO UPDATE SET affected_release = excluded.affected_release, \
         first_fixed = excluded.first_fixed, change_id = excluded.change_id, \
         updated_at = excluded.updated_at \
         WHERE advisory_releases.affected_release <> excluded.affected_release \
         OR advisory_releases.first_fixed <> excluded.first_fixed";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.advisory_id)
            .bind(&self.software_type)
            .bind(&self.release_key)
            .bind(&self.affected_release)
            .bind(&self.first_fixed)
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for AdvisoryReleaseRecord {}

impl RegistryRow for FieldNoticeRecord {
    const INTO: &'static str = "field_notices (notice_id, title, url, notice_type, \
         first_published, last_updated, solution, change_id, created_at, updated_at)";
    const COLUMNS: usize = 10;
    const ON_CONFLICT: &'static str = "ON CONFLICT (notice_id) DO UPDATE SET \
         title = excluded.title, url = excluded.url, notice_type = excluded.notice_type, \
         first_published = excluded.first_published, last_updated = excluded.last_updated, \
         solution = excluded.solution, change_id = excluded.change_id, \
         updated_at = excluded.updated_at \
         WHERE field_notices.title <> excluded.title OR field_notices.url <> excluded.url \
         OR field_notices.notice_type <> excluded.notice_type \
         OR field_notices.first_published <> excluded.first_published \
         OR field_notices.last_updated <> excluded.last_updated \
         OR field_notices.solution <> excluded.solution";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.notice_id)
            .bind(&self.title)
            .bind(&self.url)
            .bind(self.notice_type.as_str())
            .bind(&self.first_published)
            .bind(&self.last_updated)
            .bind(&self.solution)
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for FieldNoticeRecord {}

impl RegistryRow for FieldNoticeProductRecord {
    const INTO: &'static str = "field_notice_products (notice_id, pid_key, product_id, \
         serial_numbers, software_type, software_versions, change_id, created_at, updated_at)";
    const COLUMNS: usize = 9;
    const ON_CONFLICT: &'static str = "ON CONFLICT (notice_id, pid_key) DO UPDATE SET \
         product_id = excluded.product_id, serial_numbers = excluded.serial_numbers, \
         software_type = excluded.software_type, software_versions = excluded.software_versions, \
         change_id = excluded.change_id, updated_at = excluded.updated_at \
         WHERE field_notice_products.product_id <> excluded.product_id \
         OR field_notice_products.serial_numbers <> excluded.serial_numbers \
         OR field_notice_products.software_type <> excluded.software_type \
         OR field_notice_products.software_versions <> excluded.software_versions";
    fn bind<'q>(&'q self, query: AnyQuery<'q>, context: &'q WriteContext) -> AnyQuery<'q> {
        query
            .bind(&self.notice_id)
            .bind(&self.pid_key)
            .bind(&self.product_id)
            .bind(&self.serial_numbers)
            .bind(&self.software_type)
            .bind(&self.software_versions)
            .bind(context.change_id)
            .bind(&context.now)
            .bind(&context.now)
    }
}

impl Upsert for FieldNoticeProductRecord {
    async fn upsert(
        conn: &mut AnyConnection,
        chunk: &[Self],
        context: &WriteContext,
    ) -> Result<u64, sqlx::Error> {
        let changed = upsert_rows(&mut *conn, chunk, context).await?;
        replace_notice_scopes(conn, chunk, context).await?;
        Ok(changed)
    }
}

/// A listing's serial ranges and releases are exactly the ones its latest row gives.
async fn replace_notice_scopes(
    conn: &mut AnyConnection,
    listings: &[FieldNoticeProductRecord],
    context: &WriteContext,
) -> Result<(), sqlx::Error> {
    for table in ["field_notice_serials", "field_notice_releases"] {
        let mut sql = format!("DELETE FROM {table} WHERE (notice_id, pid_key) IN (VALUES ");
        crate::platform::sql::push_value_rows(&mut sql, context.backend, 1, 2, listings.len());
        sql.push(')');
        let mut delete: AnyQuery<'_> = sqlx::query(&sql);
        for listing in listings {
            delete = delete.bind(&listing.notice_id).bind(&listing.pid_key);
        }
        delete.execute(&mut *conn).await?;
    }
    let serials: Vec<(&FieldNoticeProductRecord, &str, &str)> = listings
        .iter()
        .flat_map(|l| {
            l.serial_ranges
                .iter()
                .map(move |r| (l, r.first.as_str(), r.last.as_str()))
        })
        .collect();
    for batch in serials.chunks(1000) {
        let sql = multi_row_insert(
            context.backend,
            "field_notice_serials (notice_id, pid_key, first_serial, last_serial)",
            4,
            batch.len(),
            "ON CONFLICT DO NOTHING",
        );
        let mut insert: AnyQuery<'_> = sqlx::query(&sql);
        for (listing, first, last) in batch {
            insert = insert
                .bind(&listing.notice_id)
                .bind(&listing.pid_key)
                .bind(*first)
                .bind(*last);
        }
        insert.execute(&mut *conn).await?;
    }
    let releases: Vec<(&FieldNoticeProductRecord, &str)> = listings
        .iter()
        .flat_map(|l| l.release_keys.iter().map(move |k| (l, k.as_str())))
        .collect();
    for batch in releases.chunks(1000) {
        let sql = multi_row_insert(
            context.backend,
            "field_notice_releases (notice_id, pid_key, software_type, release_key)",
            4,
            batch.len(),
            "ON CONFLICT DO NOTHING",
        );
        let mut insert: AnyQuery<'_> = sqlx::query(&sql);
        for (listing, key) in batch {
            insert = insert
                .bind(&listing.notice_id)
                .bind(&listing.pid_key)
                .bind(&listing.software_type)
                .bind(*key);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The associations a change wrote at `now`, with the company holding each contract and its
/// name: `(company_id, company_name, contract_number, email)`, by company.
pub async fn associations_written_at(
    conn: &mut AnyConnection,
    now: &str,
) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.company_id, co.name, ac.contract_number, ac.email
         FROM account_contracts ac
         JOIN contracts c ON c.contract_number = ac.contract_number
         JOIN companies co ON co.id = c.company_id
         WHERE ac.created_at = $1
         ORDER BY c.company_id, ac.contract_number, ac.email",
    )
    .bind(now)
    .fetch_all(conn)
    .await
}
