//! People in tests: registering, reading the mailbox, signing in, and members of a company.

use app::accounts::{second_factor::SignInSecondStep, Login, Register, VerifyEmail};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use serde_json::Value;

use super::{Browser, TestApp, PUBLIC_URL};

pub const PASSWORD: &str = "copper kettle orbit lantern";

/// Signs `browser` in as `login`; an account with two-step sign-in answers the second step with
/// the code its authenticator app would show now. Returns the last answer.
pub async fn sign_in(
    browser: &mut Browser<'_>,
    login: &str,
    password: &str,
) -> (StatusCode, Value) {
    let (status, body) = browser
        .call(Login::PATH, &[("login", login), ("password", password)])
        .await;
    let Some(challenge) = body["SecondStep"]["challenge"].as_str() else {
        return (status, body);
    };
    let code = authenticator_code(browser.app, login).await;
    browser
        .call(
            SignInSecondStep::PATH,
            &[("challenge", challenge), ("code", &code)],
        )
        .await
}

/// The code `login`'s authenticator app shows, for a time step no code was accepted for yet (an
/// app shows the next one 30 seconds later; a test signing in often waits for it).
pub async fn authenticator_code(app: &TestApp, login: &str) -> String {
    use app::accounts::second_factor::{codes, queries};
    let mut conn = app.db().conn().await.unwrap();
    let account = app::accounts::queries::find_by_login(
        &mut conn,
        &app::accounts::rules::username_key(login),
        login,
    )
    .await
    .unwrap()
    .expect("an account");
    let factor = queries::factor_of(&mut conn, account.id)
        .await
        .unwrap()
        .expect("an authenticator");
    let secret = codes::secret_from_text(&factor.totp_secret).unwrap();
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let now_step = now / codes::STEP_SECONDS;
        // Not the step before this one: the server's clock may pass to the next step before it
        // checks the code, and a code two steps old is refused.
        if let Some(step) = (now_step..=now_step + 1).find(|step| *step as i64 > factor.last_step) {
            return codes::code_at(&secret, step * codes::STEP_SECONDS);
        }
        let next = (now_step + 1) * codes::STEP_SECONDS;
        tokio::time::sleep(std::time::Duration::from_secs(next - now)).await;
    }
}

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
    let (status, body) = sign_in(&mut browser, username, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    browser
}

/// A vendor agent, signed in.
pub async fn signed_in_agent(app: &TestApp) -> Browser<'_> {
    // Agents must use two-step sign-in: this one has the demo agents' app (as the demo's agent,
    // if the app has the demo accounts).
    if let Some(id) = app::accounts::service::create_verified_account(
        app.db(),
        "agent",
        "Avery Agent",
        "avery@vendor.example",
        PASSWORD,
        true,
    )
    .await
    .unwrap()
    {
        app::accounts::second_factor::service::enrol_with_key(
            app.db(),
            id,
            netcare_server::demo::accounts::AGENT_TOTP_KEY,
        )
        .await
        .unwrap();
    }
    let mut browser = Browser::new(app);
    let (status, body) = sign_in(&mut browser, "agent", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
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
