//! Guessing serial numbers is a way to learn which serials exist and whose contracts cover them
//! (a covered answer names the contract and its dates). An upload that names mostly serials the
//! registry does not know looks like that, so such uploads have a small daily limit of their own
//! and each is written in the security log. A real inventory can hold many unknown devices (other
//! vendors' gear, spares): the rule takes both a count and a share, so it rarely meets one.

/// Fewer unknown serials than this is never probing.
pub const MIN_UNKNOWN: u64 = 50;
/// The share of an upload's accepted devices, in percent, that unknown serials must reach.
pub const UNKNOWN_SHARE_PERCENT: u64 = 80;

/// Whether an upload with `accepted` devices, `unknown` of them unknown to the registry, looks
/// like guessing.
pub fn is_probing(accepted: u64, unknown: u64) -> bool {
    unknown >= MIN_UNKNOWN && unknown * 100 >= accepted.max(1) * UNKNOWN_SHARE_PERCENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mostly_unknown_serials_in_number_is_probing() {
        assert!(is_probing(50, 50));
        assert!(is_probing(1000, 800));
        assert!(!is_probing(1000, 799), "under the share");
        assert!(!is_probing(49, 49), "too few to tell");
        assert!(!is_probing(10_000, 3_000), "a big real inventory with other vendors' gear");
        assert!(!is_probing(0, 0));
    }
}
