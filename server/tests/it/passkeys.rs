//! Passkeys (issue 18): added from the profile after the password, a second step after the
//! password, a sign-in on their own, each answer good for its own request only, and the last
//! second factor of someone who must have one kept. A software authenticator
//! (`support::passkey_device`) signs what a browser's would, so webauthn-rs checks real answers.

use app::accounts::{
    second_factor::{
        FinishPasskeyRegistration, FinishPasskeySecondStep, FinishPasskeySignIn, LoadPasskeys,
        LoadSecondFactor, PasskeyCeremony, RemovePasskey, SignInSecondStep,
        StartPasskeyRegistration, StartPasskeySecondStep, StartPasskeySignIn, TurnOffSecondFactor,
    },
    AccountError, LoadCurrentUser, Login,
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use crate::support::{
    both_databases,
    passkey_device::PasskeyDevice,
    people::{signed_in_agent, PASSWORD},
    uploads::{demo_app, login},
    Backend, Browser, TestApp, PUBLIC_URL,
};

both_databases!(
    a_passkey_is_a_second_step_and_a_sign_in_of_its_own,
    each_answer_is_good_for_its_own_request_only,
    the_last_second_factor_of_someone_who_must_stays,
);

fn refusal<T: std::fmt::Debug>(result: Result<T, (StatusCode, AccountError)>) -> String {
    match result {
        Err((StatusCode::BAD_REQUEST, AccountError::Invalid(fields))) => fields
            .into_iter()
            .map(|field| format!("{}: {}", field.field, field.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => panic!("expected a refusal: {other:?}"),
    }
}

/// Adds a passkey made by `device`; returns the recovery codes the server gave (if first).
async fn add_passkey(
    browser: &mut Browser<'_>,
    device: &mut PasskeyDevice,
    name: &str,
) -> Vec<String> {
    let started = browser
        .run(StartPasskeyRegistration {
            current_password: PASSWORD.into(),
            name: name.into(),
        })
        .await
        .unwrap();
    browser
        .run(FinishPasskeyRegistration {
            credential: device.create(&started.options),
            ceremony: started.ceremony,
        })
        .await
        .unwrap()
}

/// The password step: the challenge and what the second step takes.
async fn password_step<'a>(
    app: &'a TestApp,
    login: &str,
) -> (Browser<'a>, String, serde_json::Value) {
    let mut browser = Browser::new(app);
    let (status, body) = browser
        .call(Login::PATH, &[("login", login), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let challenge = body["SecondStep"]["challenge"]
        .as_str()
        .unwrap_or_else(|| panic!("a second step: {body}"))
        .to_owned();
    (browser, challenge, body["SecondStep"]["methods"].clone())
}

async fn second_step_with_passkey(
    browser: &mut Browser<'_>,
    device: &mut PasskeyDevice,
    challenge: &str,
) -> Result<app::accounts::CurrentUser, (StatusCode, AccountError)> {
    let started: PasskeyCeremony = browser
        .run(StartPasskeySecondStep {
            challenge: challenge.into(),
        })
        .await?;
    browser
        .run(FinishPasskeySecondStep {
            challenge: challenge.into(),
            credential: device.get(&started.options),
            ceremony: started.ceremony,
        })
        .await
}

async fn a_passkey_is_a_second_step_and_a_sign_in_of_its_own(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    assert!(ben.run(LoadPasskeys {}).await.unwrap().is_empty());
    let mut laptop = PasskeyDevice::new(PUBLIC_URL);

    // Adding one needs the current password, and a sensible name.
    let wrong = ben
        .run(StartPasskeyRegistration {
            current_password: "not it".into(),
            name: "Laptop".into(),
        })
        .await;
    assert!(refusal(wrong).contains("current_password"));
    let long = ben
        .run(StartPasskeyRegistration {
            current_password: PASSWORD.into(),
            name: "x".repeat(61),
        })
        .await;
    assert_eq!(refusal(long), "name: Keep the name to 60 characters.");

    // The first passkey turns two-step sign-in on, with ten recovery codes; a second one adds none.
    let codes = add_passkey(&mut ben, &mut laptop, "  Work   laptop ").await;
    assert_eq!(codes.len(), 10, "{codes:?}");
    let mut key = PasskeyDevice::new(PUBLIC_URL);
    assert!(add_passkey(&mut ben, &mut key, "").await.is_empty());
    let listed = ben.run(LoadPasskeys {}).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Work laptop", "Passkey"]);
    assert!(listed.iter().all(|p| p.last_used.is_none()));
    let status = ben.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!(
        (
            status.passkeys,
            status.enabled_since,
            status.recovery_codes_left
        ),
        (2, None, 10)
    );

    // The password alone no longer signs in: the second step takes a passkey (not an app code).
    let (mut browser, challenge, methods) = password_step(&app, "ben.user").await;
    assert_eq!(
        methods,
        serde_json::json!({"authenticator": false, "passkey": true})
    );
    let code = browser
        .run(SignInSecondStep {
            challenge: challenge.clone(),
            code: "123456".into(),
        })
        .await;
    assert!(refusal(code).contains("does not match"));
    let user = second_step_with_passkey(&mut browser, &mut laptop, &challenge)
        .await
        .unwrap();
    assert_eq!(user.username, "ben.user");
    assert_eq!(
        browser
            .run(LoadCurrentUser {})
            .await
            .unwrap()
            .unwrap()
            .username,
        "ben.user"
    );
    // The challenge is spent with the sign-in.
    let again = second_step_with_passkey(&mut browser, &mut laptop, &challenge).await;
    assert!(
        matches!(
            again,
            Err((StatusCode::UNAUTHORIZED, AccountError::SignInExpired))
        ),
        "{again:?}"
    );

    // A passkey alone signs in: the account is found by the handle the passkey carries.
    let mut visitor = Browser::new(&app);
    let started = visitor.run(StartPasskeySignIn {}).await.unwrap();
    assert!(
        !started.options.contains("null"),
        "no nulls for the browser: {}",
        started.options
    );
    let user = visitor
        .run(FinishPasskeySignIn {
            credential: key.get(&started.options),
            ceremony: started.ceremony,
        })
        .await
        .unwrap();
    assert_eq!(user.username, "ben.user");
    assert_eq!(
        visitor
            .run(LoadCurrentUser {})
            .await
            .unwrap()
            .unwrap()
            .username,
        "ben.user"
    );
    let used = ben.run(LoadPasskeys {}).await.unwrap();
    assert!(used.iter().all(|p| p.last_used.is_some()), "{used:?}");

    // Each change was mailed to Ben.
    let mails: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_address = $1 AND subject = $2")
            .bind("ben.user@northwind.example")
            .bind("Two-step sign-in of your NetCare account changed")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(mails, 2);
}

async fn each_answer_is_good_for_its_own_request_only(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let mut bens = PasskeyDevice::new(PUBLIC_URL);
    add_passkey(&mut ben, &mut bens, "Ben's laptop").await;
    let mut olivia = login(&app, "olivia.ops").await;
    let mut olivias = PasskeyDevice::new(PUBLIC_URL);
    add_passkey(&mut olivia, &mut olivias, "Olivia's phone").await;

    // An answer signed at another address (a phishing site) is refused.
    let mut phished = PasskeyDevice::new("https://netcare-login.example");
    let started = ben
        .run(StartPasskeyRegistration {
            current_password: PASSWORD.into(),
            name: "Phished".into(),
        })
        .await
        .unwrap();
    let refused = ben
        .run(FinishPasskeyRegistration {
            credential: phished.create(&started.options),
            ceremony: started.ceremony,
        })
        .await;
    assert!(refusal(refused).contains("did not check out"));

    // An answer for one request does not finish another (its challenge differs).
    let mut visitor = Browser::new(&app);
    let first = visitor.run(StartPasskeySignIn {}).await.unwrap();
    let second = visitor.run(StartPasskeySignIn {}).await.unwrap();
    let crossed = visitor
        .run(FinishPasskeySignIn {
            credential: bens.get(&first.options),
            ceremony: second.ceremony.clone(),
        })
        .await;
    assert!(refusal(crossed).contains("passkey"));
    assert_eq!(visitor.run(LoadCurrentUser {}).await.unwrap(), None);
    // …and a request is answered once: the right answer now finds it spent.
    let spent = visitor
        .run(FinishPasskeySignIn {
            credential: bens.get(&second.options),
            ceremony: second.ceremony,
        })
        .await;
    assert!(refusal(spent).contains("Start again"));

    // Olivia's passkey cannot answer Ben's second step.
    let (mut browser, challenge, _) = password_step(&app, "ben.user").await;
    let started = browser
        .run(StartPasskeySecondStep {
            challenge: challenge.clone(),
        })
        .await
        .unwrap();
    let mut options: serde_json::Value = serde_json::from_str(&started.options).unwrap();
    options["publicKey"]["allowCredentials"] = serde_json::json!([]);
    let foreign = browser
        .run(FinishPasskeySecondStep {
            challenge: challenge.clone(),
            credential: olivias.get(&options.to_string()),
            ceremony: started.ceremony,
        })
        .await;
    assert!(refusal(foreign).contains("not accepted"));
    assert_eq!(browser.run(LoadCurrentUser {}).await.unwrap(), None);

    // An expired request is refused.
    let started = browser
        .run(StartPasskeySecondStep {
            challenge: challenge.clone(),
        })
        .await
        .unwrap();
    sqlx::query("UPDATE passkey_ceremonies SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(app.db().pool())
        .await
        .unwrap();
    let late = browser
        .run(FinishPasskeySecondStep {
            challenge,
            credential: bens.get(&started.options),
            ceremony: started.ceremony,
        })
        .await;
    assert!(refusal(late).contains("took too long"));

    // Nobody removes another person's passkey.
    let olivias_id = olivia.run(LoadPasskeys {}).await.unwrap()[0].id;
    let removed = ben
        .run(RemovePasskey {
            id: olivias_id,
            current_password: PASSWORD.into(),
        })
        .await;
    assert!(refusal(removed).contains("no such passkey"));
    assert_eq!(olivia.run(LoadPasskeys {}).await.unwrap().len(), 1);

    // Unreadable answers are named, not crashed on.
    let started = visitor.run(StartPasskeySignIn {}).await.unwrap();
    let garbage = visitor
        .run(FinishPasskeySignIn {
            credential: "{\"id\": 1}".into(),
            ceremony: started.ceremony,
        })
        .await;
    assert!(refusal(garbage).contains("could not be read"));
}

async fn the_last_second_factor_of_someone_who_must_stays(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    // Agents must use two-step sign-in; this one has an authenticator app.
    let mut agent = signed_in_agent(&app).await;
    let mut key = PasskeyDevice::new(PUBLIC_URL);
    assert!(
        add_passkey(&mut agent, &mut key, "YubiKey")
            .await
            .is_empty(),
        "not the first second factor: no new recovery codes"
    );
    // With a passkey, the app may go…
    agent
        .run(TurnOffSecondFactor {
            current_password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let status = agent.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!((status.enabled_since, status.passkeys), (None, 1));
    // …but not the last passkey.
    let id = agent.run(LoadPasskeys {}).await.unwrap()[0].id;
    let refused = agent
        .run(RemovePasskey {
            id,
            current_password: PASSWORD.into(),
        })
        .await;
    assert!(refusal(refused).contains("Vendor agents must use two-step sign-in"));
    assert_eq!(agent.run(LoadPasskeys {}).await.unwrap().len(), 1);

    // Someone who need not may remove their last one: two-step sign-in is off, codes gone.
    let mut ben = login(&app, "ben.user").await;
    let mut laptop = PasskeyDevice::new(PUBLIC_URL);
    add_passkey(&mut ben, &mut laptop, "Laptop").await;
    let id = ben.run(LoadPasskeys {}).await.unwrap()[0].id;
    ben.run(RemovePasskey {
        id,
        current_password: PASSWORD.into(),
    })
    .await
    .unwrap();
    let status = ben.run(LoadSecondFactor {}).await.unwrap();
    assert_eq!((status.passkeys, status.recovery_codes_left), (0, 0));
    let mut browser = Browser::new(&app);
    let (status, body) = browser
        .call(
            Login::PATH,
            &[("login", "ben.user"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.get("Complete").is_some(),
        "the password alone signs in again: {body}"
    );
}
