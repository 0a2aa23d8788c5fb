//! Any bytes as a JSON upload body: refused with a reason, or devices handed out one by one,
//! numbered from 1 in order; never a panic.
#![no_main]

use app::inventory::{json::read_devices, reader::RowOutcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut expected = 1;
    let _ = read_devices(data, &mut |row| {
        let line = match row {
            RowOutcome::Accepted { line, .. } => line,
            RowOutcome::Rejected(rejected) => rejected.line,
        };
        assert_eq!(line, expected);
        expected += 1;
        true
    });
});
