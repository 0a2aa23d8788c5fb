//! A small registry for tests: its files, and importing them.

use std::io::Cursor;

use app::{
    platform::Database,
    registry::import::{
        import_registry, ChangeOrigin, ImportError, ImportSource, RegistryFile, RowError,
    },
};

pub const COMPANIES: &str = "company_id,name,email_domains,requires_assessment\n\
    C1,Acme,acme.example;acme-corp.example,false\n\
    C2,Globex,globex.example,true\n";

pub const SITES: &str =
    "site_id,company_id,name,address\nS1,C1,Acme Lyon,\"1 rue X, Lyon\"\nS2,C2,Globex Paris,\n";

pub const CONTRACTS: &str = "contract_number,company_id,site_id,service_level,smart_entitled,start_date,end_date,flagged_for_review\n\
    100,C1,S1,SNTC,true,2026-01-01,2027-01-01,false\n\
    200,C2,,SP Base,false,2025-01-01,2026-01-01,true\n";

pub const LINES: &str =
    "contract_number,serial_number,product_id,mac_address,start_date,end_date\n\
    100,FOC1,C9300-48P,,2026-01-01,2027-01-01\n\
    100,FOC2,C9300-48P=,,2026-01-01,2027-01-01\n\
    200,,CP-8845,00:11:22:33:44:55,2025-01-01,2026-01-01\n";

pub const ACCOUNTS: &str = "contract_number,email\n100,Ann@Acme.example\n200,ann@acme.example\n";

/// A refused row's error as the import reports it.
pub fn row_error(file: RegistryFile, line: u64, column: &str, reason: &str) -> RowError {
    RowError {
        file,
        line,
        column: Some(column.into()),
        reason: reason.into(),
    }
}

/// Each case's files, imported over [`full_registry`] into a fresh database, are refused with
/// exactly its one error, and `table` stays empty: nothing of a refused import lands.
pub async fn each_is_refused(
    backend: super::Backend,
    cases: Vec<(Vec<(RegistryFile, String)>, RowError)>,
    table: &str,
) {
    for (files, expected) in cases {
        let t = super::TestDb::fresh(backend).await;
        import(&t.db, full_registry()).await.unwrap();
        let texts: Vec<(RegistryFile, &str)> =
            files.iter().map(|(f, text)| (*f, text.as_str())).collect();
        match import(&t.db, source(&texts)).await {
            Err(ImportError::Invalid(errors)) => {
                assert_eq!(errors, std::slice::from_ref(&expected))
            }
            other => panic!("expected {expected:?}, got {other:?}"),
        }
        let stored: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(stored, 0, "nothing of a refused import lands: {expected:?}");
    }
}

pub fn source(files: &[(RegistryFile, &str)]) -> ImportSource {
    let mut source = ImportSource::default();
    for (file, text) in files {
        source.add(*file, Cursor::new(text.as_bytes().to_vec()));
    }
    source
}

pub fn full_registry() -> ImportSource {
    source(&[
        (RegistryFile::Companies, COMPANIES),
        (RegistryFile::Sites, SITES),
        (RegistryFile::Contracts, CONTRACTS),
        (RegistryFile::ContractLines, LINES),
        (RegistryFile::AccountContracts, ACCOUNTS),
    ])
}

pub async fn import(
    db: &Database,
    source: ImportSource,
) -> Result<app::registry::import::ImportReport, ImportError> {
    import_registry(db, source, ChangeOrigin::CommandLine, "test-operator").await
}

/// A registry line that makes the demo inventory's NOPE0000001 (Northwind) covered.
pub const LINE_COVERING_NOPE: &str =
    "contract_number,serial_number,product_id,mac_address,start_date,end_date\n\
     91000001,NOPE0000001,C9300-48P,,2020-01-01,2099-12-31\n";
