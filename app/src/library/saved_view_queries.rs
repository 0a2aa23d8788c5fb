//! The SQL of saved views. Every statement names the company and, for changes, the person: a
//! view is only ever found in its company, and only changed by whoever saved it.

use sqlx::{AnyConnection, FromRow};

use super::saved_views::SavedView;
use crate::platform::{clock::timestamp_now, db::DbBool};

/// A view to store.
pub struct NewView<'a> {
    pub name: &'a str,
    pub query: &'a str,
    pub columns: &'a str,
    pub shared: bool,
}

#[derive(FromRow)]
struct ViewRow {
    id: i64,
    name: String,
    query: String,
    columns: String,
    shared: DbBool,
    owner: String,
    account_id: i64,
}

impl ViewRow {
    fn view(self, caller: i64) -> SavedView {
        SavedView {
            id: self.id,
            name: self.name,
            query: self.query,
            columns: self.columns,
            shared: self.shared.0,
            owner: self.owner,
            yours: self.account_id == caller,
        }
    }
}

const VIEW_COLUMNS: &str = "v.id, v.name, v.query, v.columns, v.shared, a.full_name AS owner, \
     v.account_id FROM saved_views v JOIN accounts a ON a.id = v.account_id";

/// The caller's views and the company's shared ones: the caller's first, then by name.
pub async fn views(
    conn: &mut AnyConnection,
    company_id: &str,
    caller: i64,
) -> Result<Vec<SavedView>, sqlx::Error> {
    let rows: Vec<ViewRow> = sqlx::query_as(&format!(
        "SELECT {VIEW_COLUMNS} WHERE v.company_id = $1 AND (v.account_id = $2 OR v.shared)
         ORDER BY CASE WHEN v.account_id = $3 THEN 0 ELSE 1 END, lower(v.name), v.id"
    ))
    .bind(company_id)
    .bind(caller)
    .bind(caller)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| row.view(caller)).collect())
}

/// One view the caller may see.
pub async fn view_by_id(
    conn: &mut AnyConnection,
    company_id: &str,
    caller: i64,
    id: i64,
) -> Result<Option<SavedView>, sqlx::Error> {
    let row: Option<ViewRow> = sqlx::query_as(&format!(
        "SELECT {VIEW_COLUMNS} WHERE v.company_id = $1 AND v.id = $2 AND (v.account_id = $3 OR v.shared)"
    ))
    .bind(company_id)
    .bind(id)
    .bind(caller)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| row.view(caller)))
}

pub async fn own_view_named(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
    name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM saved_views WHERE company_id = $1 AND account_id = $2 AND name = $3",
    )
    .bind(company_id)
    .bind(account_id)
    .bind(name)
    .fetch_optional(conn)
    .await
}

pub async fn own_view_count(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM saved_views WHERE company_id = $1 AND account_id = $2")
        .bind(company_id)
        .bind(account_id)
        .fetch_one(conn)
        .await
}

pub async fn insert_view(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
    view: &NewView<'_>,
) -> Result<i64, sqlx::Error> {
    let now = timestamp_now();
    sqlx::query_scalar(
        "INSERT INTO saved_views (company_id, account_id, name, query, columns, shared, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(company_id)
    .bind(account_id)
    .bind(view.name)
    .bind(view.query)
    .bind(view.columns)
    .bind(view.shared)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Replaces the filter, columns and sharing of a view found by [`own_view_named`].
pub async fn replace_view(
    conn: &mut AnyConnection,
    id: i64,
    view: &NewView<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE saved_views SET query = $1, columns = $2, shared = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(view.query)
    .bind(view.columns)
    .bind(view.shared)
    .bind(timestamp_now())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the caller's view; false when they have none with that id in this company.
pub async fn delete_own_view(
    conn: &mut AnyConnection,
    company_id: &str,
    account_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM saved_views WHERE company_id = $1 AND account_id = $2 AND id = $3",
    )
    .bind(company_id)
    .bind(account_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
