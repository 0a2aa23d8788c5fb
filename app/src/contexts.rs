//! App-wide state the components share.

pub mod session;
