//! Inventory pages: uploads (CSV import with preview and progress) and collector tokens.

mod collectors_page;
mod csv_import_panel;
mod delete_inventory_panel;
pub mod format;
mod preview_table;
mod refresh_coverage_panel;
mod rejected_rows_panel;
pub mod upload_answer;
mod uploads_page;
mod warnings_panel;
mod xhr_upload;

pub use collectors_page::CollectorsPage;
pub use uploads_page::UploadsPage;
