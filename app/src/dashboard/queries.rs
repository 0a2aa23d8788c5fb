//! The SQL of the dashboard: one stored layout per person.

use sqlx::AnyConnection;

use crate::platform::clock::timestamp_now;

/// The person's layout as stored (JSON), if they ever changed it.
pub async fn stored_layout(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT layout FROM dashboard_layouts WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

/// Stores the person's layout (JSON), replacing the one before (a single statement).
pub async fn store_layout(
    conn: &mut AnyConnection,
    account_id: i64,
    layout: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO dashboard_layouts (account_id, layout, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET layout = excluded.layout, updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(layout)
    .bind(timestamp_now())
    .execute(conn)
    .await?;
    Ok(())
}
