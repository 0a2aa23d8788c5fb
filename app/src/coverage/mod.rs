//! Coverage: how a device is matched to contract lines, and what its status is.

pub mod decision;
#[cfg(feature = "ssr")]
pub mod lines;
pub mod normalise;
