//! Several `netcare serve` processes on one database behave as one: they start together on an
//! empty database (migrating it once), a session made on one works on the other, the daily
//! upload quota is exact with uploads spread over both, every queued email is sent exactly once,
//! and a registry change's coverage is decided again exactly once.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use app::{
    mail::{outbox, templates},
    platform::{db::PoolSettings, AppState, Database, Settings},
    registry::import::{import_registry, ChangeOrigin, RegistryFile},
};

use crate::{
    mail_delivery::{free_port, SmtpListener},
    support::cli::netcare,
    support::people::PASSWORD,
    support::{both_databases, fresh_postgres_database, Backend},
    upload_faults::Server,
};

both_databases!(two_servers_on_one_database_behave_as_one);

/// One HTTP/1.1 exchange (the connection closes after it): status, headers and body.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

fn cookie_of(head: &str) -> String {
    head.lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

async fn wait_until<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn two_servers_on_one_database_behave_as_one(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        Backend::Sqlite => dir.path().join("netcare.db").display().to_string(),
        Backend::Postgres => fresh_postgres_database().await,
    };
    let smtp_port = free_port();
    let maildir = dir.path().join("maildir");
    let smtp = SmtpListener::start(&maildir, smtp_port);
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}");
    let args = ["--smtp-url", smtp_url.as_str()];

    // Both start at once on the empty database: the migrations run once, neither fails.
    let (one, two) = std::thread::scope(|scope| {
        let one = scope.spawn(|| Server::start_with(&url, dir.path(), &args));
        let two = scope.spawn(|| Server::start_with(&url, dir.path(), &args));
        (one.join().unwrap(), two.join().unwrap())
    });
    let db = Database::connect(&url, &PoolSettings::default())
        .await
        .unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let mut unique = versions.clone();
    unique.dedup();
    assert_eq!(versions, unique, "each migration applied once");
    let demo = netcare(&url, &["demo"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    // A session made on one server works on the other; signing out on the other ends it.
    let login = format!("login=ben.user&password={}", PASSWORD.replace(' ', "+"));
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let (status, head, _) = http(
        one.port,
        "POST",
        "/api/accounts/login",
        &form,
        login.as_bytes(),
    );
    assert_eq!(status, 200, "{head}");
    let cookie = cookie_of(&head);
    let with_cookie = [form[0], ("cookie", cookie.as_str())];
    let (status, _, me) = http(two.port, "POST", "/api/accounts/me", &with_cookie, b"");
    assert_eq!(status, 200);
    assert!(me.contains("\"username\":\"ben.user\""), "{me}");
    assert_eq!(
        http(two.port, "POST", "/api/accounts/logout", &with_cookie, b"").0,
        200
    );
    let (_, _, me) = http(one.port, "POST", "/api/accounts/me", &with_cookie, b"");
    assert_eq!(me, "null");

    // The quota: one upload, then eight at once over both servers; four of them fit in five.
    let state = AppState {
        db: db.clone(),
        settings: std::sync::Arc::new(Settings::new("http://127.0.0.1")),
    };
    let (_, token) =
        app::inventory::tokens::create(&state, "NW-1001", None, "both", None, Default::default())
            .await
            .unwrap();
    let auth = format!("Bearer {token}");
    let upload = |port: u16, csv: String| {
        http(
            port,
            "POST",
            "/api/v1/uploads",
            &[
                ("authorization", auth.as_str()),
                ("content-type", "text/csv"),
            ],
            csv.as_bytes(),
        )
        .0
    };
    assert_eq!(
        upload(
            one.port,
            "serial_number,product_id\nNOPE0000001,C9300-48P\n".into()
        ),
        201
    );
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..8)
            .map(|n| {
                let port = if n % 2 == 0 { one.port } else { two.port };
                let upload = &upload;
                scope.spawn(move || {
                    upload(
                        port,
                        format!("serial_number,product_id\nRACE{n:04},C9300-48P\n"),
                    )
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        4,
        "{statuses:?}"
    );

    // Mail: twenty messages queued, both servers sending; each arrives once.
    let mut tx = db.begin_write().await.unwrap();
    for n in 0..20 {
        let email = templates::access_request_for_da(
            &format!("da{n}@northwind.example"),
            "Dana",
            "Someone",
            "someone@northwind.example",
            "Northwind",
            "http://127.0.0.1/access/requests",
        );
        outbox::enqueue(&mut tx, &email).await.unwrap();
    }
    tx.commit().await.unwrap();
    wait_until("the mail to go out", || async {
        let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(db.pool())
            .await
            .unwrap();
        unsent == 0
    })
    .await;
    let received = smtp.messages();
    for n in 0..20 {
        let to = format!("da{n}@northwind.example");
        let copies = received
            .iter()
            .filter(|m| m.contains(&format!("To: {to}")))
            .count();
        assert_eq!(copies, 1, "{to} received {copies} copies");
    }

    // A registry change nobody recomputed (its importer stopped): one of the servers takes it,
    // once. The line makes NOPE0000001 covered.
    let source = crate::support::registry::source(&[(
        RegistryFile::ContractLines,
        crate::support::registry::LINE_COVERING_NOPE,
    )]);
    let report = import_registry(&db, source, ChangeOrigin::CommandLine, "test")
        .await
        .unwrap();
    wait_until("the change's coverage to be decided", || async {
        let done: Option<String> =
            sqlx::query_scalar("SELECT recomputed_at FROM registry_changes WHERE id = $1")
                .bind(report.change_id)
                .fetch_one(db.pool())
                .await
                .unwrap();
        done.is_some()
    })
    .await;
    // Both workers keep polling: give them the chance to take it twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let runs: i64 = sqlx::query_scalar("SELECT recompute_runs FROM registry_changes WHERE id = $1")
        .bind(report.change_id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(runs, 1);
    let status: String = sqlx::query_scalar(
        "SELECT status FROM devices WHERE company_id = 'NW-1001' AND serial_number = 'NOPE0000001'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(status, "covered");
    db.close().await;
    // Dropping the servers stops them.
    drop((one, two));
}
