//! Saved views of the Library: a person's own, shown to their company when shared, changed only by
//! whoever saved them, checked names, a bound on how many, read-only under support access.

use app::{
    coverage::Status,
    library::{
        DeleteLibraryView, DeviceFilter, LibraryError, LoadSavedViews, SaveLibraryView, SavedView,
    },
    AppError,
};
use axum::http::StatusCode;

use crate::support::{
    both_databases,
    uploads::{agent_on_northwind, demo_app, login},
    Backend, Browser,
};

both_databases!(views_are_personal_until_shared_and_only_their_owner_changes_them);

fn save(name: &str, filter: DeviceFilter, columns: &str, shared: bool) -> SaveLibraryView {
    SaveLibraryView {
        name: name.to_owned(),
        filter,
        columns: columns.to_owned(),
        shared,
    }
}

async fn names(browser: &mut Browser<'_>) -> Vec<(String, bool)> {
    let views: Vec<SavedView> = browser.run(LoadSavedViews {}).await.unwrap();
    views.into_iter().map(|v| (v.name, v.yours)).collect()
}

async fn views_are_personal_until_shared_and_only_their_owner_changes_them(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let mut ben = login(&app, "ben.user").await;
    let mut carla = login(&app, "carla.new").await;

    let not_covered = DeviceFilter {
        status: Some(Status::NotCovered),
        site: "HQ Building 7".into(),
        ..DeviceFilter::default()
    };
    let saved = dana
        .run(save(
            "  Not   covered at HQ ",
            not_covered.clone(),
            "serial,hostname,ip,<b>",
            false,
        ))
        .await
        .unwrap();
    assert!(!saved.replaced);
    assert_eq!(saved.view.name, "Not covered at HQ");
    assert_eq!(
        saved.view.query,
        "status=not_covered&site=HQ%20Building%207"
    );
    assert_eq!(saved.view.columns, "serial,hostname,ip");
    assert_eq!(
        (saved.view.owner.as_str(), saved.view.yours),
        ("Dana Admin", true)
    );
    assert!(names(&mut ben).await.is_empty(), "not shared yet");

    // Saving under the same name replaces it; shared, the company sees it.
    let shared = dana
        .run(save("Not covered at HQ", not_covered, "serial", true))
        .await
        .unwrap();
    assert!(shared.replaced);
    assert_eq!(shared.view.id, saved.view.id);
    let ben_sees: Vec<SavedView> = ben.run(LoadSavedViews {}).await.unwrap();
    assert_eq!(ben_sees.len(), 1);
    assert_eq!(
        (
            ben_sees[0].owner.as_str(),
            ben_sees[0].yours,
            ben_sees[0].columns.as_str()
        ),
        ("Dana Admin", false, "serial")
    );
    // Someone in no company has none to see (another company: the isolation suite).
    assert_eq!(
        carla.run(LoadSavedViews {}).await.unwrap_err().0,
        StatusCode::FORBIDDEN
    );

    // Only the owner deletes: to anyone else the view is not found, and stays.
    assert_eq!(
        ben.run(DeleteLibraryView {
            view_id: saved.view.id
        })
        .await
        .unwrap_err(),
        (StatusCode::NOT_FOUND, LibraryError::ViewNotFound)
    );
    // Ben's own view of the same name is his; his come first.
    ben.run(save(
        "Not covered at HQ",
        DeviceFilter::default(),
        "",
        false,
    ))
    .await
    .unwrap();
    ben.run(save("Another", DeviceFilter::default(), "", false))
        .await
        .unwrap();
    assert_eq!(
        names(&mut ben).await,
        [
            ("Another".to_owned(), true),
            ("Not covered at HQ".to_owned(), true),
            ("Not covered at HQ".to_owned(), false)
        ]
    );

    // Names are checked.
    for (name, error) in [
        ("   ", LibraryError::ViewNameMissing),
        (&"n".repeat(81)[..], LibraryError::ViewNameInvalid),
    ] {
        assert_eq!(
            ben.run(save(name, DeviceFilter::default(), "", false))
                .await
                .unwrap_err(),
            (StatusCode::UNPROCESSABLE_ENTITY, error)
        );
    }
    // A filter too long to keep is refused whole.
    let long = DeviceFilter {
        search: "x".repeat(9_000),
        ..DeviceFilter::default()
    };
    assert_eq!(
        ben.run(save("Long", long, "", false)).await.unwrap_err(),
        (StatusCode::UNPROCESSABLE_ENTITY, LibraryError::ViewTooLong)
    );
    // At most 50 per person; replacing one still works at the limit.
    for n in 0..48 {
        ben.run(save(
            &format!("View {n}"),
            DeviceFilter::default(),
            "",
            false,
        ))
        .await
        .unwrap();
    }
    assert_eq!(
        ben.run(save("One too many", DeviceFilter::default(), "", false))
            .await
            .unwrap_err(),
        (StatusCode::CONFLICT, LibraryError::TooManyViews)
    );
    assert!(
        ben.run(save("View 3", DeviceFilter::default(), "", true))
            .await
            .unwrap()
            .replaced
    );

    // Dana deletes hers; it is gone for everyone.
    dana.run(DeleteLibraryView {
        view_id: saved.view.id,
    })
    .await
    .unwrap();
    assert!(!names(&mut ben).await.iter().any(|(_, yours)| !yours));

    // An agent under support access reads the shared views and saves none.
    dana.run(save("For support", DeviceFilter::default(), "", true))
        .await
        .unwrap();
    let mut agent = agent_on_northwind(&app, &mut dana).await;
    let agent_sees = names(&mut agent).await;
    assert!(agent_sees.contains(&("For support".to_owned(), false)));
    assert!(agent_sees.contains(&("View 3".to_owned(), false)));
    assert_eq!(
        agent
            .run(save("Mine", DeviceFilter::default(), "", false))
            .await
            .unwrap_err()
            .0,
        StatusCode::FORBIDDEN
    );
    let refused = Browser::new(&app).run(LoadSavedViews {}).await.unwrap_err();
    assert_eq!(
        refused,
        (
            StatusCode::UNAUTHORIZED,
            LibraryError::App(AppError::NotSignedIn)
        )
    );
}
