//! `/api/access/security-log.csv`: a company's security log as CSV, for its Delegated
//! Administrators, with the page's filter. Formula-like cells are neutralised like every export.

use app::{
    access::Role,
    error::Needed,
    inventory::{spreadsheet_safe, UploadError},
    platform::AppState,
    security_log::{self, queries, EventKind, NewEvent, SecurityLogFilter},
    AppError,
};
use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

use crate::{own_member::OwnMember, uploads::error_response};

/// Events read per query while the file is built.
const BATCH: u32 = 1000;

pub async fn security_log_csv(
    State(state): State<AppState>,
    Query(filter): Query<SecurityLogFilter>,
    member: OwnMember,
) -> Response {
    if member.membership.role != Role::Da {
        let refused = AppError::NotAllowed(Needed::DelegatedAdmin);
        return error_response(&UploadError::from(refused));
    }
    let filter = match filter.checked() {
        Ok(filter) => filter,
        Err(err) => {
            return crate::uploads::problem(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                &err.to_string(),
            )
        }
    };
    let company_id = member.membership.company_id.as_str();
    let file = async {
        let mut conn = state.db.conn().await?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(["at", "kind", "actor", "detail", "client_address"]);
        let mut before = None;
        loop {
            let (events, more) =
                queries::company_page(&mut conn, company_id, &filter, before, BATCH).await?;
            for event in &events {
                let _ = writer.write_record([
                    event.at.as_str(),
                    event.kind.as_str(),
                    spreadsheet_safe(&event.actor).as_ref(),
                    spreadsheet_safe(&event.detail).as_ref(),
                    event.client_address.as_str(),
                ]);
            }
            match events.last() {
                Some(last) if more => before = Some(last.id),
                _ => break,
            }
        }
        Ok::<_, sqlx::Error>(writer.into_inner().unwrap_or_default())
    };
    let file = match file.await {
        Ok(file) => file,
        Err(err) => return error_response(&UploadError::from(err)),
    };
    let event = NewEvent::new(EventKind::Export, member.caller.username.as_str())
        .company(company_id)
        .detail("Security log CSV")
        .from(&member.client);
    security_log::record(&state, event).await;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"netcare-security-log.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        file,
    )
        .into_response()
}
