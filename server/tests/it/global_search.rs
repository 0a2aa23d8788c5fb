//! The top bar's search: the caller's company's devices, contracts and, for DAs and Admins,
//! people; too short a text finds nothing, too long a text is refused.

use app::library::{LibraryError, SearchEverything, SearchResults};
use axum::http::StatusCode;

use crate::support::{
    both_databases,
    uploads::{contoso_uploads_its_own, demo_app, login, token_for, upload_csv, NORTHWIND_FILE},
    Backend, Browser,
};

both_databases!(the_search_finds_devices_contracts_and_people_of_the_company);

async fn search(browser: &mut Browser<'_>, term: &str) -> SearchResults {
    browser
        .run(SearchEverything {
            term: term.to_owned(),
        })
        .await
        .unwrap()
}

async fn the_search_finds_devices_contracts_and_people_of_the_company(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let token = token_for(&app, "NW-1001", "nw").await;
    upload_csv(&app, &token, NORTHWIND_FILE).await;
    contoso_uploads_its_own(&app).await;
    let mut ben = login(&app, "ben.user").await;
    let mut dana = login(&app, "dana.admin").await;

    let core = search(&mut ben, " CORE- ").await;
    let names: Vec<&str> = core.devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["FOC2101A0AA", "FOC2101A0AB"]);
    assert_eq!((core.devices_total, core.devices_more), (2, false));
    assert_eq!(core.devices[0].hostname, "core-1");
    assert_eq!(core.people, None, "a User does not search people");

    // A contract number's part finds the company's contracts, not another company's.
    let contracts = search(&mut ben, "9100000").await;
    assert!(!contracts.contracts.is_empty());
    assert!(contracts
        .contracts
        .iter()
        .all(|c| c.contract_number.contains("9100000")));
    assert_eq!(contracts.contracts_total, contracts.contracts.len());
    assert!(search(&mut ben, "92000001").await.contracts.is_empty());

    // People, for a DA: by name, email or username, in any case.
    let people = search(&mut dana, "BEN").await.people.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].full_name, "Ben User");
    assert!(search(&mut dana, "bob").await.people.unwrap().is_empty());

    // Too short finds nothing; too long is refused; another company's serial is not found.
    assert_eq!(search(&mut ben, "F").await, SearchResults::default());
    assert_eq!(
        ben.run(SearchEverything {
            term: "x".repeat(101)
        })
        .await
        .unwrap_err(),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            LibraryError::SearchTooLong
        )
    );
    assert_eq!(search(&mut ben, "CT-ONLY").await.devices_total, 0);
    let anonymous = Browser::new(&app)
        .run(SearchEverything {
            term: "core".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);
}
