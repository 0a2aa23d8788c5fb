//! Developer conveniences are never reachable from the network: the mailbox (which lists live
//! password-reset links) answers this machine only, the server refuses to start with it where the
//! network could reach it, and demo accounts with the published password are called out.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use app::accounts::RequestPasswordReset;
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use leptos::server_fn::ServerFn;

use crate::{
    support::cli::netcare,
    support::people::signed_in,
    support::{body_text, both_databases, Backend, Browser, TestApp, TestDb},
};

both_databases!(
    the_mailbox_answers_only_this_machine,
    demo_accounts_with_the_published_password_are_warned_of
);

/// A request to the mailbox as if it came from `peer`, with extra headers.
fn mailbox_request(peer: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get("/dev/mailbox");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    let peer: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

async fn the_mailbox_answers_only_this_machine(backend: Backend) {
    let app = TestApp::new(backend).await;
    drop(signed_in(&app, "ann", "ann@corp.example").await);
    let mut visitor = Browser::new(&app);
    let (status, _) = visitor
        .call(RequestPasswordReset::PATH, &[("email", "ann@corp.example")])
        .await;
    assert_eq!(status, StatusCode::OK);

    // This machine reads the reset link.
    let local = app.send(mailbox_request("127.0.0.1:50000", &[])).await;
    assert_eq!(local.status(), StatusCode::OK);
    let page = body_text(local).await;
    assert!(page.contains("/reset-password?token="), "{page}");

    // Anyone else, or anyone through a proxy on this machine, gets nothing of it.
    for (peer, headers) in [
        ("10.1.2.3:40000", &[][..]),
        ("[2001:db8::7]:40000", &[]),
        ("127.0.0.1:50000", &[("x-forwarded-for", "203.0.113.9")]),
        ("127.0.0.1:50000", &[("forwarded", "for=203.0.113.9")]),
    ] {
        let response = app.send(mailbox_request(peer, headers)).await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{peer} {headers:?}"
        );
        let body = body_text(response).await;
        assert!(!body.contains("reset-password"), "{body}");
        assert!(!body.contains("ann@corp.example"), "{body}");
    }
    // A request whose peer is unknown (no connection information) is not trusted either.
    let unknown = app.get("/dev/mailbox").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

/// `netcare serve` refuses the mailbox on a network address or behind a public URL.
#[test]
fn the_server_refuses_the_mailbox_where_the_network_reaches_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("netcare.db").display().to_string();
    for args in [
        &["serve", "--dev-mailbox", "--bind", "0.0.0.0:0"][..],
        &[
            "serve",
            "--dev-mailbox",
            "--bind",
            "127.0.0.1:0",
            "--public-url",
            "https://netcare.example.com",
        ],
    ] {
        let output = netcare(&url, args);
        assert!(!output.status.success(), "{args:?} started");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--dev-mailbox"), "{args:?}: {stderr}");
    }
    assert!(
        !dir.path().join("netcare.db").exists(),
        "refused before touching the database"
    );
}

async fn demo_accounts_with_the_published_password_are_warned_of(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let site = t.dir().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let demo = netcare(&t.url, &["demo"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let disable = netcare(&t.url, &["account", "disable", "agent"]);
    assert!(
        disable.status.success(),
        "{}",
        String::from_utf8_lossy(&disable.stderr)
    );

    let warning = start_and_read_warning(&t.url, &site, "demo accounts");
    let warning: serde_json::Value = serde_json::from_str(&warning).expect("a JSON log line");
    assert_eq!(warning["level"], "WARN", "{warning}");
    // Every enabled demo account; the first agent is disabled, so no risk.
    assert_eq!(
        warning["accounts"],
        "agent2, dana.admin, ben.user, olivia.ops, uma.user, carla.new, alex.ward",
        "{warning}"
    );
}

/// Starts `netcare serve` on a free loopback port and returns the first log line of its standard
/// error containing `needle` (or panics after 30 s).
fn start_and_read_warning(database_url: &str, site: &std::path::Path, needle: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netcare"))
        .args(["serve", "--bind", "127.0.0.1:0", "--site-dir"])
        .arg(site)
        .env("DATABASE_URL", database_url)
        .env("NETCARE_LOG", "warn")
        .env("NETCARE_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netcare");
    let stderr = child.stderr.take().unwrap();
    let (lines, found) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    let warning = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match found.recv_timeout(left) {
            Ok(line) if line.contains(needle) => break Some(line),
            Ok(line) => seen.push(line),
            Err(_) => break None,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    warning.unwrap_or_else(|| panic!("no warning about {needle}; the server said: {seen:#?}"))
}
