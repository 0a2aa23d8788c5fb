mod other_area_or_not_found;
mod top_bar;

pub use other_area_or_not_found::OtherAreaOrNotFound;
pub use top_bar::TopBar;
