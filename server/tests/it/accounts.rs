//! Accounts, sessions and email verification through the real server functions.

use app::accounts::{
    AccountError, ChangeEmail, ChangePassword, LoadCurrentUser, Login, Logout, LogoutEverywhere,
    Register, RequestPasswordReset, ResendVerification, ResetPassword, UpdateName, VerifiedEmail,
    VerifyEmail,
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::support::people::*;
use crate::support::{both_databases, server_fn_request, Backend, Browser, TestApp};

both_databases!(
    register_verify_and_sign_in,
    personal_and_malformed_emails_are_refused,
    passwords_are_long_and_uncommon,
    taken_usernames_and_emails,
    verification_links_work_once,
    sign_in_by_username_or_email_with_safe_cookies,
    session_fixation_is_prevented,
    over_https_the_session_cookie_is_host_only,
    logout_and_logout_everywhere,
    idle_sessions_expire,
    repeated_failures_slow_down,
    parallel_guesses_are_counted_before_the_password_is_checked,
    parallel_resets_and_registrations_are_counted_first,
    an_office_signing_in_all_day_is_not_slowed,
    behind_a_trusted_proxy_each_client_has_its_own_count,
    password_reset,
    profile_name_and_email_change,
    cross_site_calls_are_refused,
    link_emails_cool_down_per_account_and_recipient,
    a_changed_address_retires_old_links_and_tells_the_old_mailbox,
    a_password_is_changed_in_session,
    names_carry_no_links,
);

async fn mail_count(app: &TestApp, to: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_address = $1")
        .bind(to)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

fn field_error(body: &Value, field: &str) -> String {
    body["Invalid"]
        .as_array()
        .and_then(|fields| fields.iter().find(|f| f["field"] == field))
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no error for {field} in {body}"))
        .to_owned()
}

async fn register_verify_and_sign_in(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = Browser::new(&app);
    let (status, body) = register(&mut browser, "ann.lee", "Ann.Lee@Corp.Example.").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Canonical address; verification mail queued with a link to this NetCare.
    let token = token_mailed_to(&app, "ann.lee@corp.example", "/verify-email").await;
    let (subject, html): (String, String) = sqlx::query_as("SELECT subject, html_body FROM outbox")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert!(subject.contains("Verify your email"), "{subject}");
    assert!(
        html.contains("href=\"http://netcare.test/verify-email?token="),
        "{html}"
    );

    let (_, me) = browser.call(LoadCurrentUser::PATH, &[]).await;
    assert_eq!(me, Value::Null, "registering does not sign in");
    let (status, verified) = browser.call(VerifyEmail::PATH, &[("token", &token)]).await;
    assert_eq!((status, verified), (StatusCode::OK, json!("AccountEmail")));

    let (status, user) = browser
        .call(Login::PATH, &[("login", "ann.lee"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    let user = &user["Complete"];
    assert_eq!(user["email"], "ann.lee@corp.example");
    assert_eq!(user["email_verified"], true);
    let (_, me) = browser.call(LoadCurrentUser::PATH, &[]).await;
    assert_eq!(me["username"], "ann.lee");
    // The stored password is an Argon2id hash.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM accounts")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

async fn personal_and_malformed_emails_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = Browser::new(&app);
    for email in [
        "ann@gmail.com",
        "ann@yahoo.com",
        "ann@outlook.com",
        "ann@GMAIL.com.",
        "ann@ｇｍａｉｌ.com",
    ] {
        let (_, body) = register(&mut browser, "ann", email).await;
        assert!(
            field_error(&body, "email").contains("personal email provider"),
            "{email}: {body}"
        );
    }
    for email in [
        "ann@@corp.example",
        "ann@corp@example.com",
        "ann",
        "ann@corp",
    ] {
        let (_, body) = register(&mut browser, "ann", email).await;
        assert!(
            field_error(&body, "email").contains("Enter an email address"),
            "{email}: {body}"
        );
    }
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(accounts, 0);
    let (status, _) = register(&mut browser, "ann", "user@corp.example.").await;
    assert_eq!(status, StatusCode::OK, "a trailing dot is the same domain");
}

async fn passwords_are_long_and_uncommon(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = Browser::new(&app);
    let long = "x".repeat(1000);
    for (password, expected) in [
        ("short", "at least 12"),
        (long.as_str(), "at most 256"),
        ("password1234", "too common"),
        ("qwertyuiopasdfgh", "too common"),
    ] {
        let (_, body) = browser
            .call(
                Register::PATH,
                &[
                    ("username", "ann"),
                    ("full_name", "Ann"),
                    ("email", "ann@corp.example"),
                    ("password", password),
                ],
            )
            .await;
        assert!(
            field_error(&body, "password").contains(expected),
            "{password}: {body}"
        );
    }
}

/// A taken username or address gets the answer a new account gets, so the form tells nobody who
/// has an account; the mailbox entered is told what happened (within the mail limits).
async fn taken_usernames_and_emails(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = Browser::new(&app);
    let (new, _) = register(&mut browser, "ann", "ann@corp.example").await;
    assert_eq!(new, StatusCode::OK);
    let accounts = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM accounts")
            .fetch_one(app.db().pool())
            .await
            .unwrap()
    };
    let (status, body) = register(&mut browser, "ANN", "other@corp.example").await;
    assert_eq!((status, body), (StatusCode::OK, Value::Null));
    let (status, body) = register(&mut browser, "other", "ann@corp.example").await;
    assert_eq!((status, body), (StatusCode::OK, Value::Null));
    assert_eq!(accounts().await, 1, "no account was created");
    let subjects = |to: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT subject FROM outbox WHERE to_address = $1 ORDER BY id",
            )
            .bind(to)
            .fetch_all(app.db().pool())
            .await
            .unwrap()
        }
    };
    assert_eq!(
        subjects("other@corp.example").await,
        ["Choose another username for NetCare"]
    );
    assert_eq!(
        subjects("ann@corp.example").await,
        [
            "Verify your email address for NetCare",
            "Someone tried to register with your email address"
        ]
    );
    // Trying again and again does not flood the owner's mailbox.
    for _ in 0..5 {
        register(&mut browser, "other", "ann@corp.example").await;
    }
    assert!(subjects("ann@corp.example").await.len() <= 3);
}

async fn verification_links_work_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = Browser::new(&app);
    register(&mut browser, "ann", "ann@corp.example").await;
    let token = token_mailed_to(&app, "ann@corp.example", "/verify-email").await;
    // Looking at the link (as the page does, or a mail scanner opening it) uses nothing.
    for _ in 0..2 {
        assert_eq!(
            browser
                .call(app::accounts::InspectEmailLink::PATH, &[("token", &token)])
                .await,
            (
                StatusCode::OK,
                json!({"username": "ann", "email": "ann@corp.example", "change": false})
            )
        );
    }
    assert_eq!(
        browser
            .call(VerifyEmail::PATH, &[("token", &token)])
            .await
            .1,
        json!("AccountEmail")
    );
    assert_eq!(
        browser
            .call(app::accounts::InspectEmailLink::PATH, &[("token", &token)])
            .await
            .1,
        json!("LinkUsed")
    );
    assert_eq!(
        browser
            .call(VerifyEmail::PATH, &[("token", &token)])
            .await
            .1,
        json!("LinkUsed")
    );
    let last = if token.ends_with('A') { 'B' } else { 'A' };
    let tampered = format!("{}{last}", &token[..token.len() - 1]);
    assert_eq!(
        browser
            .call(VerifyEmail::PATH, &[("token", &tampered)])
            .await
            .1,
        json!("LinkInvalid")
    );
    assert_eq!(
        browser
            .call(VerifyEmail::PATH, &[("token", &token[..20])])
            .await
            .1,
        json!("LinkInvalid")
    );

    // An expired link says so; only a hash of the token is stored.
    register(&mut browser, "bob", "bob@corp.example").await;
    let token = token_mailed_to(&app, "bob@corp.example", "/verify-email").await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM email_tokens WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "tokens are stored hashed");
    sqlx::query("UPDATE email_tokens SET expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(
        browser
            .call(VerifyEmail::PATH, &[("token", &token)])
            .await
            .1,
        json!("LinkExpired")
    );
}

async fn sign_in_by_username_or_email_with_safe_cookies(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = signed_in(&app, "ann", "ann@corp.example").await;
    let response = app
        .send(server_fn_request(
            Login::PATH,
            "login=ANN%40corp.example&password=copper%20kettle%20orbit%20lantern",
            None,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in [
        "netcare_session=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http test server: {cookie}"
    );
    let (status, body) = browser
        .call(
            Login::PATH,
            &[("login", "ann"), ("password", "wrong password entirely")],
        )
        .await;
    // A refusal, not a server failure.
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, json!("WrongCredentials"))
    );
    let (_, body) = browser
        .call(Login::PATH, &[("login", "nobody"), ("password", PASSWORD)])
        .await;
    assert_eq!(
        body,
        json!("WrongCredentials"),
        "an unknown user gets the same answer"
    );
}

/// Served over HTTPS, the session cookie is `__Host-` prefixed (`Secure`, `Path=/`, no `Domain`):
/// a cookie of the plain name, which a neighbouring subdomain could plant, is not a session.
async fn over_https_the_session_cookie_is_host_only(backend: Backend) {
    // Secure cookies, as an https:// public URL sets them (the links keep the test's address).
    let app = TestApp::with_settings(backend, |settings| settings.secure_cookies = true).await;
    let mut browser = signed_in(&app, "ann", "ann@corp.example").await;
    let issued = browser.cookie.clone().unwrap();
    let token = issued
        .strip_prefix("__Host-netcare_session=")
        .unwrap_or_else(|| panic!("{issued}"))
        .to_owned();
    assert_eq!(
        browser.call(LoadCurrentUser::PATH, &[]).await.1["username"],
        "ann"
    );
    let mut planted = Browser {
        app: &app,
        cookie: Some(format!("netcare_session={token}")),
    };
    assert_eq!(
        planted.call(LoadCurrentUser::PATH, &[]).await.1,
        Value::Null
    );
}

async fn session_fixation_is_prevented(backend: Backend) {
    let app = TestApp::new(backend).await;
    signed_in(&app, "ann", "ann@corp.example").await;
    let planted = "netcare_session=attacker-chosen-value";
    let mut browser = Browser {
        app: &app,
        cookie: Some(planted.to_owned()),
    };
    browser
        .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    let issued = browser.cookie.clone().unwrap();
    assert_ne!(issued, planted, "sign-in issues a new session id");
    let mut attacker = Browser {
        app: &app,
        cookie: Some(planted.to_owned()),
    };
    assert_eq!(
        attacker.call(LoadCurrentUser::PATH, &[]).await.1,
        Value::Null
    );
}

async fn logout_and_logout_everywhere(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut first = signed_in(&app, "ann", "ann@corp.example").await;
    let mut second = Browser::new(&app);
    second
        .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    let old_cookie = first.cookie.clone();
    first.call(Logout::PATH, &[]).await;
    assert_eq!(first.cookie, None, "the cookie is cleared");
    let mut replay = Browser {
        app: &app,
        cookie: old_cookie,
    };
    assert_eq!(
        replay.call(LoadCurrentUser::PATH, &[]).await.1,
        Value::Null,
        "a logged-out session is gone"
    );
    assert_eq!(
        second.call(LoadCurrentUser::PATH, &[]).await.1["username"],
        "ann"
    );

    let mut third = Browser::new(&app);
    third
        .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    third.call(LogoutEverywhere::PATH, &[]).await;
    assert_eq!(
        second.call(LoadCurrentUser::PATH, &[]).await.1,
        Value::Null,
        "every session ended"
    );
    assert_eq!(
        second.call(LogoutEverywhere::PATH, &[]).await.1,
        json!({"App": "NotSignedIn"})
    );
}

async fn idle_sessions_expire(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = signed_in(&app, "ann", "ann@corp.example").await;
    sqlx::query("UPDATE sessions SET idle_expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(
        browser.call(LoadCurrentUser::PATH, &[]).await.1,
        Value::Null
    );
    let mut browser = signed_in(&app, "bob", "bob@corp.example").await;
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(
        browser.call(LoadCurrentUser::PATH, &[]).await.1,
        Value::Null,
        "absolute timeout"
    );
}

async fn repeated_failures_slow_down(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = signed_in(&app, "ann", "ann@corp.example").await;
    for _ in 0..5 {
        assert_eq!(
            browser
                .call(
                    Login::PATH,
                    &[("login", "ann"), ("password", "not the password")]
                )
                .await
                .1,
            json!("WrongCredentials")
        );
    }
    let (status_of_last, body) = browser
        .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    assert_eq!(status_of_last, StatusCode::TOO_MANY_REQUESTS);
    let wait = body["TooManyAttempts"]["retry_after_seconds"]
        .as_u64()
        .unwrap_or_else(|| panic!("{body}"));
    assert!((1..=900).contains(&wait), "{wait}");
    // The block is temporary: once it has passed, the right password works again.
    sqlx::query("UPDATE throttles SET blocked_until = '2000-01-01T00:00:00.000000Z'")
        .execute(app.db().pool())
        .await
        .unwrap();
    let (status, body) = browser
        .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Forty wrong passwords sent at once: each is counted before its password is checked, so only
/// the free attempts (and the odd one let through as a short block ends) are answered "wrong";
/// the rest wait. Counted after the check, all forty were answered "wrong". The same for the
/// password that confirms an email change.
async fn parallel_guesses_are_counted_before_the_password_is_checked(backend: Backend) {
    let app = TestApp::new(backend).await;
    let signed = signed_in(&app, "ann", "ann@corp.example").await;
    let tally = |outcomes: Vec<(StatusCode, Value)>| {
        let wrong = outcomes
            .iter()
            .filter(|(s, _)| *s != StatusCode::TOO_MANY_REQUESTS)
            .count();
        let waited = outcomes.len() - wrong;
        for (status, body) in &outcomes {
            assert!(
                [
                    StatusCode::UNAUTHORIZED,
                    StatusCode::BAD_REQUEST,
                    StatusCode::TOO_MANY_REQUESTS
                ]
                .contains(status),
                "{status} {body}"
            );
        }
        (wrong, waited)
    };
    let guesses = (0..40).map(|_| async {
        Browser::new(&app)
            .call(
                Login::PATH,
                &[("login", "ann"), ("password", "not the password")],
            )
            .await
    });
    let (wrong, waited) = tally(futures_util::future::join_all(guesses).await);
    assert!(wrong <= 8, "{wrong} guesses were checked, {waited} waited");
    assert!(
        waited >= 32,
        "{wrong} guesses were checked, {waited} waited"
    );

    let confirmations = (0..40).map(|_| async {
        let mut browser = Browser {
            app: &app,
            cookie: signed.cookie.clone(),
        };
        browser
            .call(
                ChangeEmail::PATH,
                &[
                    ("new_email", "ann@newcorp.example"),
                    ("current_password", "not the password"),
                ],
            )
            .await
    });
    let (wrong, waited) = tally(futures_util::future::join_all(confirmations).await);
    assert!(
        wrong <= 8,
        "{wrong} confirmations were checked, {waited} waited"
    );
    assert!(
        waited >= 32,
        "{wrong} confirmations were checked, {waited} waited"
    );
}

/// Each attempt is counted before the check, and given back when the password was right: one
/// address (an office behind one router) signing in more often than the address's free attempts
/// is never made to wait.
async fn an_office_signing_in_all_day_is_not_slowed(backend: Backend) {
    let app = TestApp::new(backend).await;
    signed_in(&app, "ann", "ann@corp.example").await;
    for n in 0..35 {
        let (status, body) = Browser::new(&app)
            .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
            .await;
        assert_eq!(status, StatusCode::OK, "sign-in {n}: {body}");
    }
}

/// A sign-in with a wrong password as it reaches NetCare from `peer` (a TCP peer), carrying
/// `X-Forwarded-For: forwarded_for` when given.
async fn guess_from(
    app: &TestApp,
    peer: &str,
    forwarded_for: Option<&str>,
    login: &str,
) -> StatusCode {
    let body = crate::support::form(&[("login", login), ("password", "not the password")]);
    let mut request = server_fn_request(Login::PATH, &body, None);
    if let Some(list) = forwarded_for {
        request
            .headers_mut()
            .insert("x-forwarded-for", list.parse().unwrap());
    }
    let peer: std::net::SocketAddr = peer.parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    app.send(request).await.status()
}

/// Behind the reverse proxy the README recommends, every request comes from the proxy: trusted
/// (`--trusted-proxy`), its X-Forwarded-For names the client, so one client's guesses slow that
/// client only. A peer that is not a trusted proxy cannot choose the address it is counted as.
async fn behind_a_trusted_proxy_each_client_has_its_own_count(backend: Backend) {
    let app = TestApp::with_settings(backend, |settings| {
        settings.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    // 30 guesses are free per address; each names another login, so only the address counts.
    let proxy = "10.0.0.5:40000";
    for n in 0..30 {
        let status = guess_from(&app, proxy, Some("198.51.100.1"), &format!("nobody{n}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let blocked = guess_from(&app, proxy, Some("198.51.100.1"), "nobody-more").await;
    assert_eq!(blocked, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy is not slowed by the first one's guesses.
    let other = guess_from(&app, proxy, Some("198.51.100.2"), "nobody-else").await;
    assert_eq!(other, StatusCode::UNAUTHORIZED);
    // The first client's own address in a header it wrote, from outside the proxy: not believed.
    let spoofed = guess_from(&app, "203.0.113.9:5000", Some("198.51.100.1"), "nobody-x").await;
    assert_eq!(spoofed, StatusCode::UNAUTHORIZED);
    // An IPv6 client is one client across its /64.
    let v6_proxy = "[fd00::5]:40000";
    let app = TestApp::with_settings(backend, |settings| {
        settings.trusted_proxies = vec!["fd00::/8".parse().unwrap()];
    })
    .await;
    for n in 0..30 {
        let client = format!("2001:db8:1:2::{:x}", n + 1);
        let status = guess_from(&app, v6_proxy, Some(&client), &format!("nobody{n}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let same_block = guess_from(&app, v6_proxy, Some("2001:db8:1:2::ffff"), "nobody-v6").await;
    assert_eq!(same_block, StatusCode::TOO_MANY_REQUESTS);
}

async fn password_reset(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = signed_in(&app, "ann", "ann@corp.example").await;
    let mut other = Browser::new(&app);
    let unknown = other
        .call(
            RequestPasswordReset::PATH,
            &[("email", "nobody@corp.example")],
        )
        .await;
    let known = other
        .call(RequestPasswordReset::PATH, &[("email", "Ann@corp.example")])
        .await;
    assert_eq!(
        unknown, known,
        "the same answer whether or not the account exists"
    );
    assert_eq!(mail_count(&app, "nobody@corp.example").await, 0);
    let token = token_mailed_to(&app, "ann@corp.example", "/reset-password").await;

    let (_, body) = other
        .call(
            ResetPassword::PATH,
            &[("token", &token), ("password", "password1234")],
        )
        .await;
    assert!(
        field_error(&body, "password").contains("too common"),
        "{body}"
    );
    let new_password = "violet harbour seventy gravel";
    let (status, body) = other
        .call(
            ResetPassword::PATH,
            &[("token", &token), ("password", new_password)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        browser.call(LoadCurrentUser::PATH, &[]).await.1,
        Value::Null,
        "resetting ends the other sessions"
    );
    // The address is told: if its owner did not ask, someone reads their mail.
    let told: String = sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE to_address = 'ann@corp.example' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(told, "Your NetCare password was reset");
    assert_eq!(
        other
            .call(
                ResetPassword::PATH,
                &[("token", &token), ("password", new_password)]
            )
            .await
            .1,
        json!("LinkUsed")
    );
    assert_eq!(
        other
            .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
            .await
            .1,
        json!("WrongCredentials")
    );
    let (status, _) = other
        .call(Login::PATH, &[("login", "ann"), ("password", new_password)])
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn profile_name_and_email_change(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = signed_in(&app, "ann", "ann@corp.example").await;
    let (_, user) = browser
        .call(UpdateName::PATH, &[("full_name", "  Ann Lee-Smith ")])
        .await;
    assert_eq!(user["full_name"], "Ann Lee-Smith");
    let (_, body) = browser.call(UpdateName::PATH, &[("full_name", " ")]).await;
    assert!(field_error(&body, "full_name").contains("Enter your full name"));

    let change = |new_email: &str, current_password: &str| ChangeEmail {
        new_email: new_email.into(),
        current_password: current_password.into(),
    };
    let refused = |answer: Result<(), (StatusCode, AccountError)>, field: &str| {
        let (_, error) = answer.expect_err("refused");
        error
            .field(field)
            .unwrap_or_else(|| panic!("no error for {field} in {error:?}"))
    };
    let wrong_password = browser
        .run(change("ann@newcorp.example", "wrong password"))
        .await;
    assert!(refused(wrong_password, "current_password").contains("not your current password"));
    let personal = browser.run(change("ann@gmail.com", PASSWORD)).await;
    assert!(refused(personal, "new_email").contains("personal"));
    browser
        .run(change("ann@newcorp.example", PASSWORD))
        .await
        .unwrap();
    // Not replaced until the new address is verified.
    assert_eq!(
        browser.call(LoadCurrentUser::PATH, &[]).await.1["email"],
        "ann@corp.example"
    );
    let token = token_mailed_to(&app, "ann@newcorp.example", "/verify-email").await;
    assert_eq!(
        browser
            .call(VerifyEmail::PATH, &[("token", &token)])
            .await
            .1,
        json!("ChangedEmail")
    );
    let me = browser.call(LoadCurrentUser::PATH, &[]).await.1;
    assert_eq!(
        (me["email"].as_str(), me["email_verified"].as_bool()),
        (Some("ann@newcorp.example"), Some(true))
    );
    assert_eq!(
        browser
            .call(UpdateName::PATH, &[("full_name", "x")])
            .await
            .0,
        StatusCode::OK
    );
    let mut anonymous = Browser::new(&app);
    assert_eq!(
        anonymous
            .call(UpdateName::PATH, &[("full_name", "x")])
            .await
            .1,
        json!({"App": "NotSignedIn"})
    );
}

async fn cross_site_calls_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let browser = signed_in(&app, "ann", "ann@corp.example").await;
    let cookie = browser.cookie.clone().unwrap();
    for (origin, fetch_site) in [
        (Some("https://evil.example"), None),
        (None, Some("cross-site")),
        (None, None),
    ] {
        let mut request = axum::http::Request::post(LogoutEverywhere::PATH)
            .header("host", "netcare.test")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        let response = app
            .send(request.body(axum::body::Body::empty()).unwrap())
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{origin:?} {fetch_site:?}"
        );
    }
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(sessions, 1, "the refused calls changed nothing");
}

/// NetCare cannot be used to flood a mailbox: emails with a link (verification, new address,
/// password reset) are a few at once per account and per recipient, then a cool-down.
async fn link_emails_cool_down_per_account_and_recipient(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut ann = Browser::new(&app);
    let (status, _) = register(&mut ann, "ann", "ann@corp.example").await;
    assert_eq!(status, StatusCode::OK);
    ann.call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    // The registration's email and two more: then the account waits.
    for _ in 0..2 {
        ann.run(ResendVerification {}).await.unwrap();
    }
    let (status, refused) = ann.run(ResendVerification {}).await.unwrap_err();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        matches!(refused, AccountError::TooManyAttempts { retry_after_seconds } if (50..=60).contains(&retry_after_seconds)),
        "{refused:?}"
    );
    assert_eq!(mail_count(&app, "ann@corp.example").await, 3);
    // A password reset to a mailbox that had its share sends nothing, and says the same as ever.
    let (status, _) = Browser::new(&app)
        .call(RequestPasswordReset::PATH, &[("email", "ann@corp.example")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mail_count(&app, "ann@corp.example").await, 3);

    // Someone else's mailbox, through email changes from several accounts: the recipient's share
    // is counted too.
    let victim = "victim@other.example";
    let mut answers = Vec::new();
    for attacker in ["mallory", "mel", "max", "moe"] {
        let mut browser = signed_in(&app, attacker, &format!("{attacker}@corp.example")).await;
        let change = ChangeEmail {
            new_email: victim.into(),
            current_password: PASSWORD.into(),
        };
        answers.push(browser.run(change).await.map_err(|(status, _)| status));
    }
    assert_eq!(
        answers,
        [Ok(()), Ok(()), Ok(()), Err(StatusCode::TOO_MANY_REQUESTS)]
    );
    assert_eq!(mail_count(&app, victim).await, 3);
}

/// A name is shown in emails to other people (a DA reads who asks for access): it may not carry a
/// web address.
async fn names_carry_no_links(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut browser = signed_in(&app, "ann", "ann@corp.example").await;
    for name in [
        "Ann http://evil.example/login",
        "Ann — see evil.com",
        "www.evil.example",
    ] {
        let (_, error) = browser
            .run(UpdateName {
                full_name: name.into(),
            })
            .await
            .unwrap_err();
        let message = error.field("full_name").unwrap_or_default();
        assert!(message.contains("web address"), "{name}: {error:?}");
    }
    browser
        .run(UpdateName {
            full_name: "Jean St.John".into(),
        })
        .await
        .unwrap();
}

/// Once an address is confirmed, no earlier link works (an old verification link would set the
/// address back), and the address the account had is told of the change.
async fn a_changed_address_retires_old_links_and_tells_the_old_mailbox(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut ann = Browser::new(&app);
    register(&mut ann, "ann", "ann@corp.example").await;
    // The registration's link stays unused in the old mailbox.
    let old_link = token_mailed_to(&app, "ann@corp.example", "/verify-email").await;
    ann.call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    ann.run(ChangeEmail {
        new_email: "ann@newcorp.example".into(),
        current_password: PASSWORD.into(),
    })
    .await
    .unwrap();
    let new_link = token_mailed_to(&app, "ann@newcorp.example", "/verify-email").await;
    let changed = ann.run(VerifyEmail { token: new_link }).await.unwrap();
    assert_eq!(changed, VerifiedEmail::ChangedEmail);
    let (status, refused) = Browser::new(&app)
        .run(VerifyEmail { token: old_link })
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        matches!(refused, AccountError::LinkExpired | AccountError::LinkUsed),
        "{refused:?}"
    );
    let me = ann.run(LoadCurrentUser {}).await.unwrap().unwrap();
    assert_eq!(me.email, "ann@newcorp.example");
    let notice: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox WHERE to_address = 'ann@corp.example' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert!(notice.contains("is now ann@newcorp.example"), "{notice}");
}

/// A password changed in the profile: the current one proven again, a new one that follows the
/// rules, every other session signed out (this one goes on), and the address told.
async fn a_password_is_changed_in_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut here = signed_in(&app, "ann", "ann@corp.example").await;
    let mut elsewhere = Browser::new(&app);
    elsewhere
        .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    let new_password = "harbour violet compass meadow";
    let change = |current: &str, new: &str| ChangePassword {
        current_password: current.into(),
        new_password: new.into(),
    };
    for (current, new, field, says) in [
        (
            "wrong password here",
            new_password,
            "current_password",
            "not your current password",
        ),
        (
            PASSWORD,
            PASSWORD,
            "new_password",
            "other than the current one",
        ),
        (PASSWORD, "short", "new_password", "at least 12"),
    ] {
        let (_, error) = here.run(change(current, new)).await.unwrap_err();
        let message = error.field(field).unwrap_or_default();
        assert!(message.contains(says), "{field}: {error:?}");
    }
    here.run(change(PASSWORD, new_password)).await.unwrap();
    assert!(
        here.run(LoadCurrentUser {}).await.unwrap().is_some(),
        "this session goes on"
    );
    assert!(
        elsewhere.run(LoadCurrentUser {}).await.unwrap().is_none(),
        "the other one ended"
    );
    let (old, _) = Browser::new(&app)
        .call(Login::PATH, &[("login", "ann"), ("password", PASSWORD)])
        .await;
    assert_eq!(old, StatusCode::UNAUTHORIZED);
    let (new, _) = Browser::new(&app)
        .call(Login::PATH, &[("login", "ann"), ("password", new_password)])
        .await;
    assert_eq!(new, StatusCode::OK);
    let subject: String = sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE to_address = 'ann@corp.example' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(subject, "Your NetCare password was changed");
}

/// Sixty reset requests and sixty registrations at a taken username sent at once from one
/// address: each is counted as it arrives, in one step, so only the free attempts (30, and the odd
/// one let through as a short block ends) are served; the rest wait. Checked first and recorded
/// after, parallel requests all passed the check.
async fn parallel_resets_and_registrations_are_counted_first(backend: Backend) {
    let app = TestApp::new(backend).await;
    signed_in(&app, "ann", "ann@corp.example").await;
    let served = |outcomes: Vec<(StatusCode, Value)>| {
        for (status, body) in &outcomes {
            assert!(
                [StatusCode::OK, StatusCode::TOO_MANY_REQUESTS].contains(status),
                "{status} {body}"
            );
        }
        outcomes
            .iter()
            .filter(|(status, _)| *status == StatusCode::OK)
            .count()
    };
    let resets = (0..60).map(|i| {
        let app = &app;
        async move {
            Browser::new(app)
                .call(
                    RequestPasswordReset::PATH,
                    &[("email", &format!("nobody{i}@corp.example"))],
                )
                .await
        }
    });
    let answered = served(futures_util::future::join_all(resets).await);
    assert!((30..=34).contains(&answered), "{answered} resets served");
    let registrations = (0..60).map(|i| {
        let app = &app;
        async move {
            Browser::new(app)
                .call(
                    Register::PATH,
                    &[
                        ("username", "ann"),
                        ("full_name", "Ann Lee"),
                        ("email", &format!("ann{i}@corp.example")),
                        ("password", PASSWORD),
                    ],
                )
                .await
        }
    });
    let answered = served(futures_util::future::join_all(registrations).await);
    assert!(
        (30..=34).contains(&answered),
        "{answered} registrations served"
    );
}
