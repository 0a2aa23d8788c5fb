//! The `netcare` binary's subcommands, run as an operator would.

use app::registry::{queries::registry_stats, RegistryStats};

use crate::support::cli::*;
use crate::support::{both_databases, Backend, TestDb};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

both_databases!(
    backup_copies_a_running_database,
    registry_import_command,
    demo_command_loads_once,
    generated_registry_and_inventory
);

async fn registry_import_command(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let url = t.url.clone();
    let dir = t.dir().join("registry");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("companies.csv"),
        crate::support::registry::COMPANIES,
    )
    .unwrap();
    std::fs::write(dir.join("contract_lines.csv"), "contract_number,serial_number,product_id,mac_address,start_date,end_date\n404,S,P,,2026-01-01,2027-01-01\n").unwrap();

    let refused = netcare(&url, &["registry", "import", dir.to_str().unwrap()]);
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("nothing was applied"), "{stderr}");
    assert!(
        stderr
            .contains("contract_lines.csv line 2, column contract_number: unknown contract `404`"),
        "{stderr}"
    );
    assert!(registry_stats(t.db.pool()).await.unwrap().is_empty());

    std::fs::remove_file(dir.join("contract_lines.csv")).unwrap();
    let accepted = netcare(
        &url,
        &[
            "registry",
            "import",
            dir.to_str().unwrap(),
            "--actor",
            "ops",
        ],
    );
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    let stdout = text(&accepted.stdout);
    assert!(
        stdout.contains("companies.csv") && stdout.contains("2 new or changed"),
        "{stdout}"
    );
    let actor: String = sqlx::query_scalar("SELECT actor FROM registry_changes")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(actor, "ops");
    // The import is in the security log, which operators read as CSV.
    let log = netcare(&url, &["security-log", "--since", "2026-01-01"]);
    assert!(log.status.success(), "{}", text(&log.stderr));
    let log = text(&log.stdout);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,company_id,account_id,actor,kind,detail,client_address"
    );
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[1].contains(",,,ops,registry_imported,change #")
            && lines[1].contains(" (command-line import): companies.csv 2 rows,"),
        "{log}"
    );
    let other = netcare(&url, &["security-log", "--company", "NW-1001"]);
    assert_eq!(text(&other.stdout).lines().count(), 1, "the header alone");
    let bad_day = netcare(&url, &["security-log", "--since", "yesterday"]);
    assert!(!bad_day.status.success());
    assert!(text(&bad_day.stderr).contains("YYYY-MM-DD"));

    let missing = netcare(&url, &["registry", "import", "/no/such/dir"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("/no/such/dir is not a directory"));
}

async fn demo_command_loads_once(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let first = netcare(&t.url, &["demo", "--today", "2026-11-22"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let loaded = registry_stats(t.db.pool()).await.unwrap();
    assert_eq!(
        loaded,
        RegistryStats {
            companies: 4,
            sites: 6,
            contracts: 11,
            contract_lines: 22,
            associated_accounts: 6
        }
    );
    let stdout = text(&first.stdout);
    assert!(stdout.contains("copper kettle orbit lantern"), "{stdout}");
    let accounts: Vec<(String, app::platform::db::DbBool)> =
        sqlx::query_as("SELECT username, is_agent FROM accounts ORDER BY username")
            .fetch_all(t.db.pool())
            .await
            .unwrap();
    let names: Vec<&str> = accounts.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        names,
        [
            "agent",
            "agent2",
            "alex.ward",
            "ben.user",
            "carla.new",
            "dana.admin",
            "olivia.ops",
            "uma.user"
        ]
    );
    assert!(
        accounts.iter().any(|(u, agent)| u == "agent" && agent.0),
        "the demo agent is an agent"
    );
    // Northwind already has its Delegated Administrator, an Administrator and an ordinary user.
    let members: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.username, m.role FROM company_members m JOIN accounts a ON a.id = m.account_id WHERE m.company_id = 'NW-1001' ORDER BY a.username",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        members,
        [
            ("ben.user".to_owned(), "user".to_owned()),
            ("dana.admin".to_owned(), "da".to_owned()),
            ("olivia.ops".to_owned(), "admin".to_owned())
        ]
    );
    let skipped = netcare(&t.url, &["demo", "--if-empty"]);
    assert!(text(&skipped.stdout).contains("already holds data"));
    let again = netcare(&t.url, &["demo", "--today", "2026-11-22"]);
    assert!(again.status.success());
    assert_eq!(
        registry_stats(t.db.pool()).await.unwrap(),
        loaded,
        "the demo is idempotent"
    );

    // The walk-through holds every status relative to its day: active, expiring within 90 days,
    // expired and starting in the future.
    let ends: Vec<(String, String, String)> =
        sqlx::query_as("SELECT contract_number, start_date, end_date FROM contracts WHERE company_id = 'NW-1001' ORDER BY contract_number")
            .fetch_all(t.db.pool())
            .await
            .unwrap();
    let today = "2026-11-22";
    assert!(
        ends.iter()
            .any(|(_, s, e)| s.as_str() <= today && e.as_str() > "2027-02-20"),
        "active"
    );
    assert!(
        ends.iter().any(|(_, s, e)| s.as_str() <= today
            && e.as_str() > today
            && e.as_str() <= "2027-02-20"),
        "expiring"
    );
    assert!(ends.iter().any(|(_, _, e)| e.as_str() < today), "expired");
    assert!(ends.iter().any(|(_, s, _)| s.as_str() > today), "future");
}

async fn generated_registry_and_inventory(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let out = t.dir().join("generated");
    let inventory = t.dir().join("inventory.csv");
    let run = netcare(
        &t.url,
        &[
            "demo",
            "--devices",
            "2500",
            "--out",
            out.to_str().unwrap(),
            "--inventory",
            inventory.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stats = registry_stats(t.db.pool()).await.unwrap();
    assert_eq!(
        (stats.contract_lines, stats.contracts, stats.companies),
        (2500, 3, 1)
    );
    let inventory = std::fs::read_to_string(inventory).unwrap();
    assert_eq!(inventory.lines().count(), 2501);
    assert!(inventory.starts_with(
        "serial_number,product_id,hostname,ip_address,mac_address,software_type,software_version,site\n"
    ));
}

/// A SQLite deployment in use (registry, people, an upload with coverage, access changes) moves
/// to PostgreSQL: the copy is checked, the server runs on it, and a second copy is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_deployment_moves_to_postgres() {
    use crate::{
        support::fresh_postgres_database,
        support::uploads::{demo_app, login, token_for, upload_csv, NORTHWIND_FILE},
        upload_faults::Server,
    };
    use app::access::ChangeMemberRole;
    use leptos::server_fn::ServerFn;

    let app = demo_app(Backend::Sqlite, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    let ben = crate::support::people::account_id(&app, "ben.user").await;
    let mut dana = login(&app, "dana.admin").await;
    let (status, _) = dana
        .call(
            ChangeMemberRole::PATH,
            &[("account_id", &ben.to_string()), ("role", "admin")],
        )
        .await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let from = app.test_db.url.clone();
    let to = fresh_postgres_database().await;

    let moved = netcare(
        "unused.db",
        &["db", "migrate-to-postgres", "--from", &from, "--to", &to],
    );
    let stdout = text(&moved.stdout);
    assert!(moved.status.success(), "{}{}", stdout, text(&moved.stderr));
    assert!(
        stdout.contains("row counts and the coverage of 1 companies match"),
        "{stdout}"
    );
    assert!(stdout.contains("devices                  6"), "{stdout}");

    let pg = app::platform::Database::connect(&to, &Default::default())
        .await
        .unwrap();
    for table in [
        "accounts",
        "company_members",
        "contract_lines",
        "devices",
        "role_events",
        "sessions",
    ] {
        let count = |db: &app::platform::Database| {
            let pool = db.pool().clone();
            let sql = format!("SELECT COUNT(*) FROM {table}");
            async move {
                sqlx::query_scalar::<_, i64>(&sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(count(app.db()).await, count(&pg).await, "{table}");
    }
    // New rows get new ids after the copied ones.
    let (_, second) = app::inventory::tokens::create(
        &app::platform::AppState {
            db: pg.clone(),
            settings: std::sync::Arc::new(app::platform::Settings::new("http://localhost")),
        },
        "NW-1001",
        None,
        "after the move",
        None,
        Default::default(),
    )
    .await
    .unwrap();
    assert!(second.starts_with("nct_"));

    // The real server on PostgreSQL: Dana's session from SQLite still works, with her role.
    let site = tempfile::tempdir().unwrap();
    let server = Server::start_with(&to, site.path(), &[]);
    let cookie = dana.cookie.clone().unwrap();
    let (status, _, answer) = crate::scale_out::http(
        server.port,
        "POST",
        "/api/access/load",
        &[
            ("cookie", cookie.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        b"",
    );
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("Role: User → Administrator"), "{answer}");
    drop(server);

    // The target now holds data: a second copy is refused and changes nothing.
    let again = netcare(
        "unused.db",
        &["db", "migrate-to-postgres", "--from", &from, "--to", &to],
    );
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already holds data"),
        "{}",
        text(&again.stderr)
    );
}

/// `netcare backup FILE` copies a SQLite database while it is written to; the copy is whole and
/// opens as a NetCare database. PostgreSQL is pointed to pg_dump.
async fn backup_copies_a_running_database(backend: Backend) {
    use crate::support::uploads::{demo_app, token_for, upload_csv, NORTHWIND_FILE};
    let app = demo_app(backend, |_| {}).await;
    let url = app.test_db.url.clone();
    let target = app.test_db.dir().join("backup.db");
    let target_text = target.display().to_string();
    if matches!(backend, Backend::Postgres) {
        let refused = netcare(&url, &["backup", &target_text]);
        assert!(!refused.status.success());
        assert!(
            text(&refused.stderr).contains("pg_dump"),
            "{}",
            text(&refused.stderr)
        );
        return;
    }
    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    // A collector keeps uploading while the copy is made.
    let writer = {
        let mut file = String::from("serial_number,product_id\n");
        for n in 0..20_000 {
            file.push_str(&format!("BK{n:06},C9300-48P\n"));
        }
        let app_ref = &app;
        let token = token.clone();
        async move { upload_csv(app_ref, &token, &file).await.0 }
    };
    let backup = tokio::task::spawn_blocking({
        let url = url.clone();
        let target_text = target_text.clone();
        move || netcare(&url, &["backup", &target_text])
    });
    let (status, copied) = tokio::join!(writer, backup);
    assert_eq!(status, axum::http::StatusCode::CREATED);
    let copied = copied.unwrap();
    assert!(copied.status.success(), "{}", text(&copied.stderr));
    assert!(text(&copied.stdout).contains("Backed up the database"));

    let restored = app::platform::Database::connect(&target_text, &Default::default())
        .await
        .unwrap();
    restored.migrate().await.unwrap();
    let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(restored.pool())
        .await
        .unwrap();
    assert_eq!(ok, "ok");
    let violations: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(restored.pool())
        .await
        .unwrap();
    assert!(violations.is_empty(), "{violations:?}");
    // The copy is one moment of the database: the concurrent upload is in it whole, or not at all.
    let (devices, uploads): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM devices), (SELECT COUNT(*) FROM uploads)")
            .fetch_one(restored.pool())
            .await
            .unwrap();
    assert!(
        (devices, uploads) == (6, 1) || (devices, uploads) == (20_006, 2),
        "{devices} devices, {uploads} uploads"
    );
    for table in [
        "accounts",
        "company_members",
        "contracts",
        "contract_lines",
        "registry_changes",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let original: i64 = sqlx::query_scalar(&sql)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        let copy: i64 = sqlx::query_scalar(&sql)
            .fetch_one(restored.pool())
            .await
            .unwrap();
        assert_eq!(original, copy, "{table}");
    }
    restored.close().await;
    let again = netcare(&url, &["backup", &target_text]);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already exists"));
}
