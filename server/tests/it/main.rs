//! Integration tests: the real router, in-process, against a fresh real database per test.
//! Every test runs on SQLite and on PostgreSQL (see `support::both_databases!`).

mod support;

mod access;
mod accounts;
mod advisories;
mod alert_history;
mod alerts;
mod alerts_export;
mod bad_input;
mod cli;
mod concurrent_writers;
mod coverage_recompute;
mod database;
mod dev_conveniences;
mod disk_full;
mod field_notices;
mod global_search;
mod health;
mod import_faults;
mod isolation;
mod library;
mod mail_delivery;
mod onboarding;
mod passkeys;
mod pid_corrections;
mod registry_import;
mod registry_stats;
mod request_safety;
mod saved_views;
mod scale_out;
mod second_factor;
mod security_log;
mod slow_clients;
mod static_site;
mod step_up;
mod upload_faults;
mod uploads;
