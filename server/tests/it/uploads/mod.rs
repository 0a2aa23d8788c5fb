//! Inventory uploads through the real endpoints: the browser's CSV import, the collector API,
//! one quota for both, coverage computed on landing, and nothing left by a refused upload. The
//! helpers every test shares are in `support::uploads`.

mod collectors;
mod files;
mod inventory;
mod quota;
