//! `netcare registry import DIR` and the agents' console import: one piece of code for both.
//!
//! The five files are applied in dependency order inside one transaction. Each file is parsed and
//! checked on a blocking thread that streams chunks of checked records to the database task, so a
//! million contract lines never sit in memory at once. The first file with a bad row stops the
//! import: every bad row of that file is reported (up to [`MAX_REPORTED_ERRORS`]) and nothing of
//! the import is applied.

mod advisory_records;
mod eox_records;
mod fields;
mod notice_records;
mod records;
mod table;

use std::{collections::HashMap, fmt, io::Read, path::Path};

use serde::Serialize;
use sqlx::AnyConnection;
use tokio::sync::mpsc;

use self::{
    advisory_records::{AdvisoryReleaseRules, AdvisoryRules},
    eox_records::{EoxBulletinRules, EoxProductRules, SoftwareEoxRules},
    notice_records::{FieldNoticeProductRules, FieldNoticeRules},
    records::{AssociationRules, CompanyRules, ContractRules, LineRules, RowRules, SiteRules},
    table::Table,
};
use super::queries::{self, Upsert};
use crate::platform::{clock::timestamp_now, Database};

pub use advisory_records::{AdvisoryRecord, AdvisoryReleaseRecord};
pub use eox_records::{EoxBulletinRecord, EoxProductRecord, SoftwareEoxRecord};
pub use notice_records::{FieldNoticeProductRecord, FieldNoticeRecord};
pub use records::{AssociationRecord, CompanyRecord, ContractRecord, LineRecord, SiteRecord};

/// The most bad rows one failed import reports.
pub const MAX_REPORTED_ERRORS: usize = 100;
/// Records written per multi-row statement.
const CHUNK_ROWS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RegistryFile {
    #[serde(rename = "companies.csv")]
    Companies,
    #[serde(rename = "sites.csv")]
    Sites,
    #[serde(rename = "contracts.csv")]
    Contracts,
    #[serde(rename = "contract_lines.csv")]
    ContractLines,
    #[serde(rename = "account_contracts.csv")]
    AccountContracts,
    #[serde(rename = "eox_bulletins.csv")]
    EoxBulletins,
    #[serde(rename = "eox_products.csv")]
    EoxProducts,
    #[serde(rename = "software_eox.csv")]
    SoftwareEox,
    #[serde(rename = "security_advisories.csv")]
    SecurityAdvisories,
    #[serde(rename = "advisory_releases.csv")]
    AdvisoryReleases,
    #[serde(rename = "field_notices.csv")]
    FieldNotices,
    #[serde(rename = "field_notice_products.csv")]
    FieldNoticeProducts,
}

impl RegistryFile {
    /// In the order they are applied: each may refer to the ones before it.
    pub const ALL: [RegistryFile; 12] = [
        RegistryFile::Companies,
        RegistryFile::Sites,
        RegistryFile::Contracts,
        RegistryFile::ContractLines,
        RegistryFile::AccountContracts,
        RegistryFile::EoxBulletins,
        RegistryFile::EoxProducts,
        RegistryFile::SoftwareEox,
        RegistryFile::SecurityAdvisories,
        RegistryFile::AdvisoryReleases,
        RegistryFile::FieldNotices,
        RegistryFile::FieldNoticeProducts,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            RegistryFile::Companies => "companies.csv",
            RegistryFile::Sites => "sites.csv",
            RegistryFile::Contracts => "contracts.csv",
            RegistryFile::ContractLines => "contract_lines.csv",
            RegistryFile::AccountContracts => "account_contracts.csv",
            RegistryFile::EoxBulletins => "eox_bulletins.csv",
            RegistryFile::EoxProducts => "eox_products.csv",
            RegistryFile::SoftwareEox => "software_eox.csv",
            RegistryFile::SecurityAdvisories => "security_advisories.csv",
            RegistryFile::AdvisoryReleases => "advisory_releases.csv",
            RegistryFile::FieldNotices => "field_notices.csv",
            RegistryFile::FieldNoticeProducts => "field_notice_products.csv",
        }
    }

    /// The table the file's rows are kept in (named like the file).
    pub fn table(self) -> &'static str {
        self.file_name().trim_end_matches(".csv")
    }

    pub fn from_file_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|file| file.file_name() == name)
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            RegistryFile::Companies => {
                &["company_id", "name", "email_domains", "requires_assessment"]
            }
            RegistryFile::Sites => &["site_id", "company_id", "name", "address"],
            RegistryFile::Contracts => &[
                "contract_number",
                "company_id",
                "site_id",
                "service_level",
                "smart_entitled",
                "start_date",
                "end_date",
                "flagged_for_review",
            ],
            RegistryFile::ContractLines => &[
                "contract_number",
                "serial_number",
                "product_id",
                "mac_address",
                "start_date",
                "end_date",
            ],
            RegistryFile::AccountContracts => &["contract_number", "email"],
            RegistryFile::EoxBulletins => &[
                "bulletin_number",
                "title",
                "url",
                "announcement_date",
                "end_of_sale",
                "last_ship",
                "end_of_software_maintenance",
                "end_of_security_support",
                "end_of_routine_failure_analysis",
                "end_of_new_service_attachment",
                "end_of_service_contract_renewal",
                "last_date_of_support",
            ],
            RegistryFile::EoxProducts => &[
                "bulletin_number",
                "product_id",
                "replacement_pid",
                "migration_note",
            ],
            RegistryFile::SoftwareEox => &[
                "software_type",
                "release_train",
                "bulletin_number",
                "title",
                "url",
                "announcement_date",
                "end_of_sale",
                "last_ship",
                "end_of_software_maintenance",
                "end_of_security_support",
                "end_of_routine_failure_analysis",
                "end_of_new_service_attachment",
                "end_of_service_contract_renewal",
                "last_date_of_support",
            ],
            RegistryFile::SecurityAdvisories => &[
                "advisory_id",
                "title",
                "url",
                "severity",
                "cvss_base_score",
                "cve_ids",
                "first_published",
                "last_updated",
                "configuration_dependent",
            ],
            RegistryFile::AdvisoryReleases => &[
                "advisory_id",
                "software_type",
                "affected_release",
                "first_fixed",
            ],
            RegistryFile::FieldNotices => &[
                "notice_id",
                "title",
                "url",
                "notice_type",
                "first_published",
                "last_updated",
                "solution",
            ],
            RegistryFile::FieldNoticeProducts => &[
                "notice_id",
                "product_id",
                "serial_numbers",
                "software_type",
                "software_versions",
            ],
        }
    }
}

impl fmt::Display for RegistryFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// Why one row (or a whole file, `line` 1 with no column) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub file: RegistryFile,
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file, self.line)?;
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Where a registry change came from, recorded with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOrigin {
    CommandLine,
    AgentConsole,
    Demo,
}

impl ChangeOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOrigin::CommandLine => "command-line import",
            ChangeOrigin::AgentConsole => "agent console import",
            ChangeOrigin::Demo => "demo data",
        }
    }
}

/// The files of one import; any may be missing.
#[derive(Default)]
pub struct ImportSource {
    files: HashMap<RegistryFile, Box<dyn Read + Send>>,
}

impl ImportSource {
    pub fn add(&mut self, file: RegistryFile, reader: impl Read + Send + 'static) {
        self.files.insert(file, Box::new(reader));
    }

    /// The registry files present in `dir`.
    pub fn from_dir(dir: &Path) -> Result<Self, ImportError> {
        if !dir.is_dir() {
            return Err(ImportError::NotADirectory(dir.display().to_string()));
        }
        let mut source = Self::default();
        for file in RegistryFile::ALL {
            let path = dir.join(file.file_name());
            if path.exists() {
                let opened = std::fs::File::open(&path)
                    .map_err(|err| ImportError::Unreadable(format!("{}: {err}", path.display())))?;
                source.add(file, std::io::BufReader::with_capacity(1 << 16, opened));
            }
        }
        Ok(source)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    pub file: RegistryFile,
    /// Data rows read.
    pub rows: u64,
    /// Rows that added or changed something (the rest were already in the registry as given).
    pub changed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub change_id: i64,
    pub files: Vec<FileSummary>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} is not a directory", .0)]
    NotADirectory(String),
    #[error("cannot read {0}")]
    Unreadable(String),
    #[error("no registry files found (expected one or more of: companies.csv, sites.csv, contracts.csv, contract_lines.csv, account_contracts.csv, eox_bulletins.csv, eox_products.csv, software_eox.csv, security_advisories.csv, advisory_releases.csv, field_notices.csv, field_notice_products.csv)")]
    NoFiles,
    #[error("the registry import was rejected; nothing was applied")]
    Invalid(Vec<RowError>),
    #[error("database error during the registry import: {0}")]
    Database(#[from] sqlx::Error),
}

/// Applies `source` to the registry as one change by `actor`, or nothing at all.
pub async fn import_registry(
    db: &Database,
    mut source: ImportSource,
    origin: ChangeOrigin,
    actor: &str,
) -> Result<ImportReport, ImportError> {
    if source.is_empty() {
        return Err(ImportError::NoFiles);
    }
    let now = timestamp_now();
    let mut tx = db.begin_write().await?;
    let change_id = queries::insert_change(&mut tx, origin.as_str(), actor, &now).await?;
    let context = queries::WriteContext {
        backend: db.backend(),
        change_id,
        now,
    };
    let mut summaries = Vec::new();
    for file in RegistryFile::ALL {
        let Some(reader) = source.files.remove(&file) else {
            continue;
        };
        let summary = match file {
            RegistryFile::Companies => {
                apply_file(&mut tx, file, reader, CompanyRules::default(), &context).await?
            }
            RegistryFile::Sites => {
                let rules = SiteRules::new(queries::company_ids(&mut tx).await?);
                apply_file(&mut tx, file, reader, rules, &context).await?
            }
            RegistryFile::Contracts => {
                let companies = queries::company_ids(&mut tx).await?;
                let rules = ContractRules::new(companies, queries::site_companies(&mut tx).await?);
                apply_file(&mut tx, file, reader, rules, &context).await?
            }
            RegistryFile::ContractLines => {
                let rules = LineRules::new(queries::contract_numbers(&mut tx).await?);
                apply_file(&mut tx, file, reader, rules, &context).await?
            }
            RegistryFile::AccountContracts => {
                let rules = AssociationRules::new(queries::contract_numbers(&mut tx).await?);
                apply_file(&mut tx, file, reader, rules, &context).await?
            }
            RegistryFile::EoxBulletins => {
                apply_file(&mut tx, file, reader, EoxBulletinRules::default(), &context).await?
            }
            RegistryFile::EoxProducts => {
                let rules = EoxProductRules::new(queries::bulletin_numbers(&mut tx).await?);
                apply_file(&mut tx, file, reader, rules, &context).await?
            }
            RegistryFile::SoftwareEox => {
                apply_file(&mut tx, file, reader, SoftwareEoxRules::default(), &context).await?
            }
            RegistryFile::SecurityAdvisories => {
                apply_file(&mut tx, file, reader, AdvisoryRules::default(), &context).await?
            }
            RegistryFile::AdvisoryReleases => {
                let rules = AdvisoryReleaseRules::new(queries::advisory_ids(&mut tx).await?);
                apply_file(&mut tx, file, reader, rules, &context).await?
            }
            RegistryFile::FieldNotices => {
                apply_file(&mut tx, file, reader, FieldNoticeRules::default(), &context).await?
            }
            RegistryFile::FieldNoticeProducts => {
                let rules = FieldNoticeProductRules::new(queries::notice_ids(&mut tx).await?);
                apply_file(&mut tx, file, reader, rules, &context).await?
            }
        };
        summaries.push(summary);
    }
    let changed = |files: [RegistryFile; 2]| {
        summaries
            .iter()
            .any(|s| files.contains(&s.file) && s.changed > 0)
    };
    if changed([
        RegistryFile::SecurityAdvisories,
        RegistryFile::AdvisoryReleases,
    ]) {
        crate::alerts::queries::refresh_release_exposure(&mut tx).await?;
    }
    if changed([
        RegistryFile::FieldNotices,
        RegistryFile::FieldNoticeProducts,
    ]) {
        crate::alerts::queries::refresh_notice_serial_matches(&mut tx, None).await?;
    }
    let summary_json = serde_json::to_string(&summaries).expect("summaries serialise");
    queries::set_change_summary(&mut tx, change_id, &summary_json).await?;
    tell_das_of_new_associations(&mut tx, &context.now).await?;
    analyze_after_large_change(&mut tx, db.backend(), &summaries).await?;
    tx.commit().await?;
    let files: Vec<String> = summaries
        .iter()
        .map(|file| format!("{} {} rows", file.file.file_name(), file.rows))
        .collect();
    let event =
        crate::security_log::NewEvent::new(crate::security_log::EventKind::RegistryImported, actor)
            .detail(format!(
                "change #{change_id} ({}): {}",
                origin.as_str(),
                files.join(", ")
            ));
    crate::security_log::record_in(db, event).await;
    Ok(ImportReport {
        change_id,
        files: summaries,
    })
}

/// A file that changed at least this many rows has its table's statistics refreshed.
const LARGE_CHANGE_ROWS: u64 = 10_000;

/// PostgreSQL plans from table statistics, which a bulk load leaves stale until autovacuum comes
/// by: right after importing 1,000,000 contract lines into an empty registry, an upload's lookup
/// of 1,500 serial numbers was planned as a scan of every line (120 ms per chunk instead of 2 ms,
/// a 100,000-device upload 9.7 s instead of 4.7 s). Analysed in the change's transaction (which
/// samples its own rows), the statistics land with it, before anything recomputes from it. SQLite
/// needs no such step.
async fn analyze_after_large_change(
    tx: &mut AnyConnection,
    backend: crate::platform::Backend,
    summaries: &[FileSummary],
) -> Result<(), sqlx::Error> {
    let tables: Vec<&str> = summaries
        .iter()
        .filter(|summary| summary.changed >= LARGE_CHANGE_ROWS)
        .map(|summary| summary.file.table())
        .collect();
    if backend != crate::platform::Backend::Postgres || tables.is_empty() {
        return Ok(());
    }
    queries::analyze_tables(tx, &tables).await
}

/// Mails every DA of each company the change associated new email addresses with (one message
/// per DA, listing them), in the change's transaction: the mail goes if and only if the change
/// lands.
async fn tell_das_of_new_associations(
    tx: &mut AnyConnection,
    now: &str,
) -> Result<(), sqlx::Error> {
    let written = queries::associations_written_at(&mut *tx, now).await?;
    // (company id, company name, its new (contract, email) pairs), in the query's company order.
    type CompanyAssociations = (String, String, Vec<(String, String)>);
    let mut by_company: Vec<CompanyAssociations> = Vec::new();
    for (company_id, company_name, contract, email) in written {
        match by_company.last_mut() {
            Some((id, _, pairs)) if *id == company_id => pairs.push((contract, email)),
            _ => by_company.push((company_id, company_name, vec![(contract, email)])),
        }
    }
    for (company_id, company_name, pairs) in by_company {
        let das = crate::onboarding::queries::delegated_admins(&mut *tx, &company_id).await?;
        for (_, name, email) in das {
            let notice =
                crate::mail::templates::associations_added(&email, &name, &company_name, &pairs);
            crate::mail::outbox::enqueue(&mut *tx, &notice).await?;
        }
    }
    Ok(())
}

/// Streams one file through its rules into the database. Errors stop the writing (the caller's
/// transaction is then dropped, so nothing lands) but not the checking, so all of them are told.
async fn apply_file<Rules>(
    conn: &mut AnyConnection,
    file: RegistryFile,
    reader: Box<dyn Read + Send>,
    rules: Rules,
    context: &queries::WriteContext,
) -> Result<FileSummary, ImportError>
where
    Rules: RowRules + Send + 'static,
    Rules::Record: Upsert,
{
    let (chunks_tx, mut chunks) = mpsc::channel::<Vec<Rules::Record>>(4);
    let parser = tokio::task::spawn_blocking(move || parse_file(file, reader, rules, chunks_tx));
    let mut changed = 0;
    while let Some(chunk) = chunks.recv().await {
        changed += Rules::Record::upsert(conn, &chunk, context).await?;
    }
    let parsed = parser
        .await
        .map_err(|err| ImportError::Unreadable(format!("{file}: {err}")))?;
    if !parsed.errors.is_empty() {
        return Err(ImportError::Invalid(parsed.errors));
    }
    Ok(FileSummary {
        file,
        rows: parsed.rows,
        changed,
    })
}

struct Parsed {
    rows: u64,
    errors: Vec<RowError>,
}

fn parse_file<Rules: RowRules>(
    file: RegistryFile,
    reader: Box<dyn Read + Send>,
    mut rules: Rules,
    chunks: mpsc::Sender<Vec<Rules::Record>>,
) -> Parsed {
    let mut parsed = Parsed {
        rows: 0,
        errors: Vec::new(),
    };
    let mut table = match Table::open(file, reader) {
        Ok(table) => table,
        Err(err) => {
            parsed.errors.push(err);
            return parsed;
        }
    };
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
    while let Some(row) = table.next_row() {
        parsed.rows += 1;
        match row.and_then(|row| rules.check(&row)) {
            Ok(record) if parsed.errors.is_empty() => {
                chunk.push(record);
                if chunk.len() == CHUNK_ROWS {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                    if chunks.blocking_send(full).is_err() {
                        return parsed; // the writer stopped (a database error): it reports that
                    }
                }
            }
            Ok(_) => {}
            Err(err) => {
                parsed.errors.push(err);
                if parsed.errors.len() >= MAX_REPORTED_ERRORS {
                    break;
                }
            }
        }
    }
    if parsed.errors.is_empty() && !chunk.is_empty() {
        let _ = chunks.blocking_send(chunk);
    }
    parsed
}
