//! The Access page (DA and Admin): people and roles, the DAs' order, support access and the
//! record of changes; and the agents' list of companies that granted support access.

mod access_page;
mod member_actions;
mod members_table;
mod pending_panel;
mod role_history;
mod second_factor_panel;
mod security_log_page;
mod support_companies_panel;
mod support_panel;

pub use access_page::AccessPage;
pub use security_log_page::SecurityLogPage;
pub use support_companies_panel::SupportCompaniesPanel;
