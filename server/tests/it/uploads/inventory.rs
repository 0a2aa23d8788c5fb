//! The inventory as a whole: deleting it, and each company seeing only its own.

use super::prelude::*;

both_databases!(
    deleting_the_inventory_keeps_the_history,
    companies_see_only_their_own_inventory,
);

async fn deleting_the_inventory_keeps_the_history(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    upload_outcome(&dana, "n.csv", NORTHWIND_FILE.as_bytes()).await;
    let (status, body) = dana
        .call(DeleteInventory::PATH, &[("confirmation", "yes")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 6);
    let (status, deleted) = dana
        .call(DeleteInventory::PATH, &[("confirmation", "DELETE")])
        .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!(6)));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 0);
    let (_, overview) = dana.call(LoadUploadOverview::PATH, &[]).await;
    assert_eq!(overview["devices"], 0);
    assert_eq!(overview["recent"].as_array().unwrap().len(), 1);
    // Re-uploading after a delete adds the devices afresh.
    let again = upload_outcome(&dana, "n.csv", NORTHWIND_FILE.as_bytes()).await;
    assert_eq!(again["summary"]["added"], 6);
}

async fn companies_see_only_their_own_inventory(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let northwind = token_for(&app, "NW-1001", "nw").await;
    let contoso = token_for(&app, "CT-2002", "ct").await;
    upload_csv(
        &app,
        &northwind,
        "serial_number,product_id\nSHARED1,C9300-48P\nNW-ONLY,C9300-48P\n",
    )
    .await;
    upload_csv(
        &app,
        &contoso,
        "serial_number,product_id\nSHARED1,C9300-48P\nCT-ONLY,C9300-48P\n",
    )
    .await;
    let nw: Vec<String> = devices_json(&app, &northwind)
        .await
        .iter()
        .map(|d| d["serial_number"].as_str().unwrap().to_owned())
        .collect();
    let ct: Vec<String> = devices_json(&app, &contoso)
        .await
        .iter()
        .map(|d| d["serial_number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(nw, vec!["SHARED1", "NW-ONLY"]);
    assert_eq!(ct, vec!["SHARED1", "CT-ONLY"]);
    let (_, _, listed) = api(&app, "GET", "/api/v1/uploads", &contoso, &[], Vec::new()).await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["uploads"].as_array().unwrap().len(), 1);
    assert_eq!(listed["quota"]["used"], 1, "quotas are per company");
    // A Northwind DA cannot revoke Contoso's token: it is not found in their company.
    let mut dana = login(&app, "dana.admin").await;
    let contoso_id: i64 =
        sqlx::query_scalar("SELECT id FROM collector_tokens WHERE company_id = 'CT-2002'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    let (status, _) = dana
        .call(
            RevokeCollectorToken::PATH,
            &[("token_id", &contoso_id.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let revoked: Option<String> =
        sqlx::query_scalar("SELECT revoked_at FROM collector_tokens WHERE id = $1")
            .bind(contoso_id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert!(revoked.is_none());
    // Someone without a company cannot upload.
    let stranger =
        crate::support::people::signed_in(&app, "stranger", "stranger@contoso.example").await;
    let (status, _) = browser_upload(&stranger, "x.csv", b"serial_number,product_id\nX,Y\n").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = Browser::new(&app);
    let (status, _) = browser_upload(&anonymous, "x.csv", b"serial_number,product_id\nX,Y\n").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
