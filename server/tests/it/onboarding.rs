//! The onboarding wizard through its server functions: every validation failure and every branch
//! of the guide, DA decisions, the agents' queues, and two founders racing.

use app::onboarding::{
    AgentDecide, AgentQueue, AnswerQuestion, CheckEntitlement, ChooseOrganisation, ConfirmRequest,
    ContinueRegistration, DecideAccessRequest, FinishRegistration, GoBack, LoadAssessmentReasons,
    LoadWizard, NoneOfTheAbove, OpenOnboardingLink, PendingAccessRequests, StartAgain,
    VerifyEntitlement, WithdrawRequest,
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::{
    support::people::{signed_in, signed_in_agent, PASSWORD},
    support::{both_databases, Backend, Browser, TestApp},
};

async fn with_demo_registry(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    let today = time::OffsetDateTime::now_utc().date();
    let source = netcare_server::demo::walkthrough::source(today);
    app::registry::import::import_registry(
        app.db(),
        source,
        app::registry::import::ChangeOrigin::Demo,
        "test",
    )
    .await
    .unwrap();
    app
}

async fn verify(browser: &mut Browser<'_>, contract: &str, serial: &str) -> (StatusCode, Value) {
    browser
        .call(
            VerifyEntitlement::PATH,
            &[("contract_number", contract), ("serial_number", serial)],
        )
        .await
}

async fn stage(browser: &mut Browser<'_>) -> Value {
    browser.call(LoadWizard::PATH, &[]).await.1["stage"].clone()
}

/// Signs `username` in and walks to step 2.
async fn at_step_two<'a>(app: &'a TestApp, username: &str, email: &str) -> Browser<'a> {
    let mut browser = signed_in(app, username, email).await;
    assert_eq!(stage(&mut browser).await, json!("Overview"));
    let (status, body) = browser.call(ContinueRegistration::PATH, &[]).await;
    assert_eq!((status, body), (StatusCode::OK, json!("VerifyAccount")));
    browser
}

/// Thirty wrong contract numbers sent at once from step 2: each is counted before the registry
/// is looked at, so only the 20 free tries (and the odd one as a short block ends) are checked.
async fn parallel_guesses_at_step_two_are_counted_first(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    let guesses = (0..30).map(|n| {
        let mut browser = Browser {
            app: &app,
            cookie: carla.cookie.clone(),
        };
        async move { verify(&mut browser, &format!("9999{n:04}"), "FCW2245L0A1").await }
    });
    let outcomes = futures_util::future::join_all(guesses).await;
    let waited = outcomes
        .iter()
        .filter(|(_, body)| body.get("TooManyAttempts").is_some())
        .count();
    let checked = outcomes.len() - waited;
    for (status, body) in &outcomes {
        assert!(status.is_client_error(), "{status} {body}");
    }
    assert!(checked <= 23, "{checked} checked, {waited} waited");
    assert!(waited >= 7, "{checked} checked, {waited} waited");
}

/// Carla becomes the first DA of Contoso through the self-service branch.
async fn carla_becomes_da(app: &TestApp) -> Browser<'_> {
    let mut carla = at_step_two(app, "carla", "carla.new@contoso.example").await;
    let (status, body) = verify(&mut carla, "92000001", "fcw2245l0a1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, chosen) = carla
        .call(ChooseOrganisation::PATH, &[("entry_id", "CT-2002")])
        .await;
    assert_eq!(chosen, json!("Complete"));
    carla
}

async fn subjects_to(app: &TestApp, to: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT subject FROM outbox WHERE to_address = $1 ORDER BY id")
        .bind(to)
        .fetch_all(app.db().pool())
        .await
        .unwrap()
}

async fn role_of(app: &TestApp, email: &str) -> Option<(String, String)> {
    sqlx::query_as("SELECT m.company_id, m.role FROM company_members m JOIN accounts a ON a.id = m.account_id WHERE a.email = $1")
        .bind(email)
        .fetch_optional(app.db().pool())
        .await
        .unwrap()
}

async fn account_id(app: &TestApp, email: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    id.to_string()
}

both_databases!(
    parallel_guesses_at_step_two_are_counted_first,
    every_verification_failure_is_precise,
    new_company_first_person_becomes_da,
    existing_company_request_is_granted_by_the_da,
    a_da_denies_and_only_decides_for_their_company,
    none_of_the_above_goes_to_an_agent_who_asks_then_approves,
    assessment_is_required_and_an_agent_rejects,
    the_verification_link_works_once,
    racing_founders_make_exactly_one_da,
    an_approval_outside_the_proven_company_takes_two_agents,
    a_registry_entry_for_the_whole_organisation_is_listed_once,
);

async fn a_registry_entry_for_the_whole_organisation_is_listed_once(backend: Backend) {
    let app = with_demo_registry(backend).await;
    sqlx::query(
        "INSERT INTO sites (id, company_id, name, address, created_at, updated_at)
         VALUES ('CT-2002-ALL', 'CT-2002', 'Contoso Logistics (all sites)', 'Group office', 'x', 'x')",
    )
    .execute(app.db().pool())
    .await
    .unwrap();
    let mut carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    let (status, body) = verify(&mut carla, "92000001", "FCW2245L0A1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let entries = body["ChooseOrganisation"]["entries"].as_array().unwrap();
    let listed: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["name"].as_str().unwrap()))
        .collect();
    // The registry's own entry stands for the whole company (its id scopes the DA to all of it).
    assert_eq!(
        listed[0],
        ("CT-2002", "Contoso Logistics (all sites)"),
        "{listed:?}"
    );
    assert_eq!(
        listed.len(),
        4,
        "no second whole-organisation line: {listed:?}"
    );
    assert!(!listed.iter().any(|(id, _)| *id == "CT-2002-ALL"));
    let (status, body) = carla
        .call(ChooseOrganisation::PATH, &[("entry_id", "CT-2002")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn every_verification_failure_is_precise(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    // Next is not available before a successful validation.
    let (status, body) = carla
        .call(ChooseOrganisation::PATH, &[("entry_id", "CT-2002")])
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::CONFLICT, json!({"Refused": "NotNow"}))
    );
    for (contract, serial, expected) in [
        // A number that exists (Northwind's) and one that does not get the same answer.
        ("00000000", "X", json!({"Entitlement": "NotYourContract"})),
        (
            "91000001",
            "FOC2101A0AA",
            json!({"Entitlement": "NotYourContract"}),
        ),
        (
            "92000003",
            "FDO2150E0E1",
            json!({"Entitlement": "NotSmartEntitled"}),
        ),
        (
            "92000001",
            "FOC2101A0AA",
            json!({"Entitlement": "SerialNotOnContract"}),
        ),
        ("", "FOC2101A0AA", json!({"Entitlement": "Missing"})),
    ] {
        let (status, body) = verify(&mut carla, contract, serial).await;
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, expected),
            "{contract} {serial}"
        );
    }
    assert_eq!(
        stage(&mut carla).await,
        json!("VerifyAccount"),
        "failures keep the person at step 2"
    );

    let mut dana = at_step_two(&app, "dana", "dana.admin@northwind.example").await;
    let (_, body) = verify(&mut dana, "91000003", "FOC1601Z9Z9").await;
    assert!(
        body["Entitlement"]["Expired"]["end_date"].is_string(),
        "{body}"
    );

    // A profile with a personal address cannot register a company.
    app::accounts::service::create_verified_account(
        app.db(),
        "pat",
        "Pat Home",
        "pat@gmail.com",
        PASSWORD,
        false,
    )
    .await
    .unwrap();
    let mut pat = Browser::new(&app);
    pat.call(
        app::accounts::Login::PATH,
        &[("login", "pat"), ("password", PASSWORD)],
    )
    .await;
    pat.call(ContinueRegistration::PATH, &[]).await;
    assert_eq!(
        verify(&mut pat, "92000001", "FCW2245L0A1").await.1,
        json!({"Entitlement": "PersonalEmail"})
    );
    // Without a session, nothing.
    let mut anonymous = Browser::new(&app);
    assert_eq!(
        anonymous.call(LoadWizard::PATH, &[]).await,
        (StatusCode::UNAUTHORIZED, json!({"App": "NotSignedIn"}))
    );
}

async fn new_company_first_person_becomes_da(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    let (status, body) = verify(&mut carla, " 92000001 ", "fcw2245l0a1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let entries = body["ChooseOrganisation"]["entries"]
        .as_array()
        .unwrap()
        .clone();
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["CT-2002", "CT-2002-ANR", "CT-2002-HAM", "CT-2002-RTM"],
        "whole company first, then sites"
    );
    // Back returns to step 2; the wizard resumes where it was on reload.
    assert_eq!(
        carla.call(GoBack::PATH, &[]).await.1,
        json!("VerifyAccount")
    );
    verify(&mut carla, "92000001", "FCW2245L0A1").await;
    assert!(stage(&mut carla).await["ChooseOrganisation"].is_object());
    assert_eq!(
        carla
            .call(ChooseOrganisation::PATH, &[("entry_id", "NW-1001")])
            .await
            .1,
        json!({"Refused": "UnknownEntry"})
    );
    assert_eq!(
        carla
            .call(ChooseOrganisation::PATH, &[("entry_id", "CT-2002-HAM")])
            .await
            .1,
        json!("Complete"),
        "the address was verified with the account: no second link"
    );
    assert_eq!(
        role_of(&app, "carla.new@contoso.example").await,
        Some(("CT-2002".into(), "da".into()))
    );
    assert_eq!(
        carla.call(PendingAccessRequests::PATH, &[]).await,
        (StatusCode::OK, json!([])),
        "a DA at once"
    );
    let me = carla
        .call(app::accounts::LoadCurrentUser::PATH, &[])
        .await
        .1;
    assert_eq!(
        me["membership"],
        json!({"company_id": "CT-2002", "company_name": "Contoso Logistics", "role": "da"})
    );
    let subjects = subjects_to(&app, "carla.new@contoso.example").await;
    assert!(
        subjects.contains(&"Welcome to NetCare".to_owned()),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&"Granted access to NetCare as an Administrator".to_owned()),
        "{subjects:?}"
    );
}

async fn existing_company_request_is_granted_by_the_da(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut carla = carla_becomes_da(&app).await;
    let mut piet = at_step_two(&app, "piet", "piet.ops@contoso.example").await;
    let (_, body) = verify(&mut piet, "92000001", "FCW2245L0A2").await;
    // The test accounts are all registered under the name Ann Lee (see accounts::register).
    assert_eq!(body["ConfirmRequest"]["first_da"], "Ann Lee", "{body}");
    assert_eq!(
        body["ConfirmRequest"]["proof"]["serial_number"],
        "FCW2245L0A2"
    );
    let (_, body) = piet.call(ConfirmRequest::PATH, &[]).await;
    assert!(body["RequestSubmitted"].is_object(), "{body}");
    let subjects = subjects_to(&app, "carla.new@contoso.example").await;
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("New request for access")),
        "every DA is notified: {subjects:?}"
    );

    let (_, pending) = carla.call(PendingAccessRequests::PATH, &[]).await;
    assert_eq!(pending[0]["email"], "piet.ops@contoso.example");
    assert_eq!(pending[0]["contract_number"], "92000001");
    let piet_id = account_id(&app, "piet.ops@contoso.example").await;
    let (status, body) = carla
        .call(
            DecideAccessRequest::PATH,
            &[
                ("requester_id", &piet_id),
                ("role", "admin"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stage(&mut piet).await, json!("Complete"), "access at once");
    assert_eq!(
        role_of(&app, "piet.ops@contoso.example").await,
        Some(("CT-2002".into(), "admin".into()))
    );
    assert!(subjects_to(&app, "piet.ops@contoso.example")
        .await
        .contains(&"Your access to NetCare is approved".to_owned()));
    assert_eq!(
        carla.call(PendingAccessRequests::PATH, &[]).await.1,
        json!([])
    );
}

async fn a_da_denies_and_only_decides_for_their_company(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut carla = carla_becomes_da(&app).await;
    // Dana becomes Northwind's DA; Uma asks Dana for access.
    let mut dana = at_step_two(&app, "dana", "dana.admin@northwind.example").await;
    verify(&mut dana, "91000001", "FOC2101A0AA").await;
    dana.call(ChooseOrganisation::PATH, &[("entry_id", "NW-1001")])
        .await;
    let mut uma = at_step_two(&app, "uma", "uma.user@northwind.example").await;
    verify(&mut uma, "91000001", "FOC2101A0AB").await;
    uma.call(ConfirmRequest::PATH, &[]).await;
    let uma_id = account_id(&app, "uma.user@northwind.example").await;

    // Contoso's DA cannot see or decide Northwind's request: not found, as if it did not exist.
    assert_eq!(
        carla.call(PendingAccessRequests::PATH, &[]).await.1,
        json!([])
    );
    assert_eq!(
        carla
            .call(
                DecideAccessRequest::PATH,
                &[("requester_id", &uma_id), ("role", "da"), ("reason", "")]
            )
            .await,
        (StatusCode::NOT_FOUND, json!("NotFound"))
    );
    assert_eq!(
        carla
            .call(
                DecideAccessRequest::PATH,
                &[("requester_id", "999999"), ("role", "da"), ("reason", "")]
            )
            .await
            .1,
        json!("NotFound")
    );
    // A person who is not a DA cannot decide at all.
    assert_eq!(
        uma.call(PendingAccessRequests::PATH, &[]).await,
        (
            StatusCode::FORBIDDEN,
            json!({"App": {"NotAllowed": "DelegatedAdmin"}})
        )
    );

    let (status, _) = dana
        .call(
            DecideAccessRequest::PATH,
            &[
                ("requester_id", &uma_id),
                ("role", ""),
                ("reason", "Use the shared team account"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stage(&mut uma).await,
        json!({"Denied": {"reason": "Use the shared team account"}})
    );
    assert_eq!(role_of(&app, "uma.user@northwind.example").await, None);
    assert!(subjects_to(&app, "uma.user@northwind.example")
        .await
        .contains(&"Your request for access to NetCare was declined".to_owned()));
    assert_eq!(uma.call(StartAgain::PATH, &[]).await.1, json!("Overview"));
}

async fn none_of_the_above_goes_to_an_agent_who_asks_then_approves(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    verify(&mut carla, "92000001", "FCW2245L0A1").await;
    let (_, body) = carla.call(NoneOfTheAbove::PATH, &[]).await;
    assert_eq!(
        body,
        json!({"WaitingForAgent": {"queue": "ManualOnboarding", "question": null}})
    );

    let mut agent = signed_in_agent(&app).await;
    assert_eq!(
        carla.call(AgentQueue::PATH, &[]).await,
        (
            StatusCode::FORBIDDEN,
            json!({"App": {"NotAllowed": "Agent"}})
        ),
        "only agents"
    );
    let (_, queue) = agent.call(AgentQueue::PATH, &[]).await;
    assert_eq!(queue[0]["email"], "carla.new@contoso.example");
    assert_eq!(queue[0]["assessment"], false);
    assert!(
        queue[0]["details"].to_string().contains("92000001"),
        "everything the person entered: {queue}"
    );
    assert_eq!(
        queue[0]["details"][0],
        json!(["Contract number", "92000001"]),
        "labels in words: {queue}"
    );
    // The proven company, with what the agent needs: its entries to choose from, its DAs (none
    // yet), its people and contracts.
    let company = &queue[0]["company"];
    assert_eq!(company["id"], "CT-2002", "{queue}");
    let entries: Vec<&str> = company["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        entries,
        ["CT-2002", "CT-2002-ANR", "CT-2002-HAM", "CT-2002-RTM"]
    );
    assert_eq!(company["delegated_admins"], json!([]));
    assert_eq!(company["members"], 0);
    assert!(company["contracts"].as_u64().unwrap() >= 1, "{company}");
    let carla_id = account_id(&app, "carla.new@contoso.example").await;
    // Each decision needs its own text, and says so.
    for (action, refusal) in [
        (
            "approve",
            "Choose the organisation entry to approve the person for.",
        ),
        (
            "reject",
            "Write the reason for rejecting: the person receives it by email.",
        ),
        ("ask", "Write the question for the person."),
    ] {
        let answer = agent
            .call(
                AgentDecide::PATH,
                &[
                    ("requester_id", &carla_id),
                    ("action", action),
                    ("text", " "),
                ],
            )
            .await;
        assert_eq!(
            answer,
            (StatusCode::BAD_REQUEST, json!({ "Invalid": refusal }))
        );
    }

    let (status, said) = agent
        .call(
            AgentDecide::PATH,
            &[
                ("requester_id", &carla_id),
                ("action", "ask"),
                ("text", "Which site do you manage?"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        said.as_str()
            .unwrap()
            .starts_with("Question sent: Ann Lee was emailed it."),
        "{said}"
    );
    assert_eq!(
        stage(&mut carla).await["WaitingForAgent"]["question"],
        "Which site do you manage?"
    );
    assert!(subjects_to(&app, "carla.new@contoso.example")
        .await
        .iter()
        .any(|s| s.contains("needs more information")));
    assert_eq!(
        carla.call(AnswerQuestion::PATH, &[("answer", " ")]).await.0,
        StatusCode::BAD_REQUEST
    );
    carla
        .call(AnswerQuestion::PATH, &[("answer", "Hamburg")])
        .await;
    let (_, queue) = agent.call(AgentQueue::PATH, &[]).await;
    assert_eq!(queue[0]["answer"], "Hamburg");

    assert_eq!(
        agent
            .call(
                AgentDecide::PATH,
                &[
                    ("requester_id", &carla_id),
                    ("action", "approve"),
                    ("text", "NOPE")
                ]
            )
            .await
            .1,
        json!({"Invalid": "No company or site has the id NOPE: choose one of the entries listed, or check the id."})
    );
    let (_, said) = agent
        .call(
            AgentDecide::PATH,
            &[
                ("requester_id", &carla_id),
                ("action", "approve"),
                ("text", "CT-2002-HAM"),
            ],
        )
        .await;
    assert_eq!(
        said,
        "Approved: Ann Lee becomes a Delegated Administrator of Contoso Hamburg (CT-2002-HAM). They were emailed and can use NetCare at once."
    );
    assert_eq!(stage(&mut carla).await, json!("Complete"));
    assert_eq!(
        role_of(&app, "carla.new@contoso.example").await,
        Some(("CT-2002".into(), "da".into()))
    );
    assert!(subjects_to(&app, "carla.new@contoso.example")
        .await
        .contains(&"Welcome to NetCare".to_owned()));
    let decided_by: Option<i64> = sqlx::query_scalar(
        "SELECT actor_id FROM onboarding_events WHERE event LIKE '%AgentApproved%'",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert!(
        decided_by.is_some(),
        "the decision is recorded with its agent"
    );
}

async fn assessment_is_required_and_an_agent_rejects(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut alex = at_step_two(&app, "alex", "alex.ward@fabrikam.example").await;
    // Validate says an assessment will follow, and why, before anything is saved.
    let (status, checked) = alex
        .call(
            CheckEntitlement::PATH,
            &[
                ("contract_number", "93000001"),
                ("serial_number", "FOC2402H0H1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(
        checked["next"],
        json!({"WaitingForAgent": {"queue": "Assessment", "question": null}})
    );
    assert!(
        checked["assessment_reasons"][0]
            .as_str()
            .unwrap()
            .contains("reviewed by an agent"),
        "{checked}"
    );
    assert_eq!(stage(&mut alex).await, json!("VerifyAccount"));
    let mut agent = signed_in_agent(&app).await;
    assert_eq!(agent.call(AgentQueue::PATH, &[]).await.1, json!([]));
    // Next commits; a waiting request can be withdrawn, and leaves the queue.
    let (_, body) = verify(&mut alex, "93000001", "FOC2402H0H1").await;
    assert_eq!(
        body,
        json!({"WaitingForAgent": {"queue": "Assessment", "question": null}})
    );
    assert_eq!(
        alex.call(WithdrawRequest::PATH, &[]).await,
        (StatusCode::OK, json!("VerifyAccount"))
    );
    assert_eq!(agent.call(AgentQueue::PATH, &[]).await.1, json!([]));
    assert_eq!(
        alex.call(WithdrawRequest::PATH, &[]).await.0,
        StatusCode::CONFLICT,
        "nothing waits any more"
    );
    // Nothing waits: no reasons.
    assert_eq!(
        alex.call(LoadAssessmentReasons::PATH, &[]).await,
        (StatusCode::OK, json!([]))
    );
    verify(&mut alex, "93000001", "FOC2402H0H1").await;
    // The waiting page reads why, as the check said it.
    let (status, reasons) = alex.call(LoadAssessmentReasons::PATH, &[]).await;
    assert_eq!(status, StatusCode::OK, "{reasons}");
    assert_eq!(reasons, json!([checked["assessment_reasons"][0]]));
    let (_, queue) = agent.call(AgentQueue::PATH, &[]).await;
    assert_eq!(queue[0]["assessment"], true);
    assert!(
        queue[0]["details"]
            .to_string()
            .contains("reviewed by an agent"),
        "{queue}"
    );
    let alex_id = account_id(&app, "alex.ward@fabrikam.example").await;
    assert_eq!(
        agent
            .call(
                AgentDecide::PATH,
                &[
                    ("requester_id", &alex_id),
                    ("action", "reject"),
                    ("text", "")
                ]
            )
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    agent
        .call(
            AgentDecide::PATH,
            &[
                ("requester_id", &alex_id),
                ("action", "reject"),
                ("text", "Not a Fabrikam employee"),
            ],
        )
        .await;
    assert_eq!(
        stage(&mut alex).await,
        json!({"Denied": {"reason": "Not a Fabrikam employee"}})
    );
    assert_eq!(
        agent
            .call(
                AgentDecide::PATH,
                &[
                    ("requester_id", &alex_id),
                    ("action", "approve"),
                    ("text", "FB-3003")
                ]
            )
            .await
            .1,
        json!("NotFound")
    );
}

/// A DA approved by an earlier version, which emailed a second verification link, still finishes
/// with that link: once.
async fn the_verification_link_works_once(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    verify(&mut carla, "92000001", "FCW2245L0A1").await;
    carla
        .call(ChooseOrganisation::PATH, &[("entry_id", "CT-2002")])
        .await;
    // Where that version left her: approved, waiting for the link it sent.
    let id: i64 = account_id(&app, "carla.new@contoso.example")
        .await
        .parse()
        .unwrap();
    let token = "a-link-mailed-by-an-earlier-version";
    let mut conn = app.db().pool().acquire().await.unwrap();
    sqlx::query("UPDATE onboarding SET stage = '\"VerifyEmail\"', stage_name = 'VerifyEmail' WHERE account_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
    app::accounts::queries::insert_token(
        &mut conn,
        &app::accounts::session::token_hash(token),
        id,
        "onboarding",
        "carla.new@contoso.example",
        "2999-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    )
    .await
    .unwrap();
    drop(conn);
    // Looking at the link (the page does, a mail scanner may) uses nothing; confirming does.
    let inspect = app::onboarding::InspectOnboardingLink::PATH;
    for _ in 0..2 {
        assert_eq!(
            carla.call(inspect, &[("token", token)]).await,
            (
                StatusCode::OK,
                json!({"email": "carla.new@contoso.example", "company": "Contoso Logistics"})
            )
        );
    }
    assert_eq!(stage(&mut carla).await, json!("VerifyEmail"));
    assert_eq!(
        carla
            .call(OpenOnboardingLink::PATH, &[("token", token)])
            .await
            .1,
        json!("EmailVerified")
    );
    assert_eq!(
        carla
            .call(OpenOnboardingLink::PATH, &[("token", token)])
            .await,
        (StatusCode::BAD_REQUEST, json!("LinkUsed"))
    );
    assert_eq!(
        carla.call(FinishRegistration::PATH, &[]).await.1,
        json!("Complete")
    );
    assert_eq!(
        carla.call(inspect, &[("token", token)]).await,
        (StatusCode::BAD_REQUEST, json!("LinkUsed"))
    );
    assert_eq!(
        carla
            .call(OpenOnboardingLink::PATH, &[("token", "forged")])
            .await
            .1,
        json!("LinkInvalid")
    );
}

async fn racing_founders_make_exactly_one_da(backend: Backend) {
    let app = with_demo_registry(backend).await;
    let mut carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    let mut piet = at_step_two(&app, "piet", "piet.ops@contoso.example").await;
    verify(&mut carla, "92000001", "FCW2245L0A1").await;
    verify(&mut piet, "92000001", "FCW2245L0A2").await;
    let (a, b) = tokio::join!(
        carla.call(ChooseOrganisation::PATH, &[("entry_id", "CT-2002")]),
        piet.call(ChooseOrganisation::PATH, &[("entry_id", "CT-2002-HAM")]),
    );
    let das: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM company_members WHERE company_id = 'CT-2002' AND role = 'da'",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(das, 1, "{a:?} {b:?}");
    let (winner, loser) = if a.1 == json!("Complete") {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(winner.1, json!("Complete"));
    let first_da = loser.1["RequestSubmitted"]["first_da"]
        .as_str()
        .unwrap_or_else(|| panic!("{loser:?}"));
    assert!(["Carla New", "Ann Lee"].contains(&first_da) || !first_da.is_empty());
}

/// Carla proved Contoso; making her a DA of Northwind is an association nobody proved: one agent
/// proposes it, a second approves it, and Northwind's DA is told.
async fn an_approval_outside_the_proven_company_takes_two_agents(backend: Backend) {
    let app = with_demo_registry(backend).await;
    crate::support::people::add_member(&app, "NW-1001", "nadia", "da").await;
    let mut carla = at_step_two(&app, "carla", "carla.new@contoso.example").await;
    verify(&mut carla, "92000001", "FCW2245L0A1").await;
    carla.call(NoneOfTheAbove::PATH, &[]).await;
    let carla_id = account_id(&app, "carla.new@contoso.example").await;
    async fn approve(agent: &mut Browser<'_>, carla_id: &str, entry: &str) -> (StatusCode, Value) {
        let args = [
            ("requester_id", carla_id),
            ("action", "approve"),
            ("text", entry),
        ];
        agent.call(AgentDecide::PATH, &args).await
    }
    let mut avery = signed_in_agent(&app).await;
    assert_eq!(
        approve(&mut avery, &carla_id, "NW-1001-HQ").await.0,
        StatusCode::OK
    );
    // Proposed, not approved: Carla still waits, and the queue says who proposed what.
    assert_eq!(
        stage(&mut carla).await,
        json!({"WaitingForAgent": {"queue": "ManualOnboarding", "question": null}})
    );
    assert_eq!(role_of(&app, "carla.new@contoso.example").await, None);
    let (_, queue) = avery.call(AgentQueue::PATH, &[]).await;
    let proposal = queue[0]["proposal"].as_str().unwrap_or_default().to_owned();
    assert!(
        proposal.contains("Avery Agent") && proposal.contains("NW-1001-HQ"),
        "{queue}"
    );
    // The same agent cannot be the second pair of eyes.
    let (status, body) = approve(&mut avery, &carla_id, "NW-1001-HQ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("another agent"), "{body}");

    let blair_id = app::accounts::service::create_verified_account(
        app.db(),
        "agent2",
        "Blair Agent",
        "blair@vendor.example",
        PASSWORD,
        true,
    )
    .await
    .unwrap()
    .unwrap();
    app::accounts::second_factor::service::enrol_with_key(
        app.db(),
        blair_id,
        netcare_server::demo::accounts::AGENT_TOTP_KEY,
    )
    .await
    .unwrap();
    let mut blair = Browser::new(&app);
    assert_eq!(
        crate::support::people::sign_in(&mut blair, "agent2", PASSWORD)
            .await
            .0,
        StatusCode::OK
    );
    // Another entry from the second agent is a new proposal, not an approval…
    assert_eq!(
        approve(&mut blair, &carla_id, "NW-1001-DC").await.0,
        StatusCode::OK
    );
    assert_eq!(role_of(&app, "carla.new@contoso.example").await, None);
    // …which the first agent completes.
    assert_eq!(
        approve(&mut avery, &carla_id, "NW-1001-DC").await.0,
        StatusCode::OK
    );
    assert_eq!(stage(&mut carla).await, json!("Complete"));
    assert_eq!(
        role_of(&app, "carla.new@contoso.example").await,
        Some(("NW-1001".into(), "da".into()))
    );
    let told = subjects_to(&app, "nadia@nw-1001.example").await;
    assert!(
        told.contains(&"A new member joined Northwind Networks on NetCare".to_owned()),
        "{told:?}"
    );
    assert_eq!(avery.call(AgentQueue::PATH, &[]).await.1, json!([]));
}
