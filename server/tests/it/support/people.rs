//! People in tests: registering, reading the mailbox, signing in, and members of a company.

use app::accounts::{Login, Register, VerifyEmail};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use serde_json::Value;

use super::{Browser, TestApp, PUBLIC_URL};

pub const PASSWORD: &str = "copper kettle orbit lantern";

pub async fn register(
    browser: &mut Browser<'_>,
    username: &str,
    email: &str,
) -> (StatusCode, Value) {
    browser
        .call(
            Register::PATH,
            &[
                ("username", username),
                ("full_name", "Ann Lee"),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await
}

/// The token in the newest email to `to` (from the link it carries).
pub async fn token_mailed_to(app: &TestApp, to: &str, path: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(app.db().pool())
    .await
    .expect("a message was queued");
    let prefix = format!("{PUBLIC_URL}{path}?token=");
    let start = body.find(&prefix).expect("the message carries the link") + prefix.len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// Registers, verifies and signs in `username`; returns the signed-in browser.
pub async fn signed_in<'a>(app: &'a TestApp, username: &str, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let (status, body) = register(&mut browser, username, email).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = token_mailed_to(app, email, "/verify-email").await;
    browser.call(VerifyEmail::PATH, &[("token", &token)]).await;
    let (status, body) = browser
        .call(Login::PATH, &[("login", username), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    browser
}

/// A vendor agent, signed in.
pub async fn signed_in_agent(app: &TestApp) -> Browser<'_> {
    app::accounts::service::create_verified_account(
        app.db(),
        "agent",
        "Avery Agent",
        "avery@vendor.example",
        PASSWORD,
        true,
    )
    .await
    .unwrap();
    let mut browser = Browser::new(app);
    let (status, _) = browser
        .call(Login::PATH, &[("login", "agent"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK);
    browser
}

/// Makes a verified account a member of `company` with `role`; returns its id.
pub async fn add_member(app: &TestApp, company: &str, username: &str, role: &str) -> i64 {
    let role = app::accounts::Role::parse(role).expect("a role a company gives");
    let id = app::accounts::service::create_verified_account(
        app.db(),
        username,
        &format!("Person {username}"),
        &format!("{username}@{}.example", company.to_lowercase()),
        PASSWORD,
        false,
    )
    .await
    .unwrap()
    .unwrap();
    let mut tx = app.db().begin_write().await.unwrap();
    app::onboarding::queries::add_member(
        &mut tx,
        company,
        id,
        role,
        company,
        "2026-11-24T00:00:00.000000Z",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn account_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE username = $1")
        .bind(username)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}
