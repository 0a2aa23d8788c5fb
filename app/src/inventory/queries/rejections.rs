//! Every rejected row of a landed upload, kept with it so an integrator can read them all (the
//! upload's summary lists only the first [`crate::inventory::MAX_LISTED_REJECTIONS`]).

use sqlx::AnyConnection;

use super::DeviceWrite;
use crate::{inventory::RejectedRow, platform::sql::multi_row_insert};

/// Rows per statement: five values each stays far below both databases' bind limits.
const ROWS_PER_STATEMENT: usize = 1000;

/// Stores rejected rows of the upload `write` belongs to, inside its transaction.
pub async fn insert(
    conn: &mut AnyConnection,
    write: &DeviceWrite<'_>,
    rows: &[RejectedRow],
) -> Result<(), sqlx::Error> {
    for batch in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = multi_row_insert(
            write.backend,
            "upload_rejections (company_id, upload_id, line, reason, cells)",
            5,
            batch.len(),
            "",
        );
        let mut query = sqlx::query(&sql);
        for row in batch {
            let cells = serde_json::to_string(&row.values).unwrap_or_else(|_| "[]".to_owned());
            query = query
                .bind(write.company_id)
                .bind(write.upload_id)
                .bind(row.line as i64)
                .bind(row.reason.clone())
                .bind(cells);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Up to `limit` rejected rows of one of the company's uploads, after line `after`, in line
/// order.
pub async fn page(
    conn: &mut AnyConnection,
    company_id: &str,
    upload_id: i64,
    after: u64,
    limit: u32,
) -> Result<Vec<RejectedRow>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT line, reason, cells FROM upload_rejections
         WHERE company_id = $1 AND upload_id = $2 AND line > $3 ORDER BY line LIMIT $4",
    )
    .bind(company_id)
    .bind(upload_id)
    .bind(after as i64)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(line, reason, cells)| RejectedRow {
            line: line as u64,
            reason,
            values: serde_json::from_str(&cells).unwrap_or_default(),
        })
        .collect())
}
