//! The Library: devices with their coverage, and the contracts that cover them.

mod alerts_page;
mod changes_panel;
mod column_chooser;
mod columns;
mod contracts_page;
mod correct_pid_button;
mod correct_selected_pids;
mod device_advisories;
mod device_alert_history;
mod device_end_of_life;
mod device_filters;
mod device_history;
mod device_notices;
mod device_page;
mod device_software_end_of_life;
mod devices_page;
mod devices_table;
mod pid_correction_note;
mod renewal_links;
mod saved_views_panel;
mod selection;
mod selection_bar;
mod vendor_link;

pub use alerts_page::AlertsPage;
pub use contracts_page::ContractsPage;
pub use device_page::DevicePage;
pub use devices_page::DevicesPage;
pub(crate) use renewal_links::RenewalLinks;
