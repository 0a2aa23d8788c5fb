//! Dashlets: the dashboard's panels (the dashboard itself arrives with issue 9).

mod pending_requests;
mod uploads_dashlet;

pub use pending_requests::PendingRequestsDashlet;
pub use uploads_dashlet::UploadsDashlet;
