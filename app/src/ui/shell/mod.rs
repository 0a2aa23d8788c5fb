mod nav_items;
mod other_area_or_not_found;
mod top_bar;

pub use nav_items::{nav_items, NavItem};
pub use other_area_or_not_found::OtherAreaOrNotFound;
pub use top_bar::TopBar;
