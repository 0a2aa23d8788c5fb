//! Tenant isolation on every entry point. Two companies with data: Northwind (A: Dana DA, Ben
//! User) and Contoso (B: Bob DA, Bea User). The suite lists every server function the app
//! registers and every HTTP route the server's source declares, and fails when one has no entry
//! here, so a new entry point cannot arrive untested. For each:
//! - B's people try A's ids and get exactly what a missing id gets (status and body), in the same
//!   timing class; reads show B nothing of A; writes by B leave A as it was;
//! - a User tries each DA/Admin action with valid arguments and is refused;
//! - an agent without support access reads nothing of any company.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use app::{
    access::{
        ChangeMemberRole, CloseSupport, EndSupportAccess, GrantSupportAccess, LoadAccess,
        LoadAccountInfo, LoadSecurityLog, MoveDelegatedAdmin, OpenSupport, RevokeMember,
        SupportedCompanies,
    },
    accounts::{
        ChangeEmail, ChangePassword, LoadCurrentUser, Login, Logout, LogoutEverywhere, Register,
        RequestPasswordReset, ResendVerification, ResetPassword, UpdateName, VerifyEmail,
    },
    coverage::{DeviceCoverageTimeline, RefreshCoverage},
    dashboard::{LoadDashboardLayout, SaveDashboardLayout},
    inventory::{
        CreateCollectorToken, DeleteInventory, ListCollectorTokens, LoadUploadOverview,
        PreviewInventory, RevokeCollectorToken,
    },
    library::{
        AddCompanyContract, LoadCompanyContracts, LoadCoverageChanges, LoadCoverageSummary,
        LoadFilterChoices, LoadLibraryDevices,
    },
    onboarding::{
        AgentDecide, AgentQueue, AnswerQuestion, CheckEntitlement, ChooseOrganisation,
        ConfirmRequest, ContinueRegistration, DecideAccessRequest, FinishRegistration, GoBack,
        LoadAssessmentReasons, LoadWizard, NoneOfTheAbove, OpenOnboardingLink,
        PendingAccessRequests, StartAgain, VerifyEntitlement, WithdrawRequest,
    },
    registry::{ImportRegistryFiles, LoadRegistryStats},
};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::{
    support::people::{account_id, add_member},
    support::uploads::{demo_app, login, token_for, upload_csv, NORTHWIND_FILE},
    support::{body_text, both_databases, Backend, Browser, TestApp},
};

both_databases!(
    every_entry_point_is_listed,
    another_companys_ids_are_not_found,
    reads_show_nothing_of_another_company,
    writes_touch_only_the_callers_company,
    users_are_refused_every_manager_action,
    agents_without_support_access_read_nothing,
    http_routes_serve_only_the_callers_company,
);

/// How a server function can reach company data, and so how the suite tries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Takes the id of something a company owns.
    CompanyId,
    /// Reads the caller's company's data, with no id to try.
    CompanyRead,
    /// Changes the caller's company's data, with no id to try.
    CompanyWrite,
    /// The vendor agents' work; no company reads through it (refused to company people).
    AgentOnly,
    /// The caller's own account or own registration; no company data.
    Personal,
    /// No company data at all.
    Public,
}

/// Every server function, with how it reaches company data.
use app::accounts::second_factor;

fn server_functions() -> Vec<(&'static str, Reach)> {
    use Reach::*;
    vec![
        (LoadLibraryDevices::PATH, CompanyRead),
        (LoadCompanyContracts::PATH, CompanyRead),
        (LoadCoverageSummary::PATH, CompanyRead),
        (LoadFilterChoices::PATH, CompanyRead),
        (app::alerts::LoadEolSummary::PATH, CompanyRead),
        (app::alerts::LoadAdvisorySummary::PATH, CompanyRead),
        (app::alerts::LoadNoticeSummary::PATH, CompanyRead),
        (app::alerts::LoadCompanyAlerts::PATH, CompanyRead),
        (LoadCoverageChanges::PATH, CompanyRead),
        (LoadUploadOverview::PATH, CompanyRead),
        (ListCollectorTokens::PATH, CompanyRead),
        (PendingAccessRequests::PATH, CompanyRead),
        (LoadAccess::PATH, CompanyRead),
        (LoadAccountInfo::PATH, CompanyRead),
        (LoadSecurityLog::PATH, CompanyRead),
        (app::library::LoadSavedViews::PATH, CompanyRead),
        (app::library::SearchEverything::PATH, CompanyRead),
        (app::library::SaveLibraryView::PATH, CompanyWrite),
        (app::library::DeleteLibraryView::PATH, CompanyId),
        (DeviceCoverageTimeline::PATH, CompanyId),
        (app::library::LoadDevice::PATH, CompanyId),
        (app::library::LoadDeviceAdvisories::PATH, CompanyId),
        (app::library::LoadDeviceNotices::PATH, CompanyId),
        (app::library::LoadDeviceAlertHistory::PATH, CompanyId),
        (app::library::LoadPidCorrection::PATH, CompanyId),
        (app::library::CorrectProductId::PATH, CompanyId),
        (app::library::UndoPidCorrection::PATH, CompanyId),
        (RevokeCollectorToken::PATH, CompanyId),
        (DecideAccessRequest::PATH, CompanyId),
        (ChangeMemberRole::PATH, CompanyId),
        (MoveDelegatedAdmin::PATH, CompanyId),
        (RevokeMember::PATH, CompanyId),
        (AddCompanyContract::PATH, CompanyWrite),
        (app::library::CorrectProductIds::PATH, CompanyWrite),
        (PreviewInventory::PATH, CompanyWrite),
        (CreateCollectorToken::PATH, CompanyWrite),
        (DeleteInventory::PATH, CompanyWrite),
        (RefreshCoverage::PATH, CompanyWrite),
        (GrantSupportAccess::PATH, CompanyWrite),
        (EndSupportAccess::PATH, CompanyWrite),
        (
            second_factor::SetCompanySecondFactorRule::PATH,
            CompanyWrite,
        ),
        (
            second_factor::LoadCompanySecondFactorRule::PATH,
            CompanyRead,
        ),
        (second_factor::LoadSecondFactor::PATH, Personal),
        (second_factor::StartTotpEnrolment::PATH, Personal),
        (second_factor::ConfirmTotpEnrolment::PATH, Personal),
        (second_factor::ReplaceRecoveryCodes::PATH, Personal),
        (second_factor::TurnOffSecondFactor::PATH, Personal),
        (second_factor::SignInSecondStep::PATH, Personal),
        (second_factor::ConfirmIdentity::PATH, Personal),
        (second_factor::LoadPasskeys::PATH, Personal),
        (second_factor::StartPasskeyRegistration::PATH, Personal),
        (second_factor::FinishPasskeyRegistration::PATH, Personal),
        (second_factor::RemovePasskey::PATH, Personal),
        (second_factor::StartPasskeySecondStep::PATH, Personal),
        (second_factor::FinishPasskeySecondStep::PATH, Personal),
        (second_factor::StartPasskeySignIn::PATH, Personal),
        (second_factor::FinishPasskeySignIn::PATH, Personal),
        (AgentQueue::PATH, AgentOnly),
        (AgentDecide::PATH, AgentOnly),
        (ImportRegistryFiles::PATH, AgentOnly),
        (SupportedCompanies::PATH, AgentOnly),
        (OpenSupport::PATH, AgentOnly),
        (CloseSupport::PATH, AgentOnly),
        (LoadCurrentUser::PATH, Personal),
        (LoadDashboardLayout::PATH, Personal),
        (SaveDashboardLayout::PATH, Personal),
        (Register::PATH, Personal),
        (Login::PATH, Personal),
        (Logout::PATH, Personal),
        (LogoutEverywhere::PATH, Personal),
        (VerifyEmail::PATH, Personal),
        (app::accounts::InspectEmailLink::PATH, Personal),
        (ResendVerification::PATH, Personal),
        (RequestPasswordReset::PATH, Personal),
        (ResetPassword::PATH, Personal),
        (UpdateName::PATH, Personal),
        (ChangeEmail::PATH, Personal),
        (ChangePassword::PATH, Personal),
        (LoadWizard::PATH, Personal),
        (ContinueRegistration::PATH, Personal),
        (VerifyEntitlement::PATH, Personal),
        (CheckEntitlement::PATH, Personal),
        (WithdrawRequest::PATH, Personal),
        (GoBack::PATH, Personal),
        (ChooseOrganisation::PATH, Personal),
        (NoneOfTheAbove::PATH, Personal),
        (ConfirmRequest::PATH, Personal),
        (AnswerQuestion::PATH, Personal),
        (LoadAssessmentReasons::PATH, Personal),
        (OpenOnboardingLink::PATH, Personal),
        (app::onboarding::InspectOnboardingLink::PATH, Personal),
        (FinishRegistration::PATH, Personal),
        (StartAgain::PATH, Personal),
        (LoadRegistryStats::PATH, Public),
    ]
}

/// Every HTTP route besides the server functions, with how the suite tries it.
const HTTP_ROUTES: [(&str, &str); 22] = [
    (
        "/api/access/security-log.csv",
        "session: the caller's company's security log (DAs only)",
    ),
    (
        "/api/inventory/upload",
        "session: uploads into the caller's company",
    ),
    (
        "/api/inventory/preview-workbook",
        "session: the caller's company's remembered columns",
    ),
    (
        "/api/library/devices.csv",
        "session: the caller's company's devices",
    ),
    (
        "/api/library/devices.xlsx",
        "session: the caller's company's devices",
    ),
    (
        "/api/library/alerts.csv",
        "session: the alerts of the caller's company's devices",
    ),
    (
        "/api/library/alerts.xlsx",
        "session: the alerts of the caller's company's devices",
    ),
    ("/api/v1/devices", "token: the token's company's devices"),
    (
        "/api/v1/alerts",
        "token: what affects the token's company's devices",
    ),
    (
        "/api/v1/devices/{serial}",
        "token: a serial number among the token's company's devices (probed below)",
    ),
    (
        "/api/v1/coverage/summary",
        "token: the token's company's counts",
    ),
    (
        "/api/v1/contracts",
        "token: the token's company's contracts",
    ),
    ("/api/v1/me", "token: the token's own company and name"),
    ("/api/v1/uploads", "token: the token's company's uploads"),
    (
        "/api/v1/uploads/{id}",
        "token: one of the token's company's uploads (probed below)",
    ),
    (
        "/api/v1/uploads/{id}/rejected_rows",
        "token: one of the token's company's uploads' rejected rows (probed below)",
    ),
    ("/api/v1/openapi.json", "public: the API's description"),
    ("/api/v1/docs", "public: the API's description as a page"),
    (
        "/api/v1/{*rest}",
        "public, no data: any other API path answers a JSON 404 naming it",
    ),
    ("/api/{*fn_name}", "the server functions, listed above"),
    ("/healthz", "public: no data"),
    (
        "/dev/mailbox",
        "development only (serve --dev-mailbox): the outbox",
    ),
];

/// The two companies, their people and A's ids.
struct World {
    a_device: i64,
    /// A's device known to the registry under another product ID (one to correct).
    a_mismatch: i64,
    a_token: i64,
    /// A view Northwind's DA saved and shared.
    a_view: i64,
    a_people: [i64; 2],
    /// Someone waiting for A's DA to let them in.
    a_requester: i64,
}

impl World {
    /// The id of A's that `path` (a function taking an id) is tried with.
    fn id_for(&self, path: &str) -> i64 {
        match path {
            p if p == DeviceCoverageTimeline::PATH
                || p == app::library::LoadDevice::PATH
                || p == app::library::LoadDeviceAdvisories::PATH
                || p == app::library::LoadDeviceNotices::PATH
                || p == app::library::LoadDeviceAlertHistory::PATH
                || p == app::library::LoadPidCorrection::PATH
                || p == app::library::UndoPidCorrection::PATH =>
            {
                self.a_device
            }
            p if p == app::library::CorrectProductId::PATH => self.a_mismatch,
            p if p == RevokeCollectorToken::PATH => self.a_token,
            p if p == app::library::DeleteLibraryView::PATH => self.a_view,
            p if p == DecideAccessRequest::PATH => self.a_requester,
            _ => self.a_people[1],
        }
    }
}

/// Text that only A's data contains.
const A_MARKERS: [&str; 8] = [
    "FOC2101A0AA",
    "NOPE0000001",
    "Dana Admin",
    "dana.admin",
    "Ben User",
    "Uma User",
    "nw-collector",
    "Northwind",
];

async fn world(app: &TestApp) -> World {
    let a_token = token_for(app, "NW-1001", "nw-collector").await;
    assert_eq!(
        upload_csv(app, &a_token, NORTHWIND_FILE).await.0,
        StatusCode::CREATED
    );
    add_member(app, "CT-2002", "bob.ct", "da").await;
    add_member(app, "CT-2002", "bea.ct", "user").await;
    let b_token = token_for(app, "CT-2002", "ct-collector").await;
    upload_csv(
        app,
        &b_token,
        "serial_number,product_id\nCTB0000001,C9300-48P\n",
    )
    .await;
    // A request for access waits in each company: reads of B's must show B's, never A's.
    request_access(app, "uma.user", "91000001", "FOC2101A0AB").await;
    request_access(app, "carla.new", "92000001", "FCW2245L0A1").await;
    // A's security log has A's events (Dana signing in); a view she shares.
    let mut dana = login(app, "dana.admin").await;
    let (status, saved) = dana
        .call_json(
            app::library::SaveLibraryView::PATH,
            json!({"name": "Northwind not covered", "filter": {"status": "not_covered"}, "columns": "serial", "shared": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let pool = app.db().pool();
    let a_device = sqlx::query_scalar("SELECT MIN(id) FROM devices WHERE company_id = 'NW-1001'")
        .fetch_one(pool)
        .await
        .unwrap();
    let a_mismatch = sqlx::query_scalar(
        "SELECT id FROM devices WHERE company_id = 'NW-1001' AND reason = 'pid_mismatch'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let a_token =
        sqlx::query_scalar("SELECT id FROM collector_tokens WHERE company_id = 'NW-1001'")
            .fetch_one(pool)
            .await
            .unwrap();
    World {
        a_device,
        a_mismatch,
        a_token,
        a_view: saved["view"]["id"].as_i64().unwrap(),
        a_people: [
            account_id(app, "dana.admin").await,
            account_id(app, "ben.user").await,
        ],
        a_requester: account_id(app, "uma.user").await,
    }
}

/// `username` (a demo account in no company yet) proves `contract` and `serial` in the wizard
/// and asks the company's DA to let them in.
async fn request_access(app: &TestApp, username: &str, contract: &str, serial: &str) {
    let mut browser = login(app, username).await;
    browser.call(ContinueRegistration::PATH, &[]).await;
    let (_, body) = browser
        .call(
            VerifyEntitlement::PATH,
            &[("contract_number", contract), ("serial_number", serial)],
        )
        .await;
    assert!(body["ConfirmRequest"].is_object(), "{username}: {body}");
    let (_, body) = browser.call(ConfirmRequest::PATH, &[]).await;
    assert!(body["RequestSubmitted"].is_object(), "{username}: {body}");
}

/// Reads a User is refused (they are a DA's or an Admin's).
const MANAGER_READS: [&str; 5] = [
    ListCollectorTokens::PATH,
    second_factor::LoadCompanySecondFactorRule::PATH,
    PendingAccessRequests::PATH,
    LoadAccess::PATH,
    LoadSecurityLog::PATH,
];

/// Calls a function that takes an id with `id` (and otherwise valid arguments).
async fn call_with_id(browser: &mut Browser<'_>, path: &str, id: i64) -> (StatusCode, Value) {
    let id = id.to_string();
    let args: Vec<(&str, &str)> = match path {
        p if p == DeviceCoverageTimeline::PATH
            || p == app::library::LoadDevice::PATH
            || p == app::library::LoadDeviceAdvisories::PATH
            || p == app::library::LoadDeviceNotices::PATH
            || p == app::library::LoadDeviceAlertHistory::PATH
            || p == app::library::LoadPidCorrection::PATH
            || p == app::library::UndoPidCorrection::PATH =>
        {
            vec![("device_id", &id)]
        }
        p if p == app::library::CorrectProductId::PATH => {
            vec![("device_id", &id), ("product_id", "C9300-48P")]
        }
        p if p == RevokeCollectorToken::PATH => vec![("token_id", &id)],
        p if p == app::library::DeleteLibraryView::PATH => vec![("view_id", &id)],
        p if p == DecideAccessRequest::PATH => {
            vec![("requester_id", &id), ("role", "user"), ("reason", "")]
        }
        p if p == ChangeMemberRole::PATH => vec![("account_id", &id), ("role", "admin")],
        p if p == MoveDelegatedAdmin::PATH => vec![("account_id", &id), ("position", "1")],
        p if p == RevokeMember::PATH => vec![("account_id", &id)],
        other => panic!("no arguments known for {other}"),
    };
    browser.call(path, &args).await
}

/// Calls a function that takes no id, with valid arguments.
async fn call_plain(browser: &mut Browser<'_>, path: &str) -> (StatusCode, Value) {
    match path {
        p if p == LoadSecurityLog::PATH => {
            browser
                .call_json(p, json!({"filter": {}, "before": null}))
                .await
        }
        p if p == LoadLibraryDevices::PATH => {
            browser
                .call_json(p, json!({"filter": {}, "offset": 0}))
                .await
        }
        // Most of A's serial numbers start so.
        p if p == app::library::SearchEverything::PATH => browser.call(p, &[("term", "FO")]).await,
        p if p == app::library::SaveLibraryView::PATH => {
            browser
                .call_json(
                    p,
                    json!({"name": "Probe", "filter": {}, "columns": "", "shared": true}),
                )
                .await
        }
        // Every id A's devices could have: B's call finds none of them.
        p if p == app::library::CorrectProductIds::PATH => {
            let ids: Vec<i64> = (1..=200).collect();
            browser.call_json(p, json!({ "device_ids": ids })).await
        }
        p if p == AddCompanyContract::PATH => {
            browser.call(p, &[("contract_number", "91000001")]).await
        }
        p if p == PreviewInventory::PATH => {
            browser
                .call(p, &[("sample", "serial_number,product_id\nX1,C9300-48P\n")])
                .await
        }
        p if p == CreateCollectorToken::PATH => browser.call(p, &[("name", "probe")]).await,
        p if p == DeleteInventory::PATH => browser.call(p, &[("confirmation", "DELETE")]).await,
        p if p == GrantSupportAccess::PATH => browser.call(p, &[("hours", "4")]).await,
        p if p == second_factor::SetCompanySecondFactorRule::PATH => {
            browser.call(p, &[("required", "false")]).await
        }
        p => browser.call(p, &[]).await,
    }
}

fn paths(reach: Reach) -> Vec<&'static str> {
    server_functions()
        .into_iter()
        .filter(|(_, r)| *r == reach)
        .map(|(path, _)| path)
        .collect()
}

fn assert_nothing_of_a(path: &str, body: &Value) {
    let text = body.to_string();
    for marker in A_MARKERS {
        assert!(!text.contains(marker), "{path} showed {marker}: {text}");
    }
}

/// What of A a write by someone else could change.
async fn a_snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM devices WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM collector_tokens WHERE company_id = 'NW-1001' AND revoked_at IS NULL",
        "SELECT COUNT(*) FROM company_members WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM company_members WHERE company_id = 'NW-1001' AND role = 'da'",
        "SELECT COUNT(*) FROM company_contracts WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM support_grants WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM saved_views WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM pid_corrections WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM devices WHERE company_id = 'NW-1001' AND product_id = 'C9300-24T'",
        "SELECT COUNT(*) FROM role_events WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM coverage_refreshes WHERE company_id = 'NW-1001'",
        "SELECT COUNT(*) FROM sessions s JOIN company_members m ON m.account_id = s.account_id WHERE m.company_id = 'NW-1001'",
    ] {
        counts.push(sqlx::query_scalar(sql).fetch_one(app.db().pool()).await.unwrap());
    }
    counts
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The same timing class: within 4x of each other, or within 25 ms (scheduling noise).
fn same_timing_class(a: Duration, b: Duration) -> bool {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    high <= low * 4 || high - low <= Duration::from_millis(25)
}

async fn every_entry_point_is_listed(backend: Backend) {
    let _app = TestApp::new(backend).await;
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = server_functions()
        .into_iter()
        .map(|(p, _)| p.to_owned())
        .collect();
    assert_eq!(
        registered.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "server functions without an isolation entry: add them to server_functions()"
    );
    assert_eq!(
        listed.difference(&registered).collect::<Vec<_>>(),
        Vec::<&String>::new()
    );
    // The routes the server's source declares.
    let mut declared = BTreeSet::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split(".route(").skip(1) {
                    let literal = piece.trim_start().trim_start_matches('"');
                    if let Some(end) = literal.find('"') {
                        declared.insert(literal[..end].to_owned());
                    }
                }
            }
        }
    }
    let known: BTreeSet<String> = HTTP_ROUTES.iter().map(|(p, _)| (*p).to_owned()).collect();
    assert_eq!(
        declared, known,
        "HTTP routes without an isolation entry: add them to HTTP_ROUTES and a probe"
    );
}

async fn another_companys_ids_are_not_found(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let world = world(&app).await;
    let before = a_snapshot(&app).await;
    let mut bob = login(&app, "bob.ct").await;
    for path in paths(Reach::CompanyId) {
        let a_id = world.id_for(path);
        let (mut theirs, mut missing) = (Vec::new(), Vec::new());
        let mut answers = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let their_answer = call_with_id(&mut bob, path, a_id).await;
            theirs.push(started.elapsed());
            let started = Instant::now();
            let missing_answer = call_with_id(&mut bob, path, 987_654_321).await;
            missing.push(started.elapsed());
            answers.push((their_answer, missing_answer));
        }
        for ((their_status, their_body), (missing_status, missing_body)) in answers {
            assert_eq!(
                (their_status, &their_body),
                (missing_status, &missing_body),
                "{path}: another company's id must look missing"
            );
            assert_eq!(their_status, StatusCode::NOT_FOUND, "{path}: {their_body}");
        }
        let (theirs, missing) = (median(theirs), median(missing));
        assert!(
            same_timing_class(theirs, missing),
            "{path}: {theirs:?} for another company's id, {missing:?} for a missing one"
        );
    }
    assert_eq!(a_snapshot(&app).await, before, "A is unchanged");
    // Nor can anyone of B (a User) learn more.
    let mut bea = login(&app, "bea.ct").await;
    let (status, _) = call_with_id(&mut bea, DeviceCoverageTimeline::PATH, world.a_device).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn reads_show_nothing_of_another_company(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    world(&app).await;
    for user in ["bob.ct", "bea.ct"] {
        let mut browser = login(&app, user).await;
        for path in paths(Reach::CompanyRead) {
            let (status, body) = call_plain(&mut browser, path).await;
            assert_nothing_of_a(path, &body);
            if user == "bea.ct" && MANAGER_READS.contains(&path) {
                // Refused with the reason alone (`{"App": {"NotAllowed": role}}`): nothing of
                // any company.
                assert_eq!(status, StatusCode::FORBIDDEN, "{user} {path}: {body}");
                let refusal = body["App"]
                    .as_object()
                    .filter(|_| body.as_object().unwrap().len() == 1);
                assert!(
                    refusal.is_some_and(|app| app.len() == 1 && app["NotAllowed"].is_string()),
                    "{user} {path}: {body}"
                );
            } else {
                // Every read of one's own company answers.
                assert_eq!(status, StatusCode::OK, "{user} {path}: {body}");
            }
        }
    }
    // B's own data is there: the reads do read.
    let mut bob = login(&app, "bob.ct").await;
    let (_, page) = call_plain(&mut bob, LoadLibraryDevices::PATH).await;
    assert_eq!(page["devices"][0]["serial_number"], "CTB0000001");
    let (_, pending) = call_plain(&mut bob, PendingAccessRequests::PATH).await;
    let emails: Vec<&str> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|request| request["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["carla.new@contoso.example"],
        "B's request, not A's"
    );
}

async fn writes_touch_only_the_callers_company(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    world(&app).await;
    let before = a_snapshot(&app).await;
    let mut bob = login(&app, "bob.ct").await;
    for path in paths(Reach::CompanyWrite) {
        let (status, body) = call_plain(&mut bob, path).await;
        assert_nothing_of_a(path, &body);
        assert!(
            status != StatusCode::INTERNAL_SERVER_ERROR,
            "{path}: {body}"
        );
    }
    assert_eq!(
        a_snapshot(&app).await,
        before,
        "A is unchanged by B's writes"
    );
    let b_devices: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE company_id = 'CT-2002'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(b_devices, 0, "B's delete did delete B's inventory");
}

async fn users_are_refused_every_manager_action(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let world = world(&app).await;
    let mut ben = login(&app, "ben.user").await;
    let before = a_snapshot(&app).await;
    let manager_actions = [
        ListCollectorTokens::PATH,
        CreateCollectorToken::PATH,
        DeleteInventory::PATH,
        RefreshCoverage::PATH,
        LoadAccess::PATH,
        GrantSupportAccess::PATH,
        EndSupportAccess::PATH,
        PendingAccessRequests::PATH,
        second_factor::SetCompanySecondFactorRule::PATH,
        second_factor::LoadCompanySecondFactorRule::PATH,
    ];
    for path in manager_actions {
        let (status, body) = call_plain(&mut ben, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    // With ids of his own company.
    for (path, id) in [
        (RevokeCollectorToken::PATH, world.a_token),
        (ChangeMemberRole::PATH, world.a_people[0]),
        (MoveDelegatedAdmin::PATH, world.a_people[0]),
        (RevokeMember::PATH, world.a_people[0]),
        (DecideAccessRequest::PATH, world.a_people[1]),
    ] {
        let (status, body) = call_with_id(&mut ben, path, id).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    // And the agents' functions.
    for path in paths(Reach::AgentOnly) {
        let (status, body) = match path {
            p if p == OpenSupport::PATH => ben.call(p, &[("company_id", "NW-1001")]).await,
            p if p == AgentDecide::PATH => {
                ben.call(
                    p,
                    &[("requester_id", "1"), ("action", "reject"), ("text", "x")],
                )
                .await
            }
            p if p == ImportRegistryFiles::PATH => ben.call_json(p, json!({"files": []})).await,
            p => ben.call(p, &[]).await,
        };
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    assert_eq!(a_snapshot(&app).await, before, "nothing changed");
}

async fn agents_without_support_access_read_nothing(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let world = world(&app).await;
    let before = a_snapshot(&app).await;
    let mut agent = login(&app, "agent").await;
    for path in paths(Reach::CompanyRead)
        .into_iter()
        .chain(paths(Reach::CompanyWrite))
    {
        let (status, body) = call_plain(&mut agent, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    for path in paths(Reach::CompanyId) {
        let id = world.id_for(path);
        let (status, body) = call_with_id(&mut agent, path, id).await;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{path}: {status} {body}"
        );
        assert_nothing_of_a(path, &body);
    }
    assert_eq!(
        agent
            .call(OpenSupport::PATH, &[("company_id", "NW-1001")])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(a_snapshot(&app).await, before);
}

async fn http_routes_serve_only_the_callers_company(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    world(&app).await;
    let get = |path: &str, auth: (&str, String)| {
        Request::get(path)
            .header(auth.0, auth.1)
            .body(Body::empty())
            .unwrap()
    };
    let bob = login(&app, "bob.ct").await;
    let bob_cookie = bob.cookie.clone().unwrap();
    for path in [
        "/api/library/devices.csv",
        "/api/library/devices.xlsx",
        "/api/library/alerts.csv",
        "/api/library/alerts.xlsx",
        "/api/access/security-log.csv",
    ] {
        let response = app.send(get(path, ("cookie", bob_cookie.clone()))).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let bytes = crate::support::body_bytes(response).await;
        let text = String::from_utf8_lossy(&bytes);
        for marker in A_MARKERS {
            assert!(!text.contains(marker), "{path} showed {marker}");
        }
    }
    // B's log is B's: Bob's own sign-in is there; a User of B gets none of it.
    let response = app
        .send(get(
            "/api/access/security-log.csv",
            ("cookie", bob_cookie.clone()),
        ))
        .await;
    let log = body_text(response).await;
    assert!(log.contains(",signed_in,bob.ct,"), "{log}");
    let bea = login(&app, "bea.ct").await;
    let response = app
        .send(get(
            "/api/access/security-log.csv",
            ("cookie", bea.cookie.clone().unwrap()),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // An upload of A's with a rejected row, and one of B's.
    let a_token = token_for(&app, "NW-1001", "nw-prober").await;
    let a_file = "serial_number,product_id\nISO-A-1,C9300-48P\nNOPE0000001,\n";
    let (status, a_upload) = upload_csv(&app, &a_token, a_file).await;
    assert_eq!(status, StatusCode::CREATED, "{a_upload}");
    let a_id = a_upload["upload_id"].as_i64().unwrap();
    let b_token = token_for(&app, "CT-2002", "ct-reader").await;
    let b_id: i64 = crate::support::uploads::count(
        &app,
        "SELECT MAX(id) FROM uploads WHERE company_id = 'CT-2002'",
    )
    .await;
    let a_upload_path = format!("/api/v1/uploads/{a_id}");
    let a_rows_path = format!("/api/v1/uploads/{a_id}/rejected_rows");
    let b_upload_path = format!("/api/v1/uploads/{b_id}");
    let b_rows_path = format!("/api/v1/uploads/{b_id}/rejected_rows");
    for (path, status) in [
        (a_upload_path.as_str(), StatusCode::NOT_FOUND),
        (a_rows_path.as_str(), StatusCode::NOT_FOUND),
        (b_upload_path.as_str(), StatusCode::OK),
        (b_rows_path.as_str(), StatusCode::OK),
        ("/api/v1/devices", StatusCode::OK),
        ("/api/v1/uploads", StatusCode::OK),
        (
            "/api/v1/devices?limit=10&status=not_covered",
            StatusCode::OK,
        ),
        ("/api/v1/devices?serial=FOC2101A0AA", StatusCode::OK),
        ("/api/v1/devices/FOC2101A0AA", StatusCode::NOT_FOUND),
        ("/api/v1/devices/NOPE0000001", StatusCode::NOT_FOUND),
        ("/api/v1/devices/CTB0000001", StatusCode::OK),
        ("/api/v1/coverage/summary", StatusCode::OK),
        ("/api/v1/contracts", StatusCode::OK),
        ("/api/v1/alerts", StatusCode::OK),
        ("/api/v1/me", StatusCode::OK),
    ] {
        let response = app
            .send(get(path, ("authorization", format!("Bearer {b_token}"))))
            .await;
        assert_eq!(response.status(), status, "{path}");
        let text = body_text(response).await;
        assert!(
            text.contains("CTB0000001")
                || !path.starts_with("/api/v1/devices")
                || path.contains("FOC")
                || path.contains("NOPE")
                || path.contains("serial"),
            "{path}: {text}"
        );
        for marker in A_MARKERS {
            assert!(!text.contains(marker), "{path} showed {marker}: {text}");
        }
    }
    // An agent's session (no company) and no session at all get nothing.
    let agent = login(&app, "agent").await;
    for (auth, expected) in [
        (
            ("cookie", agent.cookie.clone().unwrap()),
            StatusCode::FORBIDDEN,
        ),
        (("x-nothing", String::new()), StatusCode::UNAUTHORIZED),
    ] {
        let response = app
            .send(get("/api/library/devices.csv", auth.clone()))
            .await;
        assert_eq!(response.status(), expected);
        let response = app
            .send(
                Request::post("/api/inventory/upload?file_name=x.csv")
                    .header(auth.0, auth.1.clone())
                    .header("host", "netcare.test")
                    .header("origin", crate::support::PUBLIC_URL)
                    .header("content-type", "text/csv")
                    .body(Body::from("serial_number,product_id\nX,C9300-48P\n"))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status(), expected, "upload");
        let response = app
            .send(
                Request::post("/api/inventory/preview-workbook")
                    .header(auth.0, auth.1)
                    .header("host", "netcare.test")
                    .header("origin", crate::support::PUBLIC_URL)
                    .body(Body::from("serial_number,product_id\nX,C9300-48P\n"))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status(), expected, "workbook preview");
    }
    // A token from nowhere reads nothing.
    let response = app
        .send(get(
            "/api/v1/devices",
            ("authorization", "Bearer nct_forged".to_owned()),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
