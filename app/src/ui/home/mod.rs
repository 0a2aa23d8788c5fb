mod landing_page;
mod registry_stats_panel;

pub use landing_page::LandingPage;
pub use registry_stats_panel::RegistryStatsPanel;
