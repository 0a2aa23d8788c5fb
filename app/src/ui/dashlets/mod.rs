//! Dashlets: the dashboard's panels (the dashboard itself arrives with issue 9).

mod account_dashlet;
mod coverage_dashlets;
mod dashboard_grid;
mod dashlet_frame;
mod dashlet_readiness;
mod end_of_life_dashlet;
mod expiring_contracts;
mod field_notices_dashlet;
mod not_covered_reasons;
mod pending_requests;
mod security_advisories_dashlet;
mod status_chart;
mod uploads_dashlet;

pub use account_dashlet::AccountDashlet;
pub use coverage_dashlets::CoverageDashlets;
pub use dashboard_grid::DashboardGrid;
pub use end_of_life_dashlet::EndOfLifeDashlet;
pub use field_notices_dashlet::FieldNoticesDashlet;
pub use pending_requests::PendingRequestsDashlet;
pub use security_advisories_dashlet::SecurityAdvisoriesDashlet;
pub use uploads_dashlet::UploadsDashlet;
