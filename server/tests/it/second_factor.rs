//! Two-step sign-in (issue 18): an authenticator app enrolled with a first code, the second step
//! of signing in (each code good once, recovery codes once each, attempts throttled), agents who
//! must set it up before anything else, and a company whose DA requires it of every member.

use app::{
    access::{AccessError, SupportedCompanies},
    accounts::{
        second_factor::{
            codes, ConfirmTotpEnrolment, LoadCompanySecondFactorRule, LoadSecondFactor,
            ReplaceRecoveryCodes, SecondFactorRequirement, SetCompanySecondFactorRule,
            SignInSecondStep, StartTotpEnrolment, TurnOffSecondFactor,
        },
        AccountError, LoadCurrentUser, Login,
    },
    library::LoadCoverageSummary,
    AppError,
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use crate::support::{
    both_databases,
    people::{authenticator_code, sign_in, PASSWORD},
    uploads::{demo_app, login},
    Backend, Browser, TestApp,
};

both_databases!(
    enrolment_then_every_sign_in_asks_for_a_fresh_code,
    recovery_codes_work_once_each_and_wrong_codes_are_throttled,
    an_agent_without_a_second_factor_can_only_set_it_up,
    a_delegated_administrator_requires_it_of_every_member,
);

/// Enrols `browser`'s person with an authenticator app; returns its secret and the recovery codes.
async fn enrol(browser: &mut Browser<'_>) -> (Vec<u8>, Vec<String>) {
    let enrolment = browser
        .run(StartTotpEnrolment {
            current_password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let secret = codes::secret_from_text(&enrolment.secret).unwrap();
    let now = unix_now();
    let codes = browser
        .run(ConfirmTotpEnrolment {
            code: codes::code_at(&secret, now),
        })
        .await
        .unwrap();
    (secret, codes)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn refused_field(
    result: Result<impl std::fmt::Debug, (StatusCode, AccountError)>,
    field: &str,
) -> String {
    match result {
        Err((StatusCode::BAD_REQUEST, err)) => {
            err.field(field).unwrap_or_else(|| panic!("{err:?}"))
        }
        other => panic!("expected a refusal of {field}: {other:?}"),
    }
}

async fn password_step<'a>(app: &'a TestApp, login: &str) -> (Browser<'a>, String) {
    let mut browser = Browser::new(app);
    let (status, body) = browser
        .call(Login::PATH, &[("login", login), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let challenge = body["SecondStep"]["challenge"]
        .as_str()
        .unwrap_or_else(|| panic!("a second step: {body}"))
        .to_owned();
    (browser, challenge)
}

async fn mails_to(app: &TestApp, to: &str, subject: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_address = $1 AND subject = $2")
        .bind(to)
        .bind(subject)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

const CHANGED: &str = "Two-step sign-in of your NetCare account changed";

async fn enrolment_then_every_sign_in_asks_for_a_fresh_code(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let off = ben.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!((off.enabled_since, off.required), (None, None));

    // Starting needs the current password; confirming needs the app's code.
    let wrong = ben
        .run(StartTotpEnrolment {
            current_password: "not it".into(),
        })
        .await;
    assert_eq!(
        refused_field(wrong, "current_password"),
        "This is not your current password."
    );
    let enrolment = ben
        .run(StartTotpEnrolment {
            current_password: PASSWORD.into(),
        })
        .await
        .unwrap();
    assert!(enrolment
        .link
        .starts_with("otpauth://totp/NetCare:ben.user?"));
    assert!(enrolment.qr_image.starts_with("data:image/svg+xml;base64,"));
    let secret = codes::secret_from_text(&enrolment.secret).unwrap();
    let not_yet = ben.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!(
        not_yet.enabled_since, None,
        "unconfirmed, it does not count"
    );
    let wrong_code = ben
        .run(ConfirmTotpEnrolment {
            code: "000000".into(),
        })
        .await;
    assert!(refused_field(wrong_code, "code").contains("does not match"));
    let recovery = ben
        .run(ConfirmTotpEnrolment {
            code: codes::code_at(&secret, unix_now()),
        })
        .await
        .unwrap();
    assert_eq!(recovery.len(), 10);
    let on = ben.run(LoadSecondFactor {}).await.unwrap();
    assert!(on.enabled_since.is_some());
    assert_eq!(on.recovery_codes_left, 10);
    assert_eq!(
        mails_to(&app, "ben.user@northwind.example", CHANGED).await,
        1
    );

    // Signing in now: the password alone opens no session.
    let (mut browser, challenge) = password_step(&app, "ben.user").await;
    assert_eq!(browser.run(LoadCurrentUser {}).await.unwrap(), None);
    let bad = browser
        .run(SignInSecondStep {
            challenge: challenge.clone(),
            code: "123456".into(),
        })
        .await;
    assert!(refused_field(bad, "code").contains("does not match"));
    let code = authenticator_code(&app, "ben.user").await;
    let user = browser
        .run(SignInSecondStep {
            challenge: challenge.clone(),
            code: code.clone(),
        })
        .await
        .unwrap();
    assert_eq!(user.username, "ben.user");
    assert!(
        browser.run(LoadCoverageSummary {}).await.is_ok(),
        "signed in"
    );
    // The challenge is spent, and the same code is refused to another sign-in (replayed).
    let again = browser
        .run(SignInSecondStep {
            challenge,
            code: code.clone(),
        })
        .await;
    assert!(matches!(
        again,
        Err((StatusCode::UNAUTHORIZED, AccountError::SignInExpired))
    ));
    let (mut other, challenge) = password_step(&app, "ben.user").await;
    let replayed = other.run(SignInSecondStep { challenge, code }).await;
    assert!(refused_field(replayed, "code").contains("already used"));
    let forged = other
        .run(SignInSecondStep {
            challenge: "made-up".into(),
            code: "123456".into(),
        })
        .await;
    assert!(matches!(
        forged,
        Err((StatusCode::UNAUTHORIZED, AccountError::SignInExpired))
    ));

    // Turning it off needs the password, and tells the person.
    ben.run(TurnOffSecondFactor {
        current_password: PASSWORD.into(),
    })
    .await
    .unwrap();
    assert_eq!(
        mails_to(&app, "ben.user@northwind.example", CHANGED).await,
        2
    );
    let (status, body) = Browser::new(&app)
        .call(
            Login::PATH,
            &[("login", "ben.user"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["Complete"].is_object(), "one step again: {body}");
}

async fn recovery_codes_work_once_each_and_wrong_codes_are_throttled(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut olivia = login(&app, "olivia.ops").await;
    let (_, recovery) = enrol(&mut olivia).await;

    let (mut browser, challenge) = password_step(&app, "olivia.ops").await;
    let typed = recovery[3].to_uppercase().replace('-', " ");
    browser
        .run(SignInSecondStep {
            challenge,
            code: typed,
        })
        .await
        .expect("a recovery code signs in, however it is typed");
    let left = olivia.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!(left.recovery_codes_left, 9);
    let (mut browser, challenge) = password_step(&app, "olivia.ops").await;
    let used = browser
        .run(SignInSecondStep {
            challenge: challenge.clone(),
            code: recovery[3].clone(),
        })
        .await;
    assert!(refused_field(used, "code").contains("already used"));

    // New codes replace all earlier ones.
    let fresh = olivia
        .run(ReplaceRecoveryCodes {
            current_password: PASSWORD.into(),
        })
        .await
        .unwrap();
    assert_eq!(fresh.len(), 10);
    let old = browser
        .run(SignInSecondStep {
            challenge: challenge.clone(),
            code: recovery[0].clone(),
        })
        .await;
    assert!(refused_field(old, "code").contains("not one of yours"));

    // Guessing codes is counted per account, before the code is checked, even in parallel.
    let guesses = (0..12).map(|n| {
        let challenge = challenge.clone();
        let app = &app;
        async move {
            let mut browser = Browser::new(app);
            browser
                .run(SignInSecondStep {
                    challenge,
                    code: format!("{:06}", 100_000 + n),
                })
                .await
                .map(|_| ())
        }
    });
    let results = futures_util::future::join_all(guesses).await;
    let held_back = results
        .iter()
        .filter(|r| matches!(r, Err((StatusCode::TOO_MANY_REQUESTS, _))))
        .count();
    assert!(held_back >= 6, "{results:?}");
    let throttled = browser
        .run(SignInSecondStep {
            challenge,
            code: fresh[0].clone(),
        })
        .await;
    assert!(
        matches!(throttled, Err((StatusCode::TOO_MANY_REQUESTS, _))),
        "even the right code waits: {throttled:?}"
    );
}

async fn an_agent_without_a_second_factor_can_only_set_it_up(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    app::accounts::service::create_verified_account(
        app.db(),
        "casey.agent",
        "Casey Agent",
        "casey@vendor.example",
        PASSWORD,
        true,
    )
    .await
    .unwrap()
    .unwrap();
    let mut casey = Browser::new(&app);
    let (status, body) = sign_in(&mut casey, "casey.agent", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Complete"]["second_factor_setup"], true, "{body}");
    let refused = casey.run(SupportedCompanies {}).await;
    assert!(
        matches!(
            refused,
            Err((
                StatusCode::FORBIDDEN,
                AccessError::App(AppError::SecondFactorSetupRequired)
            ))
        ),
        "{refused:?}"
    );
    let status = casey.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!(status.required, Some(SecondFactorRequirement::Agent));

    let _ = enrol(&mut casey).await;
    let me = casey.run(LoadCurrentUser {}).await.unwrap().unwrap();
    assert!(!me.second_factor_setup);
    assert!(casey.run(SupportedCompanies {}).await.is_ok());
    let off = casey
        .run(TurnOffSecondFactor {
            current_password: PASSWORD.into(),
        })
        .await;
    assert!(refused_field(off, "current_password").contains("Vendor agents must"));
}

async fn a_delegated_administrator_requires_it_of_every_member(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let mut ben = login(&app, "ben.user").await;
    let first = dana
        .run(SetCompanySecondFactorRule { required: true })
        .await;
    assert!(refused_field(first, "required").contains("for yourself first"));
    let refused = ben.run(SetCompanySecondFactorRule { required: true }).await;
    assert!(
        matches!(refused, Err((StatusCode::FORBIDDEN, _))),
        "{refused:?}"
    );

    let _ = enrol(&mut dana).await;
    let rule = dana
        .run(SetCompanySecondFactorRule { required: true })
        .await
        .unwrap();
    assert!(rule.required_since.is_some());
    assert_eq!(rule.required_by, "dana.admin");
    let without: Vec<&str> = rule
        .members_without
        .iter()
        .map(|(u, _)| u.as_str())
        .collect();
    assert_eq!(without, ["ben.user", "olivia.ops"]);

    // Ben's open session now reaches only the setting up of his second factor.
    let refused = ben.run(LoadCoverageSummary {}).await;
    assert!(
        matches!(
            refused,
            Err((
                StatusCode::FORBIDDEN,
                app::library::LibraryError::App(AppError::SecondFactorSetupRequired)
            ))
        ),
        "{refused:?}"
    );
    let status = ben.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!(
        status.required,
        Some(SecondFactorRequirement::Company {
            company_name: "Northwind Networks".into()
        })
    );
    let _ = enrol(&mut ben).await;
    assert!(ben.run(LoadCoverageSummary {}).await.is_ok());
    let rule = dana.run(LoadCompanySecondFactorRule {}).await.unwrap();
    assert_eq!(rule.members_without.len(), 1, "{rule:?}");

    // Stopping the rule lets Olivia in again without one.
    dana.run(SetCompanySecondFactorRule { required: false })
        .await
        .unwrap();
    let mut olivia = login(&app, "olivia.ops").await;
    assert!(olivia.run(LoadCoverageSummary {}).await.is_ok());
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT kind FROM security_events WHERE kind LIKE 'second_factor%' ORDER BY id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        kinds,
        [
            "second_factor_changed",
            "second_factor_rule_changed",
            "second_factor_changed",
            "second_factor_rule_changed"
        ]
    );
}
