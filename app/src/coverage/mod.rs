//! Coverage: how a device is matched to contract lines, and what its status is.

pub mod decision;
#[cfg(feature = "ssr")]
pub mod lines;
pub mod normalise;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod recompute;
#[cfg(feature = "ssr")]
mod sqlite_read;

/// What a recompute did (see `recompute`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recomputed {
    /// Devices decided again.
    pub devices: u64,
    /// Of those, devices whose status or deciding contract changed.
    pub changed: u64,
}
