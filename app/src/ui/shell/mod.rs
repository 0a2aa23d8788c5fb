mod global_search;
mod nav_items;
mod other_area_or_not_found;
mod sign_in_gate;
pub mod sign_in_redirect;
mod step_up_dialog;
mod support_banner;
mod top_bar;

pub use nav_items::{nav_items, NavItem};
pub use other_area_or_not_found::OtherAreaOrNotFound;
pub use sign_in_gate::SignInGate;
pub use step_up_dialog::StepUpDialog;
pub use support_banner::SupportBanner;
pub use top_bar::TopBar;
