//! Product alerts (issue 22): end-of-life milestones, field notices and security advisories per
//! device. So far the pure rule every advisory decision rests on: how a vendor's release numbers
//! are ordered within a release train.

pub mod release;
