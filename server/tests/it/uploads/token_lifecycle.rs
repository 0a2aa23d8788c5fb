//! A collector token is no longer access nobody watches: it may expire, it says where it was last
//! used from, and it stops with the person who made it (revoked, made a User, or disabled) unless
//! a DA keeps it.

use std::net::SocketAddr;

use app::{
    access::{ChangeMemberRole, RevokeMember},
    inventory::{TokenInfo, UploadError},
};
use axum::extract::ConnectInfo;

use super::prelude::*;
use crate::support::{people::add_member, TestApp};

both_databases!(
    a_token_may_expire_and_says_where_it_was_used_from,
    tokens_stop_with_the_person_who_made_them
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
