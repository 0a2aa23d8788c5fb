//! The netcare server as a library, so integration tests drive the same router `main` serves.

pub mod alerts_export;
pub mod commands;
pub mod config;
pub mod connections;
pub mod demo;
pub mod health;
pub mod library_export;
pub mod mail_sender;
pub mod mailbox;
pub mod migrate_to_postgres;
pub mod own_member;
pub mod router;
pub mod security;
pub mod security_log_export;
pub mod serve;
pub mod static_site;
pub mod streaming;
pub mod telemetry;
pub mod uploads;

pub use router::router;
