//! Mail goes out through a real SMTP listener (Debian's python3-aiosmtpd, writing a Maildir), and
//! waits in the outbox while the listener is down.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command},
    sync::Arc,
    time::Duration,
};

use app::{
    accounts::Register,
    platform::{AppState, Settings},
};
use leptos::server_fn::ServerFn;

use crate::support::{both_databases, Backend, Browser, TestApp};

/// An SMTP listener on a local port that stores every message it receives in a Maildir.
pub struct SmtpListener {
    port: u16,
    maildir: PathBuf,
    child: Option<Child>,
}

impl SmtpListener {
    pub fn start(maildir: &Path, port: u16) -> Self {
        let python =
            std::env::var("NETCARE_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned());
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {python} -m aiosmtpd (scripts/test.sh installs python3-aiosmtpd): {err}"));
        let listener = Self {
            port,
            maildir: maildir.to_owned(),
            child: Some(child),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return listener;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the SMTP listener did not start on port {port}");
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect()
    }
}

impl Drop for SmtpListener {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn state(app: &TestApp) -> AppState {
    let mut settings = Settings::new(crate::support::PUBLIC_URL);
    settings.mail_from = "NetCare <no-reply@netcare.test>".into();
    AppState {
        db: app.db().clone(),
        settings: Arc::new(settings),
    }
}

async fn queue_verification_mail(app: &TestApp, email: &str) {
    let mut browser = Browser::new(app);
    let (status, body) = browser
        .call(
            Register::PATH,
            &[
                ("username", "ann"),
                ("full_name", "Ann Lee"),
                ("email", email),
                ("password", crate::support::people::PASSWORD),
            ],
        )
        .await;
    assert!(status.is_success(), "{body}");
}

async fn outbox_state(app: &TestApp) -> (i64, Option<String>, Option<String>) {
    sqlx::query_as("SELECT attempts, sent_at, last_error FROM outbox")
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

both_databases!(
    mail_reaches_the_smtp_server,
    mail_waits_while_smtp_is_down,
    a_killed_sender_loses_nothing
);

async fn mail_reaches_the_smtp_server(backend: Backend) {
    let app = TestApp::new(backend).await;
    let smtp = SmtpListener::start(&app.test_db.dir().join("maildir"), free_port());
    queue_verification_mail(&app, "ann@corp.example").await;
    let transport =
        netcare_server::mail_sender::transport(&format!("smtp://127.0.0.1:{}", smtp.port)).unwrap();
    let sent = netcare_server::mail_sender::deliver_due(&state(&app), &transport)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(
        message.contains("Subject: Verify your email address for NetCare"),
        "{message}"
    );
    assert!(message.contains("To: ann@corp.example"), "{message}");
    // Its Message-ID names the outbox row, the same on every attempt.
    assert!(message.contains("Message-ID: <outbox-1-"), "{message}");
    assert!(
        message.contains("text/html") && message.contains("text/plain"),
        "{message}"
    );
    assert!(
        message.contains("http://netcare.test/verify-email?token="),
        "{message}"
    );
    let (attempts, sent_at, _) = outbox_state(&app).await;
    assert_eq!(attempts, 1);
    assert!(sent_at.is_some());
    // Once sent, the link is no longer in the database; who, when and what about stay.
    let (subject, text, html): (String, String, String) =
        sqlx::query_as("SELECT subject, text_body, html_body FROM outbox")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(subject, "Verify your email address for NetCare");
    assert_eq!((text.as_str(), html.as_str()), ("", ""));
    // Nothing is sent twice.
    assert_eq!(
        netcare_server::mail_sender::deliver_due(&state(&app), &transport)
            .await
            .unwrap(),
        0
    );
}

async fn mail_waits_while_smtp_is_down(backend: Backend) {
    let app = TestApp::new(backend).await;
    let port = free_port();
    let maildir = app.test_db.dir().join("maildir");
    let mut smtp = SmtpListener::start(&maildir, port);
    smtp.stop();
    queue_verification_mail(&app, "ann@corp.example").await;
    let transport =
        netcare_server::mail_sender::transport(&format!("smtp://127.0.0.1:{port}")).unwrap();
    netcare_server::mail_sender::deliver_due(&state(&app), &transport)
        .await
        .unwrap();
    let (attempts, sent_at, error) = outbox_state(&app).await;
    assert_eq!((attempts, sent_at), (1, None));
    assert!(error.is_some(), "the failure is recorded");
    // Not due again until the backoff has passed.
    assert_eq!(
        netcare_server::mail_sender::deliver_due(&state(&app), &transport)
            .await
            .unwrap(),
        0
    );

    let smtp = SmtpListener::start(&maildir, port);
    let mut delivered = false;
    for _ in 0..50 {
        netcare_server::mail_sender::deliver_due(&state(&app), &transport)
            .await
            .unwrap();
        if outbox_state(&app).await.1.is_some() {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(delivered, "the message goes out once the server is back");
    assert_eq!(smtp.messages().len(), 1, "exactly once");
    assert_eq!(outbox_state(&app).await.0, 2);
}

/// The server is killed (SIGKILL) while it sends a queue of mail; once another takes over, every
/// message arrives. At most the one message in flight at the kill can arrive twice (the SMTP
/// server had taken it, the outbox had not yet marked it), and then with the same Message-ID.
async fn a_killed_sender_loses_nothing(backend: Backend) {
    use crate::upload_faults::Server;
    let t = crate::support::TestDb::fresh(backend).await;
    let smtp = SmtpListener::start(&t.dir().join("maildir"), free_port());
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    const MESSAGES: usize = 60;
    let mut tx = t.db.begin_write().await.unwrap();
    for n in 0..MESSAGES {
        let email = app::mail::templates::access_request_for_da(
            &format!("da{n}@corp.example"),
            "Dana",
            "Someone",
            "someone@corp.example",
            "Corp",
            "http://netcare.test/access/requests",
        );
        app::mail::outbox::enqueue(&mut tx, &email).await.unwrap();
    }
    tx.commit().await.unwrap();

    let server = Server::start_with(&t.url, t.dir(), &["--smtp-url", &smtp_url]);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while smtp.messages().len() < 10 {
        assert!(std::time::Instant::now() < deadline, "no mail went out");
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    let delivered_before = smtp.messages().len();
    assert!(delivered_before < MESSAGES, "killed before the end");
    // The dead sender's claim lapses (here at once, instead of after its two minutes).
    sqlx::query("UPDATE outbox SET locked_until = NULL WHERE sent_at IS NULL")
        .execute(t.db.pool())
        .await
        .unwrap();
    let _next = Server::start_with(&t.url, t.dir(), &["--smtp-url", &smtp_url]);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        if unsent == 0 && smtp.messages().len() >= MESSAGES {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{unsent} messages never went out"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let received = smtp.messages();
    let message_id = |message: &String| {
        message
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap_or_default()
            .to_owned()
    };
    let mut duplicates = 0;
    for n in 0..MESSAGES {
        let to = format!("To: da{n}@corp.example");
        let copies: Vec<&String> = received.iter().filter(|m| m.contains(&to)).collect();
        assert!(!copies.is_empty(), "da{n} never received its mail");
        if copies.len() > 1 {
            duplicates += copies.len() - 1;
            assert!(
                copies
                    .iter()
                    .all(|m| message_id(m) == message_id(copies[0])),
                "a copy sent again keeps its Message-ID"
            );
        }
    }
    assert!(duplicates <= 1, "{duplicates} messages arrived twice");
    eprintln!("killed after {delivered_before} of {MESSAGES}; {duplicates} sent twice");
}
