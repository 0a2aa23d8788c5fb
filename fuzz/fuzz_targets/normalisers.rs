//! Any text as a serial number, product ID or MAC address: the keys are stable (normalising a
//! key gives the key), a MAC key is twelve hex digits, and nothing panics.
#![no_main]

use app::coverage::normalise::{mac_key, pid_key, serial_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let serial = serial_key(text);
    assert_eq!(serial_key(&serial), serial);
    let pid = pid_key(text);
    assert_eq!(pid_key(&pid), pid);
    assert!(!pid.ends_with('='));
    if let Some(mac) = mac_key(text) {
        assert_eq!(mac.len(), 12);
        assert!(mac.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(mac_key(&mac).as_deref(), Some(mac.as_str()));
    }
});
