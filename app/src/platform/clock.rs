//! Time as stored: RFC 3339 UTC text of a fixed width, so text order is time order on SQLite and
//! PostgreSQL alike.

/// Now, as stored: RFC 3339 in UTC with a fixed width, so text order is time order.
pub fn timestamp_now() -> String {
    timestamp_text(time::OffsetDateTime::now_utc())
}

/// Today in UTC, `YYYY-MM-DD`: the day contract and milestone dates are compared with.
pub fn date_today() -> String {
    timestamp_now()[..10].to_owned()
}

/// Whole days from `from` to `to` (`YYYY-MM-DD`); `None` when either is not a date.
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let from = time::Date::parse(from, format).ok()?;
    let to = time::Date::parse(to, format).ok()?;
    Some((to - from).whole_days())
}

pub fn timestamp_text(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("timestamps always format")
}

#[cfg(test)]
mod tests {
    use super::days_between;

    #[test]
    fn days_between_dates() {
        assert_eq!(days_between("2026-11-30", "2026-11-30"), Some(0));
        assert_eq!(days_between("2026-11-30", "2028-05-19"), Some(536));
        assert_eq!(days_between("2026-11-30", "2026-11-29"), Some(-1));
        assert_eq!(days_between("2026-11-30", "not a date"), None);
    }
}
