//! How sizes, counts and times are written on inventory pages.

/// `1.4 MB`, `820 KB`, `312 bytes`. Integer arithmetic only: formatting floats would add a lot
/// to the browser bundle.
pub fn file_size(bytes: f64) -> String {
    let bytes = bytes.max(0.0) as u64;
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else if bytes >= 1024 {
        format!("{} KB", (bytes + 512) / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// `part` of `whole` in whole percent.
pub fn percent(part: f64, whole: f64) -> u64 {
    if whole <= 0.0 {
        100
    } else {
        ((part / whole * 100.0).round() as u64).min(100)
    }
}

/// `1 device`, `1,234 devices`: a count with its noun in the right number.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
}

/// `1 device`, `1,234 devices`.
pub fn devices(n: u64) -> String {
    counted(n, "device", "devices")
}

/// `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An RFC 3339 UTC timestamp as `2026-11-24 06:30 UTC`.
pub fn utc_minute(timestamp: &str) -> String {
    crate::inventory::readable_time(timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_times_read_well() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(file_size(312.0), "312 bytes");
        assert_eq!(file_size(2048.0), "2 KB");
        assert_eq!(file_size(1.5 * 1024.0 * 1024.0), "1.5 MB");
        assert_eq!(file_size(877.0 * 1024.0), "877 KB");
        assert_eq!(percent(1.0, 3.0), 33);
        assert_eq!(percent(5.0, 0.0), 100);
        assert_eq!(
            utc_minute("2026-11-24T06:30:12.123456Z"),
            "2026-11-24 06:30 UTC"
        );
    }
}
