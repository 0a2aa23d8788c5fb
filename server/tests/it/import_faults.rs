//! `netcare registry import` killed (SIGKILL) while it imports leaves nothing of the change; killed
//! while it decides coverage again, the change stays whole and pending, and a server's worker
//! finishes the coverage once the dead process's lease lapses.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use app::coverage::{recompute::recompute_company, Cause};

use crate::{
    scale_out::http,
    support::cli::netcare,
    support::{both_databases, Backend, TestDb},
    upload_faults::Server,
};

both_databases!(a_killed_import_or_recompute_is_never_half_applied);

const DEVICES: usize = 100_000;

fn start_import(url: &str, dir: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_netcare"))
        .args(["registry", "import"])
        .arg(dir)
        .env("DATABASE_URL", url)
        .env("NETCARE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run netcare registry import")
}

async fn count(t: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

async fn a_killed_import_or_recompute_is_never_half_applied(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let url = t.url.clone();
    let registry = t.dir().join("registry");
    let inventory = t.dir().join("inventory.csv");
    let generated = netcare(
        &url,
        &[
            "demo",
            "--devices",
            &DEVICES.to_string(),
            "--out",
            registry.to_str().unwrap(),
            "--inventory",
            inventory.to_str().unwrap(),
            "--no-import",
        ],
    );
    assert!(generated.status.success());

    // Killed while importing: all or nothing (nothing, unless it was already done).
    let mut import = start_import(&url, &registry);
    std::thread::sleep(Duration::from_millis(150));
    import.kill().unwrap();
    import.wait().unwrap();
    let (lines, changes) = (
        count(&t, "SELECT COUNT(*) FROM contract_lines").await,
        count(&t, "SELECT COUNT(*) FROM registry_changes").await,
    );
    assert!(
        (lines, changes) == (0, 0) || (lines, changes) == (DEVICES as i64, 1),
        "{lines} lines, {changes} changes: half an import"
    );
    eprintln!("import killed with {lines} lines and {changes} changes applied");
    if changes == 0 {
        let again = netcare(&url, &["registry", "import", registry.to_str().unwrap()]);
        assert!(again.status.success());
    }

    // A company's devices, through a real server and its API.
    let server = Server::start_with(&url, t.dir(), &["--max-upload-mb", "200"]);
    let state = app::platform::AppState {
        db: t.db.clone(),
        settings: std::sync::Arc::new(app::platform::Settings::new("http://127.0.0.1")),
    };
    let (_, token) = app::inventory::tokens::create(
        &state,
        "GEN-C00000",
        None,
        "fault",
        None,
        Default::default(),
    )
    .await
    .unwrap();
    let body = std::fs::read(&inventory).unwrap();
    let auth = format!("Bearer {token}");
    let (status, _, answer) = http(
        server.port,
        "POST",
        "/api/v1/uploads",
        &[
            ("authorization", auth.as_str()),
            ("content-type", "text/csv"),
        ],
        &body,
    );
    assert_eq!(status, 201, "{answer}");

    // A registry change touching every line: each ends a year later. Killed once the import is
    // done and the recompute has begun.
    let lines_file = registry.join("contract_lines.csv");
    let changed: String = std::fs::read_to_string(&lines_file)
        .unwrap()
        .lines()
        .map(|line| {
            line.replace(",2024-12-31", ",2025-12-31")
                .replace(",2029-12-31", ",2030-12-31")
                .replace(",2030-05-31", ",2031-05-31")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let change_dir = t.dir().join("change");
    std::fs::create_dir_all(&change_dir).unwrap();
    std::fs::write(change_dir.join("contract_lines.csv"), changed + "\n").unwrap();
    let mut import = start_import(&url, &change_dir);
    let deadline = Instant::now() + Duration::from_secs(120);
    let caught = loop {
        let state: Option<(i64, Option<String>)> = sqlx::query_as(
            "SELECT recompute_runs, recomputed_at FROM registry_changes ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(t.db.pool())
        .await
        .unwrap();
        match state {
            Some((1, None)) if count(&t, "SELECT COUNT(*) FROM registry_changes").await == 2 => {
                import.kill().unwrap();
                break true;
            }
            Some((_, Some(_))) if count(&t, "SELECT COUNT(*) FROM registry_changes").await == 2 => {
                break false; // finished before it could be caught: nothing to repair
            }
            _ => {}
        }
        if let Ok(Some(_)) = import.try_wait() {
            break false;
        }
        assert!(
            Instant::now() < deadline,
            "the import never reached its recompute"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let _ = import.wait();
    // The kill can land just after the recompute finished (a loaded machine): then there is
    // nothing to repair either.
    let caught = caught
        && count(
            &t,
            "SELECT COUNT(*) FROM registry_changes WHERE recomputed_at IS NULL",
        )
        .await
            > 0;
    eprintln!("recompute killed midway: {caught}");
    // The change itself is whole either way.
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM contract_lines WHERE end_date LIKE '2024-%'"
        )
        .await,
        0
    );
    if caught {
        // The dead importer's lease lapses (here at once, instead of within a minute); the
        // running server's worker takes the change and finishes it.
        sqlx::query("UPDATE registry_changes SET recompute_locked_until = '2000-01-01T00:00:00.000000Z' WHERE recomputed_at IS NULL")
            .execute(t.db.pool())
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while count(
            &t,
            "SELECT COUNT(*) FROM registry_changes WHERE recomputed_at IS NULL",
        )
        .await
            > 0
        {
            assert!(Instant::now() < deadline, "no worker finished the change");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            count(&t, "SELECT MAX(recompute_runs) FROM registry_changes").await,
            2,
            "taken again once"
        );
    }
    // Nothing is left half-applied: deciding every device again changes none.
    drop(server);
    let again = recompute_company(&t.db, "GEN-C00000", 90, Cause::Refresh)
        .await
        .unwrap();
    assert_eq!((again.devices, again.changed), (DEVICES as u64, 0));
}
