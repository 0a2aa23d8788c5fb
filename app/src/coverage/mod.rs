//! Coverage: how a device is matched to contract lines, and what its status is.

pub mod decision;
pub mod normalise;
