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

pub fn timestamp_text(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("timestamps always format")
}
