//! A collector token is no longer access nobody watches: it may expire, it says where it was last
//! used from, and it stops with the person who made it (revoked, made a User, or disabled) unless
//! a DA keeps it. An integration that only reads gets a read-only token.

use std::net::SocketAddr;

use app::{
    access::{ChangeMemberRole, RevokeMember},
    inventory::{TokenInfo, TokenScope, UploadError},
};
use axum::extract::ConnectInfo;

use super::prelude::*;
use crate::support::{people::add_member, TestApp};

both_databases!(
    a_token_may_expire_and_says_where_it_was_used_from,
    tokens_stop_with_the_person_who_made_them,
    a_read_only_token_reads_and_never_uploads
);

const DEVICE: &str = "serial_number,product_id\nLIFE1,C9300-48P\n";

/// A collector's upload from `peer`: its status.
async fn upload_from(app: &TestApp, secret: &str, peer: &str) -> StatusCode {
    let mut request = Request::post("/api/v1/uploads")
        .header("authorization", format!("Bearer {secret}"))
        .header("content-type", "text/csv")
        .body(Body::from(DEVICE))
        .unwrap();
    let peer: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    app.send(request).await.status()
}

async fn new_token(
    browser: &mut Browser<'_>,
    name: &str,
    days: Option<u32>,
) -> (TokenInfo, String) {
    let created = browser
        .run(CreateCollectorToken {
            name: name.into(),
            expires_in_days: days,
            scope: TokenScope::Upload,
        })
        .await
        .unwrap();
    (created.token, created.secret)
}

async fn tokens(browser: &mut Browser<'_>) -> Vec<TokenInfo> {
    browser.run(ListCollectorTokens {}).await.unwrap()
}

async fn a_token_may_expire_and_says_where_it_was_used_from(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let (lasting, lasting_secret) = new_token(&mut dana, "lab", None).await;
    let (monthly, monthly_secret) = new_token(&mut dana, "monthly", Some(30)).await;
    assert_eq!(lasting.expires_at, None);
    let expires = monthly.expires_at.clone().expect("an expiry");
    assert!(expires > monthly.created_at, "{expires}");
    for days in [0, 731] {
        let refused = dana
            .run(CreateCollectorToken {
                name: "odd".into(),
                expires_in_days: Some(days),
                scope: TokenScope::Upload,
            })
            .await
            .unwrap_err();
        assert_eq!(
            refused,
            (StatusCode::BAD_REQUEST, UploadError::InvalidTokenExpiry)
        );
    }
    // Where it was last used from.
    assert_eq!(
        upload_from(&app, &monthly_secret, "198.51.100.7:50000").await,
        StatusCode::CREATED
    );
    let listed = tokens(&mut dana).await;
    let used = listed.iter().find(|t| t.id == monthly.id).unwrap();
    assert_eq!(used.last_used_address.as_deref(), Some("198.51.100.7"));
    // Past its expiry it is refused like a revoked one; the lasting one still works.
    sqlx::query(
        "UPDATE collector_tokens SET expires_at = '2026-01-01T00:00:00.000000Z' WHERE id = $1",
    )
    .bind(monthly.id)
    .execute(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        upload_from(&app, &monthly_secret, "198.51.100.7:50000").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        upload_from(&app, &lasting_secret, "198.51.100.8:50000").await,
        StatusCode::CREATED
    );
}

async fn tokens_stop_with_the_person_who_made_them(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let mut made = Vec::new();
    for admin in ["ada.admin", "abe.admin", "amy.admin"] {
        let id = add_member(&app, "NW-1001", admin, "admin").await;
        let mut browser = login(&app, admin).await;
        let (_, secret) = new_token(&mut browser, &format!("{admin}'s collector"), None).await;
        made.push((id, secret));
    }
    // Revoked: their token stops with them, and the DA saw it coming in the page's data.
    let view = dana.run(app::access::LoadAccess {}).await.unwrap();
    let ada = view
        .members
        .iter()
        .find(|m| m.account_id == made[0].0)
        .unwrap();
    assert_eq!(ada.collector_tokens, ["ada.admin's collector"]);
    dana.run(RevokeMember {
        account_id: made[0].0,
        keep_tokens: false,
    })
    .await
    .unwrap();
    assert_eq!(
        upload_from(&app, &made[0].1, "192.0.2.1:1").await,
        StatusCode::UNAUTHORIZED
    );
    let view = dana.run(app::access::LoadAccess {}).await.unwrap();
    assert!(
        view.history[0]
            .change
            .contains("1 collector token(s) revoked"),
        "{:?}",
        view.history[0]
    );
    // Made a User, the DA keeping the token: it goes on working.
    dana.run(ChangeMemberRole {
        account_id: made[1].0,
        role: "user".into(),
        keep_tokens: true,
    })
    .await
    .unwrap();
    assert_eq!(
        upload_from(&app, &made[1].1, "192.0.2.1:1").await,
        StatusCode::CREATED
    );
    // Disabled by an operator: every token the account made stops.
    app::accounts::service::set_disabled(app.db(), "amy.admin", true)
        .await
        .unwrap();
    assert_eq!(
        upload_from(&app, &made[2].1, "192.0.2.1:1").await,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_read_only_token_reads_and_never_uploads(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let created = dana
        .run(CreateCollectorToken {
            name: "ticketing".into(),
            expires_in_days: None,
            scope: TokenScope::Read,
        })
        .await
        .unwrap();
    assert_eq!(created.token.scope, TokenScope::Read);
    let reader = created.secret;
    let (_, uploader) = new_token(&mut dana, "collector", None).await;
    let scopes =
        |body: String| -> Value { serde_json::from_str::<Value>(&body).unwrap()["scopes"].clone() };
    let (status, headers, me) = api(&app, "GET", "/api/v1/me", &reader, &[], vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(scopes(me), json!(["read"]));
    // No upload quota limits what it does, so its answers describe none.
    assert!(headers.get("ratelimit-remaining").is_none(), "{headers:?}");
    let (_, _, me) = api(&app, "GET", "/api/v1/me", &uploader, &[], vec![]).await;
    assert_eq!(scopes(me), json!(["read", "upload"]));
    // Every read works.
    for path in [
        "/api/v1/devices",
        "/api/v1/uploads",
        "/api/v1/coverage/summary",
        "/api/v1/contracts",
    ] {
        let (status, _, body) = api(&app, "GET", path, &reader, &[], vec![]).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    // An upload, even a dry run, is refused before the body is read: nothing lands, no quota.
    let devices = "SELECT COUNT(*) FROM devices";
    let before = count(&app, devices).await;
    for query in ["", "?dry_run=true"] {
        let (status, headers, body) = api(
            &app,
            "POST",
            &format!("/api/v1/uploads{query}"),
            &reader,
            &[("content-type", "text/csv")],
            DEVICE.into(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("insufficient_scope"), "{body}");
        let challenge = headers["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.contains("error=\"insufficient_scope\""),
            "{challenge}"
        );
    }
    assert_eq!(count(&app, devices).await, before);
    assert_eq!(quota_used(&app).await, 0);
    // The listing says what each token can do.
    let listed = tokens(&mut dana).await;
    let scope_of = |name: &str| listed.iter().find(|t| t.name == name).unwrap().scope;
    assert_eq!(scope_of("ticketing"), TokenScope::Read);
    assert_eq!(scope_of("collector"), TokenScope::Upload);
}
