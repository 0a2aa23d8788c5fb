//! Dashlets: the dashboard's panels (the dashboard itself arrives with issue 9).

mod pending_requests;

pub use pending_requests::PendingRequestsDashlet;
