//! Writers at the same moment on one database: four companies' uploads, fifteen sign-ins, a DA
//! changing roles and support access, all at once. Every request gets its real answer: none fails
//! with "database is locked" (SQLite: WAL, a busy timeout, and write transactions that take the
//! lock up front).

use app::access::{ChangeMemberRole, EndSupportAccess, GrantSupportAccess};
use axum::http::StatusCode;
use futures_util::future::join_all;
use leptos::server_fn::ServerFn;

use crate::{
    support::people::account_id,
    support::uploads::{demo_app, login, token_for, upload_csv},
    support::{both_databases, Backend, Browser},
};

both_databases!(simultaneous_writers_all_get_their_answer);

async fn simultaneous_writers_all_get_their_answer(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let companies = ["NW-1001", "CT-2002", "FB-3003", "TS-9001"];
    let mut tokens = Vec::new();
    for company in companies {
        tokens.push(token_for(&app, company, "load").await);
    }
    let ben = account_id(&app, "ben.user").await.to_string();
    let mut dana = login(&app, "dana.admin").await;
    let dana_cookie = dana.cookie.clone();

    let uploads = tokens.iter().enumerate().map(|(n, token)| {
        let app = &app;
        async move {
            let mut file = String::from("serial_number,product_id,hostname\n");
            for d in 0..20_000 {
                file.push_str(&format!("W{n}D{d:06},C9300-48P,host-{d}\n"));
            }
            let (status, body) = upload_csv(app, token, &file).await;
            (format!("upload {n}"), status, body.to_string())
        }
    });
    // Five at once per account: the most sign-ins of one account checked at the same time (each is
    // counted before its password is checked; see accounts::parallel_guesses_…).
    let sign_ins = (0..15).map(|n| {
        let app = &app;
        async move {
            let who = ["ben.user", "dana.admin", "olivia.ops"][n % 3];
            let mut browser = Browser::new(app);
            let (status, body) = browser
                .call(
                    app::accounts::Login::PATH,
                    &[
                        ("login", who),
                        ("password", crate::support::people::PASSWORD),
                    ],
                )
                .await;
            (format!("sign-in {n}"), status, body.to_string())
        }
    });
    let changes = (0..10).map(|n| {
        let app = &app;
        let ben = ben.clone();
        let cookie = dana_cookie.clone();
        async move {
            let mut dana = Browser { app, cookie };
            let (status, body) = match n % 4 {
                0 => {
                    dana.call(
                        ChangeMemberRole::PATH,
                        &[("account_id", &ben), ("role", "admin")],
                    )
                    .await
                }
                1 => {
                    dana.call(
                        ChangeMemberRole::PATH,
                        &[("account_id", &ben), ("role", "user")],
                    )
                    .await
                }
                2 => dana.call(GrantSupportAccess::PATH, &[("hours", "4")]).await,
                _ => dana.call(EndSupportAccess::PATH, &[]).await,
            };
            (format!("change {n}"), status, body.to_string())
        }
    });
    let (mut outcomes, sign_ins, changes) =
        tokio::join!(join_all(uploads), join_all(sign_ins), join_all(changes));
    outcomes.extend(sign_ins);
    outcomes.extend(changes);
    for (what, status, body) in &outcomes {
        assert!(!body.contains("locked"), "{what}: {body}");
        assert!(status.as_u16() < 500, "{what}: {status} {body}");
        if what.starts_with("upload") {
            assert_eq!(*status, StatusCode::CREATED, "{what}: {body}");
        }
        if what.starts_with("sign-in") {
            assert_eq!(*status, StatusCode::OK, "{what}: {body}");
        }
    }
    // The changes may say "already so" or "no grant to end", never fail.
    let _ = dana.call(app::access::LoadAccess::PATH, &[]).await;
}
