//! Any bytes as an uploaded CSV file: the reader refuses the file or yields rows, each accepted
//! or rejected with a line number that never goes backwards; it never panics.
#![no_main]

use app::inventory::reader::{InventoryReader, RowOutcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = InventoryReader::open(data) else {
        return;
    };
    let mut last_line = 1;
    while let Some(row) = reader.next_row() {
        let Ok(row) = row else { break };
        let line = match row {
            RowOutcome::Accepted { line, device } => {
                assert!(!device.identity_key.is_empty());
                line
            }
            RowOutcome::Rejected(rejected) => {
                assert!(!rejected.reason.is_empty());
                rejected.line
            }
        };
        assert!(line >= last_line, "line {line} after {last_line}");
        last_line = line;
    }
});
