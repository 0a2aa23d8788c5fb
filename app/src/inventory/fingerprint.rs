//! What makes a retried upload the same request: a SHA-256 over how the body is to be read and
//! applied (content type, source, mode) and the body itself. Kept with an Idempotency-Key, so the
//! key sent again with anything else is refused instead of answered with the first upload's summary.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::{UploadMethod, UploadMode};

/// The fingerprint of an upload request, reading `body` to its end.
pub fn request_fingerprint(
    body: &mut impl Read,
    content_type: &str,
    method: UploadMethod,
    mode: UploadMode,
) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    // Each part ends with a byte no header value holds, so parts cannot run into each other.
    for part in [content_type.trim(), method.as_str(), mode.as_str()] {
        hasher.update(part.to_ascii_lowercase().as_bytes());
        hasher.update([0u8]);
    }
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = body.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(crate::platform::digest::hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(body: &str, content_type: &str, method: UploadMethod, mode: UploadMode) -> String {
        request_fingerprint(&mut body.as_bytes(), content_type, method, mode).unwrap()
    }

    #[test]
    fn the_same_request_has_the_same_fingerprint_and_any_change_another() {
        let csv = "serial_number,product_id\nFOC1,C9300-48P\n";
        let base = of(csv, "text/csv", UploadMethod::Collector, UploadMode::Merge);
        assert_eq!(base, of(csv, "TEXT/CSV ", UploadMethod::Collector, UploadMode::Merge));
        assert_eq!(base.len(), 64);
        for other in [
            of("serial_number,product_id\nFOC2,C9300-48P\n", "text/csv", UploadMethod::Collector, UploadMode::Merge),
            of(csv, "application/json", UploadMethod::Collector, UploadMode::Merge),
            of(csv, "text/csv", UploadMethod::ThirdParty, UploadMode::Merge),
            of(csv, "text/csv", UploadMethod::Collector, UploadMode::Replace),
        ] {
            assert_ne!(base, other);
        }
    }
}
