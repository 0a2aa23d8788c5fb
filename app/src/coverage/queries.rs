//! Coverage's SQL for reading: a device's periods over time.

use sqlx::AnyConnection;

use super::CoveragePeriod;

/// A device's coverage periods, the current one first (empty when the company has no such
/// device).
pub async fn coverage_timeline(
    conn: &mut AnyConnection,
    company_id: &str,
    device_id: i64,
) -> Result<Vec<CoveragePeriod>, sqlx::Error> {
    sqlx::query_as(
        "SELECT status, reason, registry_pid, contract_number, service_level, coverage_end,
                coverage_since AS valid_from, NULL AS valid_until, coverage_cause AS cause
         FROM devices WHERE company_id = $1 AND id = $2
         UNION ALL
         SELECT h.status, h.reason, h.registry_pid, h.contract_number, h.service_level, h.coverage_end,
                h.valid_from, h.valid_until, COALESCE(p.ended_by, 'upload')
         FROM coverage_history h
         LEFT JOIN coverage_history p ON p.device_id = h.device_id AND p.valid_until = h.valid_from AND p.id <> h.id
         WHERE h.company_id = $1 AND h.device_id = $2
         ORDER BY 7 DESC",
    )
    .bind(company_id)
    .bind(device_id)
    .fetch_all(conn)
    .await
}
