//! `netcare registry import`: loading, re-loading, updating, and refusing bad files whole.

use app::{
    platform::{db::DbBool, Database},
    registry::{
        import::{ImportError, ImportSource, RegistryFile, RowError},
        queries::registry_stats,
        RegistryStats,
    },
};

use crate::support::registry::*;
use crate::support::{both_databases, postgres_only, Backend, TestDb};

async fn stats(db: &Database) -> RegistryStats {
    registry_stats(db.pool()).await.unwrap()
}

async fn change_count(db: &Database) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM registry_changes")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

const FULL: RegistryStats = RegistryStats {
    companies: 2,
    sites: 2,
    contracts: 2,
    contract_lines: 3,
    associated_accounts: 1,
};

both_databases!(
    imports_every_file,
    reimport_adds_no_duplicates,
    changed_rows_are_updated_and_recorded,
    files_may_be_missing,
    spreadsheet_quirks_are_accepted,
    bad_files_are_rejected_whole,
    references_must_exist,
    header_problems_are_reported,
    every_bad_row_of_the_file_is_reported,
    import_from_a_directory,
    new_associations_are_told_to_the_companys_das,
);

postgres_only!(a_large_import_refreshes_the_planners_statistics);

/// PostgreSQL: a file that changed many rows has its table analysed with the change, so
/// the next upload's serial lookups use the index instead of scanning every line.
async fn a_large_import_refreshes_the_planners_statistics(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    import(&t.db, full_registry())
        .await
        .expect("a small import");
    let analysed = |table: &'static str| {
        let pool = t.db.pool().clone();
        async move {
            // ANALYZE sets the row estimate at once (never analysed: -1).
            let rows: f64 =
                sqlx::query_scalar("SELECT reltuples::float8 FROM pg_class WHERE relname = $1")
                    .bind(table)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            rows
        }
    };
    assert_eq!(
        analysed("contract_lines").await,
        -1.0,
        "a small change is left to autovacuum"
    );

    let mut lines =
        String::from("contract_number,serial_number,product_id,mac_address,start_date,end_date\n");
    for n in 0..10_000 {
        lines.push_str(&format!(
            "100,BULK{n:07},C9300-48P,,2026-01-01,2027-01-01\n"
        ));
    }
    let report = import(&t.db, source(&[(RegistryFile::ContractLines, &lines)]))
        .await
        .expect("a large import");
    assert_eq!(report.files[0].changed, 10_000);
    assert_eq!(analysed("contract_lines").await, 10_003.0);
    assert_eq!(
        analysed("contracts").await,
        -1.0,
        "only the tables that changed much"
    );
}

async fn imports_every_file(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let report = import(&t.db, full_registry()).await.expect("import");
    assert_eq!(stats(&t.db).await, FULL);
    let rows: Vec<u64> = report.files.iter().map(|f| f.rows).collect();
    assert_eq!(rows, [2, 2, 2, 3, 2]);

    // Normalised keys are stored beside what the registry said.
    let (serial, pid, product_id): (String, String, String) = sqlx::query_as(
        "SELECT serial_key, pid_key, product_id FROM contract_lines WHERE serial_number = 'FOC2'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (serial.as_str(), pid.as_str(), product_id.as_str()),
        ("FOC2", "C9300-48P", "C9300-48P=")
    );
    let mac: String =
        sqlx::query_scalar("SELECT mac_key FROM contract_lines WHERE product_id = 'CP-8845'")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(mac, "001122334455");
    let (smart, flagged): (DbBool, DbBool) = sqlx::query_as(
        "SELECT smart_entitled, flagged_for_review FROM contracts WHERE contract_number = '200'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!((smart.0, flagged.0), (false, true));
    let domains: Vec<String> = sqlx::query_scalar(
        "SELECT domain FROM company_email_domains WHERE company_id = 'C1' ORDER BY domain",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(domains, ["acme-corp.example", "acme.example"]);
    // Emails are keyed in lower case: two rows, one account.
    let emails: Vec<String> = sqlx::query_scalar("SELECT DISTINCT email FROM account_contracts")
        .fetch_all(t.db.pool())
        .await
        .unwrap();
    assert_eq!(emails, ["ann@acme.example"]);

    let (source, actor, summary): (String, String, String) =
        sqlx::query_as("SELECT source, actor, summary FROM registry_changes WHERE id = $1")
            .bind(report.change_id)
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (source.as_str(), actor.as_str()),
        ("command-line import", "test-operator")
    );
    assert!(summary.contains("\"contract_lines.csv\""), "{summary}");
}

async fn reimport_adds_no_duplicates(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    import(&t.db, full_registry()).await.unwrap();
    let again = import(&t.db, full_registry()).await.unwrap();
    assert_eq!(stats(&t.db).await, FULL);
    assert!(
        again.files.iter().all(|f| f.changed == 0),
        "{:?}",
        again.files
    );
}

async fn changed_rows_are_updated_and_recorded(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let first = import(&t.db, full_registry()).await.unwrap();
    let renewed = "contract_number,serial_number,product_id,mac_address,start_date,end_date\n\
        100,FOC1,C9300-48P,,2026-01-01,2028-01-01\n\
        100,FOC2,C9300-48P=,,2026-01-01,2027-01-01\n";
    let second = import(&t.db, source(&[(RegistryFile::ContractLines, renewed)]))
        .await
        .unwrap();
    assert_eq!(second.files[0].changed, 1);
    let lines: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT serial_number, end_date, change_id FROM contract_lines WHERE contract_number = '100' ORDER BY serial_number")
            .fetch_all(t.db.pool())
            .await
            .unwrap();
    // Only the renewed line carries the new change: coverage recomputes exactly that serial.
    assert_eq!(
        lines,
        [
            ("FOC1".into(), "2028-01-01".into(), second.change_id),
            ("FOC2".into(), "2027-01-01".into(), first.change_id)
        ]
    );
    assert_eq!(stats(&t.db).await, FULL);
}

async fn files_may_be_missing(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    import(&t.db, source(&[(RegistryFile::Companies, COMPANIES)]))
        .await
        .unwrap();
    assert_eq!(
        stats(&t.db).await,
        RegistryStats {
            companies: 2,
            ..RegistryStats::default()
        }
    );
    let nothing = import(&t.db, ImportSource::default()).await;
    assert!(matches!(nothing, Err(ImportError::NoFiles)));
}

async fn spreadsheet_quirks_are_accepted(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let bom_crlf_spaces = "\u{FEFF}company_id , name,email_domains, requires_assessment\r\n  C1 ,  Acme  , acme.example. ,  FALSE \r\n\r\n";
    import(&t.db, source(&[(RegistryFile::Companies, bom_crlf_spaces)]))
        .await
        .expect("tolerant import");
    let (id, name): (String, String) = sqlx::query_as("SELECT id, name FROM companies")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!((id.as_str(), name.as_str()), ("C1", "Acme"));
    let domain: String = sqlx::query_scalar("SELECT domain FROM company_email_domains")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(domain, "acme.example");
}

/// Imports a valid registry, then `bad` on top, and expects exactly `expected` with nothing of
/// the second import applied.
async fn assert_rejected(backend: Backend, bad: ImportSource, expected: &[RowError]) {
    let t = TestDb::fresh(backend).await;
    import(&t.db, full_registry()).await.unwrap();
    let changes_before = change_count(&t.db).await;
    match import(&t.db, bad).await {
        Err(ImportError::Invalid(errors)) => assert_eq!(errors, expected),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(
        stats(&t.db).await,
        FULL,
        "nothing of a rejected import is applied"
    );
    assert_eq!(
        change_count(&t.db).await,
        changes_before,
        "a rejected import records no change"
    );
}

async fn bad_files_are_rejected_whole(backend: Backend) {
    use RegistryFile::*;
    let header = "contract_number,serial_number,product_id,mac_address,start_date,end_date\n";
    // A good new company first: it must not land either, because a later file is bad.
    let new_company =
        "company_id,name,email_domains,requires_assessment\nC9,Initech,initech.example,false\n";
    let cases: Vec<(String, RowError)> = vec![
        (
            format!("{header}100,NEW1,C9300-48P,,2026-01-01,2027-01-01\n999,NEW2,C9300-48P,,2026-01-01,2027-01-01\n"),
            row_error(ContractLines, 3, "contract_number", "unknown contract `999`"),
        ),
        (
            format!("{header}100,NEW1,C9300-48P,,2026-13-01,2027-01-01\n"),
            row_error(ContractLines, 2, "start_date", "`2026-13-01` is not a date in the form YYYY-MM-DD"),
        ),
        (
            format!("{header}100,NEW1,C9300-48P,,2027-01-01,2026-01-01\n"),
            row_error(ContractLines, 2, "end_date", "end date 2026-01-01 is before start date 2027-01-01"),
        ),
        (
            format!("{header}100,NEW1,C9300-48P,,2026-01-01,2027-01-01\n100, new1 ,c9300-48p=,,2026-02-01,2027-01-01\n"),
            row_error(
                ContractLines,
                3,
                "serial_number",
                "duplicate line (same contract, serial number, product ID and MAC): already on line 2",
            ),
        ),
        (
            format!("{header}100,NEW1,,,2026-01-01,2027-01-01\n"),
            row_error(ContractLines, 2, "product_id", "a value is required"),
        ),
        (
            format!("{header}100,,CP-8845,not-a-mac,2026-01-01,2027-01-01\n"),
            row_error(ContractLines, 2, "mac_address", "`not-a-mac` is not a MAC address"),
        ),
    ];
    for (lines, expected) in cases {
        let bad = source(&[(Companies, new_company), (ContractLines, &lines)]);
        assert_rejected(backend, bad, &[expected]).await;
    }
}

async fn references_must_exist(backend: Backend) {
    use RegistryFile::*;
    let contracts = "contract_number,company_id,site_id,service_level,smart_entitled,start_date,end_date,flagged_for_review\n\
        300,C1,S2,SNTC,true,2026-01-01,2027-01-01,false\n";
    assert_rejected(
        backend,
        source(&[(Contracts, contracts)]),
        &[row_error(
            Contracts,
            2,
            "site_id",
            "site `S2` belongs to company `C2`, not `C1`",
        )],
    )
    .await;
    let sites = "site_id,company_id,name,address\nS3,C404,Nowhere,\n";
    assert_rejected(
        backend,
        source(&[(Sites, sites)]),
        &[row_error(Sites, 2, "company_id", "unknown company `C404`")],
    )
    .await;
    let accounts = "contract_number,email\n100,not-an-email\n";
    assert_rejected(
        backend,
        source(&[(AccountContracts, accounts)]),
        &[row_error(
            AccountContracts,
            2,
            "email",
            "`not-an-email` is not an email address",
        )],
    )
    .await;
}

async fn header_problems_are_reported(backend: Backend) {
    use RegistryFile::*;
    let missing = "contract_number,serial_number,product_id,start_date,end_date\n100,X,Y,2026-01-01,2027-01-01\n";
    assert_rejected(
        backend,
        source(&[(ContractLines, missing)]),
        &[row_error(
            ContractLines,
            1,
            "mac_address",
            "missing column `mac_address` in the header (expected: contract_number,serial_number,product_id,mac_address,start_date,end_date)",
        )],
    )
    .await;
    let unknown = "company_id,name,email_domain,requires_assessment\n";
    let expected = RowError {
        file: Companies,
        line: 1,
        column: None,
        reason: "unknown column `email_domain` in the header (expected: company_id,name,email_domains,requires_assessment)".into(),
    };
    assert_rejected(backend, source(&[(Companies, unknown)]), &[expected]).await;
    let empty = RowError {
        file: Sites,
        line: 1,
        column: None,
        reason: "the file is empty: expected a header row".into(),
    };
    assert_rejected(backend, source(&[(Sites, "")]), &[empty]).await;
    let ragged = "site_id,company_id,name,address\nS9,C1,Short\n";
    let expected = RowError {
        file: Sites,
        line: 2,
        column: None,
        reason: "expected 4 fields, found 3".into(),
    };
    assert_rejected(backend, source(&[(Sites, ragged)]), &[expected]).await;
}

async fn every_bad_row_of_the_file_is_reported(backend: Backend) {
    use RegistryFile::*;
    let lines = "contract_number,serial_number,product_id,mac_address,start_date,end_date\n\
        100,A1,P,,2026-01-01,2027-01-01\n\
        100,A2,P,,yesterday,2027-01-01\n\
        100,A3,P,,2026-01-01,2027-01-01\n\
        777,A4,P,,2026-01-01,2027-01-01\n";
    assert_rejected(
        backend,
        source(&[(ContractLines, lines)]),
        &[
            row_error(
                ContractLines,
                3,
                "start_date",
                "`yesterday` is not a date in the form YYYY-MM-DD",
            ),
            row_error(
                ContractLines,
                5,
                "contract_number",
                "unknown contract `777`",
            ),
        ],
    )
    .await;
}

async fn import_from_a_directory(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let dir = t.dir().join("registry");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("companies.csv"), COMPANIES).unwrap();
    std::fs::write(dir.join("contracts.csv"), CONTRACTS.replace("S1", "")).unwrap();
    std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
    let report = import(&t.db, ImportSource::from_dir(&dir).unwrap())
        .await
        .unwrap();
    let files: Vec<RegistryFile> = report.files.iter().map(|f| f.file).collect();
    assert_eq!(files, [RegistryFile::Companies, RegistryFile::Contracts]);
    assert!(matches!(
        ImportSource::from_dir(&dir.join("missing")),
        Err(ImportError::NotADirectory(_))
    ));
}

mod console {
    use app::registry::ImportRegistryFiles;
    use axum::http::StatusCode;
    use leptos::server_fn::ServerFn;
    use serde_json::json;

    use crate::{
        support::people::{signed_in, signed_in_agent},
        support::{both_databases, Backend, Browser, TestApp},
    };

    both_databases!(agents_import_from_the_console);

    async fn agents_import_from_the_console(backend: Backend) {
        let app = TestApp::new(backend).await;
        let mut agent = signed_in_agent(&app).await;

        let files = json!({"files": [
            ["companies.csv", super::COMPANIES],
            ["sites.csv", super::SITES],
        ]});
        let (status, body) = agent
            .call_json(ImportRegistryFiles::PATH, files.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body,
            json!([{"file": "companies.csv", "rows": 2, "changed": 2}, {"file": "sites.csv", "rows": 2, "changed": 2}])
        );
        let actor: String = sqlx::query_scalar(
            "SELECT actor FROM registry_changes WHERE source = 'agent console import'",
        )
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!(actor, "agent", "recorded with the agent who imported");

        let bad = json!({"files": [["sites.csv", "site_id,company_id,name,address\nS9,C404,Nowhere,\n"]]});
        let (status, body) = agent.call_json(ImportRegistryFiles::PATH, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"Rejected": [{"file": "sites.csv", "line": 2, "column": "company_id", "reason": "unknown company `C404`"}]})
        );
        let (_, body) = agent
            .call_json(
                ImportRegistryFiles::PATH,
                json!({"files": [["notes.csv", "x"]]}),
            )
            .await;
        assert_eq!(body, json!({"UnknownFile": "notes.csv"}));

        // Only agents: a signed-in customer, or nobody, is refused.
        let mut customer = signed_in(&app, "ann", "ann@corp.example").await;
        assert_eq!(
            customer
                .call_json(ImportRegistryFiles::PATH, files.clone())
                .await,
            (
                StatusCode::FORBIDDEN,
                json!({"App": {"NotAllowed": "Agent"}})
            )
        );
        assert_eq!(
            Browser::new(&app)
                .call_json(ImportRegistryFiles::PATH, files)
                .await,
            (StatusCode::UNAUTHORIZED, json!({"App": "NotSignedIn"}))
        );
    }
}

/// An association lets whoever reads that mailbox prove the company's entitlement: each DA of
/// the company is told of every new one (once: importing it again tells nobody).
async fn new_associations_are_told_to_the_companys_das(backend: Backend) {
    let app = crate::support::uploads::demo_app(backend, |_| {}).await;
    let db = app.db();
    let associations = "contract_number,email\n91000001,new.person@northwind.example\n";
    let told = |db: &Database| {
        let pool = db.pool().clone();
        async move {
            sqlx::query_as::<_, (String, String, String)>(
                "SELECT to_address, subject, text_body FROM outbox WHERE subject LIKE 'Email addresses associated%' ORDER BY id",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    import(
        db,
        source(&[(RegistryFile::AccountContracts, associations)]),
    )
    .await
    .unwrap();
    let mail = told(db).await;
    assert_eq!(mail.len(), 1, "Northwind has one DA: {mail:?}");
    let (to, subject, body) = &mail[0];
    assert_eq!(to, "dana.admin@northwind.example");
    assert!(subject.contains("Northwind"), "{subject}");
    assert!(
        body.contains("new.person@northwind.example: contract 91000001"),
        "{body}"
    );
    import(
        db,
        source(&[(RegistryFile::AccountContracts, associations)]),
    )
    .await
    .unwrap();
    assert_eq!(told(db).await.len(), 1, "nothing new, nothing told");
}
