//! Step-up (issue 18): the most sensitive actions ask whoever signed in more than ten minutes ago to
//! prove who they are again (password, and the authenticator code when they use two-step sign-in);
//! whoever may not take the action at all is refused as before.

use app::{
    access::{AccessError, GrantSupportAccess},
    accounts::second_factor::{codes, ConfirmIdentity, ConfirmTotpEnrolment, StartTotpEnrolment},
    inventory::{CreateCollectorToken, DeleteInventory, TokenScope, UploadError},
    AppError,
};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use crate::support::{
    both_databases,
    people::{account_id, authenticator_code, PASSWORD},
    uploads::{demo_app, login},
    Backend, Browser, TestApp,
};

both_databases!(
    sensitive_actions_wait_for_the_password_after_ten_minutes,
    with_two_step_sign_in_the_code_is_asked_too,
);

/// Makes every session of `username` one whose sign-in was half an hour ago.
async fn signed_in_long_ago(app: &TestApp, username: &str) {
    let id = account_id(app, username).await;
    sqlx::query("UPDATE sessions SET authenticated_at = $2 WHERE account_id = $1")
        .bind(id)
        .bind(app::platform::clock::timestamp_text(
            time::OffsetDateTime::now_utc() - std::time::Duration::from_secs(1800),
        ))
        .execute(app.db().pool())
        .await
        .unwrap();
}

fn new_token() -> CreateCollectorToken {
    CreateCollectorToken {
        name: "lab collector".into(),
        expires_in_days: None,
        scope: TokenScope::Upload,
    }
}

async fn set_role(browser: &mut Browser<'_>, account: i64, role: &str) -> serde_json::Value {
    browser
        .call(
            app::access::ChangeMemberRole::PATH,
            &[("account_id", &account.to_string()), ("role", role)],
        )
        .await
        .1
}

async fn sensitive_actions_wait_for_the_password_after_ten_minutes(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let ben_id = account_id(&app, "ben.user").await;
    let mut dana = login(&app, "dana.admin").await;
    // Just signed in: nothing is asked.
    assert!(dana.run(new_token()).await.is_ok());

    signed_in_long_ago(&app, "dana.admin").await;
    let refused = dana.run(new_token()).await;
    assert!(
        matches!(
            refused,
            Err((
                StatusCode::FORBIDDEN,
                UploadError::App(AppError::ReauthenticationRequired)
            ))
        ),
        "{refused:?}"
    );
    assert_eq!(
        set_role(&mut dana, ben_id, "admin").await,
        serde_json::json!({"App": "ReauthenticationRequired"})
    );
    let grant = dana.run(GrantSupportAccess { hours: 4 }).await;
    assert!(matches!(
        grant,
        Err((
            StatusCode::FORBIDDEN,
            AccessError::App(AppError::ReauthenticationRequired)
        ))
    ));
    let delete = dana
        .run(DeleteInventory {
            confirmation: "DELETE".into(),
        })
        .await;
    assert!(matches!(
        delete,
        Err((
            StatusCode::FORBIDDEN,
            UploadError::App(AppError::ReauthenticationRequired)
        ))
    ));

    // A User is refused as before, not asked for a password that would not help.
    let mut ben = login(&app, "ben.user").await;
    signed_in_long_ago(&app, "ben.user").await;
    assert_eq!(
        set_role(&mut ben, ben_id, "da").await,
        serde_json::json!("DaOnly")
    );

    // The wrong password changes nothing; the right one opens ten more minutes.
    let wrong = dana
        .run(ConfirmIdentity {
            current_password: "not it".into(),
            code: String::new(),
        })
        .await;
    assert!(
        matches!(&wrong, Err((StatusCode::BAD_REQUEST, err)) if err.field("current_password").is_some()),
        "{wrong:?}"
    );
    assert!(dana.run(new_token()).await.is_err());
    dana.run(ConfirmIdentity {
        current_password: PASSWORD.into(),
        code: String::new(),
    })
    .await
    .unwrap();
    assert!(dana.run(new_token()).await.is_ok());
    assert_eq!(
        set_role(&mut dana, ben_id, "admin").await,
        serde_json::Value::Null
    );
}

async fn with_two_step_sign_in_the_code_is_asked_too(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut olivia = login(&app, "olivia.ops").await;
    let enrolment = olivia
        .run(StartTotpEnrolment {
            current_password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let secret = codes::secret_from_text(&enrolment.secret).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    olivia
        .run(ConfirmTotpEnrolment {
            code: codes::code_at(&secret, now),
        })
        .await
        .unwrap();

    signed_in_long_ago(&app, "olivia.ops").await;
    assert!(olivia.run(new_token()).await.is_err());
    let password_only = olivia
        .run(ConfirmIdentity {
            current_password: PASSWORD.into(),
            code: String::new(),
        })
        .await;
    assert!(
        matches!(&password_only, Err((StatusCode::BAD_REQUEST, err)) if err.field("code").is_some()),
        "{password_only:?}"
    );
    assert!(
        olivia.run(new_token()).await.is_err(),
        "still not confirmed"
    );
    let code = authenticator_code(&app, "olivia.ops").await;
    olivia
        .run(ConfirmIdentity {
            current_password: PASSWORD.into(),
            code,
        })
        .await
        .unwrap();
    let created: Result<_, (StatusCode, UploadError)> = olivia.run(new_token()).await;
    assert!(created.is_ok(), "{created:?}");
}
