//! Access administration through its server functions: roles, the DAs' order, revocation that
//! signs a person out at once, the record of changes, and vendor support access.

use app::{
    access::{
        ChangeMemberRole, CloseSupport, EndSupportAccess, GrantSupportAccess, LoadAccess,
        LoadAccountInfo, MoveDelegatedAdmin, OpenSupport, RevokeMember, SupportedCompanies,
    },
    accounts::LoadCurrentUser,
    inventory::{LoadUploadOverview, PreviewInventory},
    library::{AddCompanyContract, DeviceFilter, LoadLibraryDevices},
    onboarding::{ConfirmRequest, ContinueRegistration, VerifyEntitlement},
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::support::people::*;
use crate::{
    support::people::PASSWORD,
    support::uploads::{demo_app, login, token_for, upload_csv, NORTHWIND_FILE},
    support::{both_databases, Backend, Browser},
};

both_databases!(
    a_da_changes_roles_and_the_order_and_it_is_recorded,
    a_company_keeps_its_last_da,
    only_das_change_access,
    revoking_signs_the_person_out_at_once,
    support_access_lets_agents_read_for_a_while,
    a_disabled_account_is_refused_at_once,
    account_information_names_the_company_das_and_contracts,
);

async fn access(browser: &mut Browser<'_>) -> Value {
    let (status, body) = browser.call(LoadAccess::PATH, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// (username, role, DA position) of each member, in the page's order.
fn people(view: &Value) -> Vec<(String, String, Option<i64>)> {
    view["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
                m["da_position"].as_i64(),
            )
        })
        .collect()
}

fn changes(view: &Value) -> Vec<String> {
    view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {} by {}",
                e["person"].as_str().unwrap(),
                e["change"].as_str().unwrap(),
                e["actor"].as_str().unwrap()
            )
        })
        .collect()
}

async fn set_role(browser: &mut Browser<'_>, account: i64, role: &str) -> (StatusCode, Value) {
    browser
        .call(
            ChangeMemberRole::PATH,
            &[("account_id", &account.to_string()), ("role", role)],
        )
        .await
}

async fn a_da_changes_roles_and_the_order_and_it_is_recorded(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let ben = account_id(&app, "ben.user").await;
    let mut dana = login(&app, "dana.admin").await;
    let before = access(&mut dana).await;
    assert_eq!(before["your_role"], "da");
    assert_eq!(
        people(&before),
        [
            ("dana.admin".to_owned(), "da".to_owned(), Some(1)),
            ("olivia.ops".to_owned(), "admin".to_owned(), None),
            ("ben.user".to_owned(), "user".to_owned(), None)
        ]
    );
    assert_eq!(set_role(&mut dana, ben, "admin").await.0, StatusCode::OK);
    assert_eq!(
        set_role(&mut dana, ben, "admin").await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        set_role(&mut dana, ben, "owner").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(set_role(&mut dana, ben, "da").await.0, StatusCode::OK);
    let (status, _) = dana
        .call(
            MoveDelegatedAdmin::PATH,
            &[("account_id", &ben.to_string()), ("position", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let after = access(&mut dana).await;
    assert_eq!(
        people(&after),
        [
            ("ben.user".to_owned(), "da".to_owned(), Some(1)),
            ("dana.admin".to_owned(), "da".to_owned(), Some(2)),
            ("olivia.ops".to_owned(), "admin".to_owned(), None)
        ]
    );
    assert_eq!(
        changes(&after)[..3],
        [
            "Ben User: Moved to DA 1 (receives access requests) by Dana Admin",
            "Ben User: Role: Administrator → Delegated Administrator by Dana Admin",
            "Ben User: Role: User → Administrator by Dana Admin",
        ]
    );
    // The first DA, now Ben, receives the next access request's email; Dana does not.
    let mut uma = login(&app, "uma.user").await;
    uma.call(ContinueRegistration::PATH, &[]).await;
    let (status, body) = uma
        .call(
            VerifyEntitlement::PATH,
            &[
                ("contract_number", "91000001"),
                ("serial_number", "FOC2101A0AB"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(uma.call(ConfirmRequest::PATH, &[]).await.0, StatusCode::OK);
    let asked: Vec<String> = sqlx::query_scalar(
        "SELECT to_address FROM outbox WHERE subject LIKE 'New request for access%'
         AND text_body LIKE '%Uma User%' ORDER BY id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(asked, ["ben.user@northwind.example"]);
    let named: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE '%Uma%'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(named, 0, "a person's free-text name is never in a subject");
    // Every manager sees who waits, on the Access page.
    let pending = access(&mut dana).await["pending"].clone();
    assert_eq!(pending[0]["full_name"], "Uma User", "{pending}");
}

async fn a_company_keeps_its_last_da(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let dana_id = account_id(&app, "dana.admin").await;
    let mut dana = login(&app, "dana.admin").await;
    let (status, body) = set_role(&mut dana, dana_id, "user").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body, json!("LastDa"));
    let (status, _) = dana
        .call(RevokeMember::PATH, &[("account_id", &dana_id.to_string())])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let view = access(&mut dana).await;
    assert_eq!(
        people(&view)[0],
        ("dana.admin".to_owned(), "da".to_owned(), Some(1))
    );
    assert!(
        changes(&view)
            .iter()
            .all(|c| !c.contains("Dana Admin: Role")),
        "nothing recorded"
    );
}

async fn only_das_change_access(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let dana_id = account_id(&app, "dana.admin").await;
    let ben_id = account_id(&app, "ben.user").await;
    let mut ben = login(&app, "ben.user").await;
    // A User neither sees nor changes access.
    assert_eq!(
        ben.call(LoadAccess::PATH, &[]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        set_role(&mut ben, ben_id, "da").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        set_role(&mut ben, dana_id, "user").await.0,
        StatusCode::FORBIDDEN
    );
    // An Administrator sees the page, read only.
    let mut dana = login(&app, "dana.admin").await;
    set_role(&mut dana, ben_id, "admin").await;
    assert_eq!(access(&mut ben).await["your_role"], "admin");
    let (status, body) = set_role(&mut ben, dana_id, "user").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!("DaOnly"));
    assert_eq!(
        ben.call(RevokeMember::PATH, &[("account_id", &dana_id.to_string())])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ben.call(
            MoveDelegatedAdmin::PATH,
            &[("account_id", &dana_id.to_string()), ("position", "2")]
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // Signed out: nothing.
    let mut stranger = Browser::new(&app);
    assert_eq!(
        stranger.call(LoadAccess::PATH, &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn revoking_signs_the_person_out_at_once(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    let ben_id = account_id(&app, "ben.user").await;
    let mut ben = login(&app, "ben.user").await;
    let mut ben_phone = login(&app, "ben.user").await;
    assert_eq!(library_status(&mut ben).await, StatusCode::OK);

    let mut dana = login(&app, "dana.admin").await;
    let (status, body) = dana
        .call(RevokeMember::PATH, &[("account_id", &ben_id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Both of Ben's open sessions are refused on their next request, and told why (not a bare
    // "sign in"), the question of who is signed in too.
    assert_eq!(library_status(&mut ben).await, StatusCode::UNAUTHORIZED);
    // An area's error wraps the app's own (`App`); the uploads overview answers the app's own.
    let removed = json!({ "SessionEnded": "AccessRemoved" });
    let (status, body) = ben_phone.call(LoadUploadOverview::PATH, &[]).await;
    assert_eq!((status, &body), (StatusCode::UNAUTHORIZED, &removed));
    let (status, body) = ben_phone.call(LoadCurrentUser::PATH, &[]).await;
    assert_eq!(
        (status, &body),
        (StatusCode::UNAUTHORIZED, &json!({ "App": removed }))
    );
    // Signing in again works, but he belongs to no company until a DA lets him in again.
    let mut again = login(&app, "ben.user").await;
    let (_, me) = again.call(LoadCurrentUser::PATH, &[]).await;
    assert_eq!(me["membership"], Value::Null);
    assert_eq!(library_status(&mut again).await, StatusCode::FORBIDDEN);
    let view = access(&mut dana).await;
    // Dana and Olivia remain.
    assert_eq!(people(&view).len(), 2);
    assert_eq!(
        changes(&view)[0],
        "Ben User: Access revoked (was User) by Dana Admin"
    );
    // Dana cannot revoke someone of another company, nor someone who left.
    let (status, body) = dana
        .call(RevokeMember::PATH, &[("account_id", &ben_id.to_string())])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

async fn support_access_lets_agents_read_for_a_while(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    let mut agent = login(&app, "agent").await;
    let (status, list) = agent.call(SupportedCompanies::PATH, &[]).await;
    assert_eq!((status, list), (StatusCode::OK, json!([])));
    assert_eq!(library_status(&mut agent).await, StatusCode::FORBIDDEN);
    let (status, _) = agent
        .call(OpenSupport::PATH, &[("company_id", "NW-1001")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no grant yet");

    let mut dana = login(&app, "dana.admin").await;
    assert_eq!(
        dana.call(GrantSupportAccess::PATH, &[("hours", "5")])
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let (status, grant) = dana
        .call(GrantSupportAccess::PATH, &[("hours", "24")])
        .await;
    assert_eq!(status, StatusCode::OK, "{grant}");
    assert_eq!(
        access(&mut dana).await["support"]["granted_by"],
        "Dana Admin"
    );
    // Only agents open a company's data; a company's own people use their own.
    let mut ben = login(&app, "ben.user").await;
    assert_eq!(
        ben.call(OpenSupport::PATH, &[("company_id", "NW-1001")])
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    let (_, list) = agent.call(SupportedCompanies::PATH, &[]).await;
    assert_eq!(list[0]["company_id"], "NW-1001");
    assert_eq!(
        agent
            .call(OpenSupport::PATH, &[("company_id", "CT-2002")])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent
            .call(OpenSupport::PATH, &[("company_id", "NW-1001")])
            .await
            .0,
        StatusCode::OK
    );
    let page = agent
        .run(LoadLibraryDevices {
            filter: DeviceFilter::default(),
            offset: 0,
        })
        .await
        .unwrap();
    assert_eq!(page.total, 6);
    let (_, me) = agent.call(LoadCurrentUser::PATH, &[]).await;
    assert_eq!(me["membership"]["role"], "support");
    // Read only: no contracts added, no uploads.
    assert_eq!(
        agent
            .call(AddCompanyContract::PATH, &[("contract_number", "91000001")])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        agent
            .call(
                PreviewInventory::PATH,
                &[("sample", "serial_number,product_id\n")]
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // Another agent session is not open on it until that agent opens it.
    let mut other_session = login(&app, "agent").await;
    assert_eq!(
        library_status(&mut other_session).await,
        StatusCode::FORBIDDEN
    );

    // Ended by the company: the agent's next request is refused.
    assert_eq!(
        dana.call(EndSupportAccess::PATH, &[]).await.0,
        StatusCode::OK
    );
    assert_eq!(library_status(&mut agent).await, StatusCode::FORBIDDEN);
    assert_eq!(
        dana.call(EndSupportAccess::PATH, &[]).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(agent.call(CloseSupport::PATH, &[]).await.0, StatusCode::OK);
    let record = changes(&access(&mut dana).await);
    assert_eq!(record[0], ": Support access ended by Dana Admin");
    assert_eq!(
        record[1],
        ": A vendor agent opened the company's data under support access by Avery Agent"
    );
    assert!(
        record[2].starts_with(": Support access granted to the vendor's agents until "),
        "{record:?}"
    );

    // An expired grant counts for nothing.
    dana.call(GrantSupportAccess::PATH, &[("hours", "4")]).await;
    agent
        .call(OpenSupport::PATH, &[("company_id", "NW-1001")])
        .await;
    sqlx::query("UPDATE support_grants SET expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(library_status(&mut agent).await, StatusCode::FORBIDDEN);
}

async fn a_disabled_account_is_refused_at_once(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let url = app.test_db.url.clone();
    let mut ben = login(&app, "ben.user").await;
    assert_eq!(
        ben.call(LoadUploadOverview::PATH, &[]).await.0,
        StatusCode::OK
    );
    let disabled = crate::support::cli::netcare(&url, &["account", "disable", "BEN.USER"]);
    assert!(
        disabled.status.success(),
        "{}",
        String::from_utf8_lossy(&disabled.stderr)
    );
    let disabled = json!({ "SessionEnded": "AccountDisabled" });
    assert_eq!(
        ben.call(LoadUploadOverview::PATH, &[]).await,
        (StatusCode::UNAUTHORIZED, disabled.clone())
    );
    let mut again = Browser::new(&app);
    let (status, body) = again
        .call(
            app::accounts::Login::PATH,
            &[("login", "ben.user"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, json!("Disabled")));
    let unknown = crate::support::cli::netcare(&url, &["account", "disable", "nobody"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account is named nobody"));
    let enabled =
        crate::support::cli::netcare(&url, &["account", "enable", "ben.user@northwind.example"]);
    assert!(enabled.status.success());
    login(&app, "ben.user").await;
    // Enabling the account does not bring back a browser the disabling ended.
    assert_eq!(
        ben.call(LoadUploadOverview::PATH, &[]).await,
        (StatusCode::UNAUTHORIZED, disabled)
    );
}

async fn account_information_names_the_company_das_and_contracts(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let (status, info) = ben.call(LoadAccountInfo::PATH, &[]).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["company_id"], "NW-1001");
    assert_eq!(info["role"], "user");
    assert_eq!(info["delegated_admins"], json!(["Dana Admin"]));
    let contracts = info["contracts"].as_array().unwrap();
    let held: Vec<i64> =
        sqlx::query_scalar("SELECT COUNT(*) FROM contracts WHERE company_id = 'NW-1001'")
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    assert_eq!(
        contracts.len() as i64,
        held[0],
        "every contract the company holds"
    );
    assert!(contracts
        .iter()
        .all(|c| ["active", "expiring", "future", "expired"]
            .contains(&c["standing"].as_str().unwrap())));
    // The demo gives Northwind contracts in more than one standing and service level.
    let standings: std::collections::BTreeSet<&str> = contracts
        .iter()
        .map(|c| c["standing"].as_str().unwrap())
        .collect();
    assert!(standings.len() > 1, "{info}");
    // An agent without support access has no company to show.
    let mut agent = login(&app, "agent").await;
    assert_eq!(
        agent.call(LoadAccountInfo::PATH, &[]).await.0,
        StatusCode::FORBIDDEN
    );
}

/// How the caller's first Library page is answered: 200, or the status it is refused with.
async fn library_status(browser: &mut Browser<'_>) -> StatusCode {
    let first_page = LoadLibraryDevices {
        filter: DeviceFilter::default(),
        offset: 0,
    };
    match browser.run(first_page).await {
        Ok(_) => StatusCode::OK,
        Err((status, _)) => status,
    }
}
