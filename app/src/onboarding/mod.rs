//! Self-service onboarding (PRODUCT.md §2): proving entitlement, then joining a company that has
//! Delegated Administrators, becoming the first DA of a new one, or waiting for an agent.
//!
//! The rules are pure: `entitlement` (step 2's checks), `assessment` (when an agent must look),
//! `wizard` (the state machine: every step, branch and refused move).

pub mod assessment;
pub mod entitlement;
pub mod wizard;
