//! How one registry value is read and checked. Each returns the reason a person can act on.

use time::{macros::format_description, Date};

pub const MAX_ID: usize = 100;
pub const MAX_TEXT: usize = 300;

/// A value that must be present, at most `max` characters, without control characters.
pub fn required(value: &str, max: usize) -> Result<String, String> {
    if value.is_empty() {
        return Err("a value is required".into());
    }
    optional(value, max)
}

/// A value that may be empty.
pub fn optional(value: &str, max: usize) -> Result<String, String> {
    if value.chars().count() > max {
        return Err(format!("longer than {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(value.to_owned())
}

/// An ISO calendar date, `YYYY-MM-DD`.
pub fn date(value: &str) -> Result<Date, String> {
    if value.is_empty() {
        return Err("a date is required (YYYY-MM-DD)".into());
    }
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`{value}` is not a date in the form YYYY-MM-DD"))
}

/// A milestone date: `YYYY-MM-DD`, or `TBA` (any case) while the vendor has not announced it.
pub fn milestone(value: &str) -> Result<String, String> {
    if value.eq_ignore_ascii_case(crate::alerts::milestones::TBA) {
        return Ok(crate::alerts::milestones::TBA.to_owned());
    }
    if value.is_empty() {
        return Err(
            "a date is required (YYYY-MM-DD, or TBA when the vendor has not announced it)".into(),
        );
    }
    date(value)
        .map(date_text)
        .map_err(|_| format!("`{value}` is not a date in the form YYYY-MM-DD (or TBA)"))
}

/// A link people follow from NetCare: empty, or an absolute `https://` (or `http://`) address
/// without spaces.
pub fn web_address(value: &str) -> Result<String, String> {
    let value = optional(value, MAX_TEXT)?;
    if value.is_empty() {
        return Ok(value);
    }
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !value.contains(char::is_whitespace) =>
        {
            Ok(value)
        }
        _ => Err(format!("`{value}` is not a web address (https://…)")),
    }
}

pub fn date_text(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .expect("dates always format")
}

/// `true` or `false` (any case).
pub fn boolean(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{value}` is not true or false")),
    }
}

/// An email address as the registry keys it: lower case, one `@`, a domain with a dot.
pub fn email(value: &str) -> Result<String, String> {
    let lower = value.to_lowercase();
    let (local, domain) = lower
        .split_once('@')
        .ok_or_else(|| format!("`{value}` is not an email address"))?;
    let domain = domain.trim_end_matches('.');
    if local.is_empty() || domain.contains('@') || !is_domain(domain) || lower.chars().count() > 254
    {
        return Err(format!("`{value}` is not an email address"));
    }
    Ok(format!("{local}@{domain}"))
}

/// A list of email domains separated by `;` (empty allowed), lower-cased, without a trailing dot.
pub fn domains(value: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let domain = part.to_lowercase();
        let domain = domain.trim_end_matches('.');
        if !is_domain(domain) {
            return Err(format!("`{part}` is not an email domain"));
        }
        if !out.iter().any(|d| d == domain) {
            out.push(domain.to_owned());
        }
    }
    Ok(out)
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso() {
        assert_eq!(date_text(date("2026-02-28").unwrap()), "2026-02-28");
        for bad in [
            "2026-02-30",
            "28/02/2026",
            "2026-2-28",
            "tomorrow",
            "2026-02-28T00:00",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
        assert_eq!(date("").unwrap_err(), "a date is required (YYYY-MM-DD)");
    }

    #[test]
    fn milestones_are_dates_or_to_be_announced() {
        assert_eq!(milestone("2027-01-31").unwrap(), "2027-01-31");
        assert_eq!(milestone("tba").unwrap(), "TBA");
        assert!(milestone("").unwrap_err().contains("TBA"));
        assert!(milestone("31/01/2027").unwrap_err().contains("(or TBA)"));
    }

    #[test]
    fn web_addresses_are_absolute_http() {
        assert_eq!(web_address("").unwrap(), "");
        assert_eq!(
            web_address("https://vendor.example/eol/EOL-1").unwrap(),
            "https://vendor.example/eol/EOL-1"
        );
        for bad in [
            "javascript:alert(1)",
            "vendor.example/eol",
            "https://",
            "https:///x",
            "https://vendor.example/a b",
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_are_true_or_false() {
        assert!(boolean("TRUE").unwrap());
        assert!(!boolean("false").unwrap());
        assert!(boolean("yes").is_err());
        assert!(boolean("").is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            email("Ann.Lee@Acme.Example.").unwrap(),
            "ann.lee@acme.example"
        );
        for bad in [
            "ann",
            "ann@",
            "@acme.example",
            "ann@@acme.example",
            "a@b@acme.example",
            "ann@localhost",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domain_lists_are_split_and_deduplicated() {
        assert_eq!(
            domains("Acme.example; acme.example.;corp.acme.example").unwrap(),
            ["acme.example", "corp.acme.example"]
        );
        assert_eq!(domains("").unwrap(), Vec::<String>::new());
        assert!(domains("acme").is_err());
        assert!(domains("acme..example").is_err());
    }

    #[test]
    fn text_limits_and_control_characters() {
        assert!(required("", 10).is_err());
        assert!(required("abcdefghijk", 10).is_err());
        assert!(required("a\u{0}b", 10).is_err());
        assert_eq!(optional("", 10).unwrap(), "");
    }
}
