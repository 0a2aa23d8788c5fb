//! The security log: what is recorded where it happens, who reads it (a company's DAs, their
//! company's only), and that nothing changes an event once written.

use app::{
    access::LoadSecurityLog,
    accounts::Login,
    inventory::{CreateCollectorToken, RevokeCollectorToken, TokenScope},
    security_log::{queries, EventKind, SecurityLogFilter, SecurityLogPage},
};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use leptos::server_fn::ServerFn;

use crate::{
    support::uploads::{api, demo_app, login},
    support::{body_text, both_databases, Backend, Browser, TestApp},
};

both_databases!(
    what_happens_is_recorded_for_the_companys_das,
    the_log_is_append_only_and_kept_for_its_retention,
);

async fn security_log(
    browser: &mut Browser<'_>,
    filter: SecurityLogFilter,
    before: Option<i64>,
) -> SecurityLogPage {
    browser
        .run(LoadSecurityLog { filter, before })
        .await
        .expect("a DA reads the log")
}

fn kinds(page: &SecurityLogPage) -> Vec<EventKind> {
    page.events.iter().map(|event| event.kind).collect()
}

async fn what_happens_is_recorded_for_the_companys_das(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    // A wrong password, then the right one.
    let mut dana = Browser::new(&app);
    let (status, _) = dana
        .call(
            Login::PATH,
            &[("login", "dana.admin"), ("password", "not the password")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut dana = login(&app, "dana.admin").await;
    // A collector token: created, used for the first time (twice: logged once), revoked.
    let created = dana
        .run(CreateCollectorToken {
            name: "lab collector".into(),
            expires_in_days: None,
            scope: TokenScope::Read,
        })
        .await
        .unwrap();
    for _ in 0..2 {
        let (status, _, _) = api(&app, "GET", "/api/v1/me", &created.secret, &[], Vec::new()).await;
        assert_eq!(status, StatusCode::OK);
    }
    dana.run(RevokeCollectorToken {
        token_id: created.token.id,
    })
    .await
    .unwrap();
    // An export from the Library.
    let export = Request::get("/api/library/devices.csv?status=covered")
        .header("cookie", dana.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(export).await.status(), StatusCode::OK);

    let page = security_log(&mut dana, SecurityLogFilter::default(), None).await;
    assert_eq!(
        kinds(&page),
        [
            EventKind::Export,
            EventKind::TokenRevoked,
            EventKind::TokenFirstUsed,
            EventKind::TokenCreated,
            EventKind::SignedIn,
            EventKind::SignInFailed,
        ],
        "newest first: {page:?}"
    );
    let event = |kind: EventKind| page.events.iter().find(|e| e.kind == kind).unwrap();
    assert_eq!(event(EventKind::SignInFailed).actor, "dana.admin");
    assert_eq!(event(EventKind::SignInFailed).detail, "wrong password");
    assert_eq!(event(EventKind::TokenFirstUsed).actor, "lab collector");
    assert!(event(EventKind::TokenCreated)
        .detail
        .contains("\"lab collector\" (read only)"));
    assert_eq!(
        event(EventKind::Export).detail,
        "Library CSV of devices where status=covered"
    );
    assert!(page.events.iter().all(|e| !e.at.is_empty()));
    assert_eq!(page.retention_days, 400);
    assert!(!page.more);

    // Filters: by kind, by text, by day; paging goes on from an event.
    let only = |kind: EventKind| SecurityLogFilter {
        kind: kind.as_str().into(),
        ..SecurityLogFilter::default()
    };
    let failed = security_log(&mut dana, only(EventKind::SignInFailed), None).await;
    assert_eq!(kinds(&failed), [EventKind::SignInFailed]);
    let text = SecurityLogFilter {
        search: "LAB COLL".into(),
        ..SecurityLogFilter::default()
    };
    assert_eq!(
        kinds(&security_log(&mut dana, text, None).await),
        [
            EventKind::TokenRevoked,
            EventKind::TokenFirstUsed,
            EventKind::TokenCreated
        ]
    );
    let future = SecurityLogFilter {
        since: "2999-01-01".into(),
        ..SecurityLogFilter::default()
    };
    assert!(security_log(&mut dana, future, None)
        .await
        .events
        .is_empty());
    let older = security_log(
        &mut dana,
        SecurityLogFilter::default(),
        Some(page.events[2].id),
    )
    .await;
    assert_eq!(older.events, page.events[3..]);
    let wrong = dana
        .run(LoadSecurityLog {
            filter: kind_named("drop table"),
            before: None,
        })
        .await;
    assert_eq!(wrong.unwrap_err().0, StatusCode::BAD_REQUEST);

    // Only the company's DAs read it: not its Users, not another company's DA.
    let mut ben = login(&app, "ben.user").await;
    let refused = ben
        .run(LoadSecurityLog {
            filter: SecurityLogFilter::default(),
            before: None,
        })
        .await;
    assert_eq!(refused.unwrap_err().0, StatusCode::FORBIDDEN);
    crate::support::people::add_member(&app, "CT-2002", "bob.ct", "da").await;
    let mut bob = login(&app, "bob.ct").await;
    let theirs = security_log(&mut bob, SecurityLogFilter::default(), None).await;
    assert_eq!(
        kinds(&theirs),
        [EventKind::SignedIn],
        "Bob's own sign-in only"
    );
    assert_eq!(theirs.events[0].actor, "bob.ct");

    // The CSV has the same events, and is itself an export in the log.
    let csv = Request::get("/api/access/security-log.csv?kind=sign_in_failed")
        .header("cookie", dana.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let response = app.send(csv).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csv = body_text(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "at,kind,actor,detail,client_address");
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].contains(",sign_in_failed,dana.admin,wrong password,"));
    let exports = security_log(&mut dana, only(EventKind::Export), None).await;
    assert_eq!(exports.events[0].detail, "Security log CSV");
}

fn kind_named(kind: &str) -> SecurityLogFilter {
    SecurityLogFilter {
        kind: kind.into(),
        ..SecurityLogFilter::default()
    }
}

async fn the_log_is_append_only_and_kept_for_its_retention(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.db();
    for (at, detail) in [
        ("2020-01-01T00:00:00.000000Z", "old"),
        ("2999-01-01T00:00:00.000000Z", "new"),
    ] {
        let mut conn = db.conn().await.unwrap();
        queries::insert(
            &mut conn,
            &queries::EventRecord {
                at,
                company_id: Some("NW-1001"),
                account_id: None,
                actor: "system",
                kind: EventKind::RegistryImported,
                detail,
                client_address: "",
            },
        )
        .await
        .unwrap();
    }
    // No statement changes an event, whoever sends it.
    let changed = sqlx::query("UPDATE security_events SET detail = 'rewritten'")
        .execute(db.pool())
        .await;
    assert!(
        changed.unwrap_err().to_string().contains("append-only"),
        "the database refuses"
    );
    // The retention deletes only what is older than it.
    let mut conn = db.conn().await.unwrap();
    let purged = queries::purge_before(&mut conn, "2026-01-01T00:00:00.000000Z")
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let left: Vec<String> = sqlx::query_scalar("SELECT detail FROM security_events")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(left, ["new"]);
}
