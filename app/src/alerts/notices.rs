//! Field notices as a device sees them: a notice lists products, each optionally narrowed to
//! serial numbers or ranges and/or software releases; a device of a listed product is affected
//! when its serial and release fall within what the listing names (a listing that names none of
//! one kind does not narrow by it). Pure, with its SQL twin for the Library and the dashboard.

use serde::{Deserialize, Serialize};

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeType {
    Hardware,
    Software,
}

impl NoticeType {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeType::Hardware => "hardware",
            NoticeType::Software => "software",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoticeType::Hardware => "Hardware",
            NoticeType::Software => "Software",
        }
    }

    /// `hardware` or `software`, any case.
    pub fn parse(text: &str) -> Option<Self> {
        [NoticeType::Hardware, NoticeType::Software]
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// A range of serial keys of one length (a single serial is a range of one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SerialRange {
    pub first: String,
    pub last: String,
}

impl SerialRange {
    pub fn contains(&self, serial_key: &str) -> bool {
        serial_key.len() == self.first.len()
            && self.first.as_str() <= serial_key
            && serial_key <= self.last.as_str()
    }
}

/// Reads a listing's serial numbers: serials and ranges (`FIRST-LAST` or `FIRST..LAST`, both ends
/// of one length) separated by `;`, any case. `key` is how a serial is keyed (upper case, without
/// invisible characters), so a range compares as devices' serials do.
pub fn parse_serial_ranges(
    text: &str,
    key: impl Fn(&str) -> String,
) -> Result<Vec<SerialRange>, String> {
    let mut ranges = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (first, last) = match part.split_once("..").or_else(|| part.split_once('-')) {
            Some((first, last)) => (key(first), key(last)),
            None => (key(part), key(part)),
        };
        let alphanumeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
        if !alphanumeric(&first) || !alphanumeric(&last) {
            return Err(format!(
                "`{part}` is not a serial number or a range FIRST-LAST of letters and digits"
            ));
        }
        if first.len() != last.len() {
            return Err(format!(
                "the range `{part}` has ends of different lengths: both ends have as many characters"
            ));
        }
        if first > last {
            return Err(format!("the range `{part}` ends before it starts"));
        }
        ranges.push(SerialRange { first, last });
    }
    Ok(ranges)
}

/// What one notice's listing of a product narrows it to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeScope {
    pub serial_ranges: Vec<SerialRange>,
    /// `(software type, release key)` pairs.
    pub releases: Vec<(String, String)>,
    /// The releases as the notice lists them, for the reason.
    pub software_versions: String,
}

/// Whether a device of a listed product is affected: `Ok` with why, `Err` with why not.
pub fn applies(
    scope: &NoticeScope,
    serial_key: &str,
    software_type: &str,
    release_key: &str,
) -> Result<String, String> {
    let mut why = vec!["its product is listed".to_owned()];
    if !scope.serial_ranges.is_empty() {
        if serial_key.is_empty() {
            return Err("the notice names serial numbers, and the device has none".into());
        }
        if !scope.serial_ranges.iter().any(|r| r.contains(serial_key)) {
            return Err("its serial number is outside the notice's serial numbers".into());
        }
        why.push("its serial number is among the notice's".into());
    }
    if !scope.releases.is_empty() {
        if release_key.is_empty() {
            return Err(format!(
                "the notice names software releases ({}), and no release NetCare can read was uploaded for the device",
                scope.software_versions
            ));
        }
        let listed = scope
            .releases
            .iter()
            .any(|(t, k)| t == software_type && k == release_key);
        if !listed {
            return Err(format!(
                "its software is not among the notice's releases ({})",
                scope.software_versions
            ));
        }
        why.push("its release is listed".into());
    }
    Ok(why.join(", "))
}

/// The SQL twin of [`applies`] for a device `d` and a listing `fp` (`field_notice_products`), as
/// a literal (device rows are read by one `concat!`-ed statement).
#[macro_export]
macro_rules! notice_affected_sql {
    () => {
        concat!(
            "fp.pid_key = d.pid_key \
     AND (NOT EXISTS (SELECT 1 FROM field_notice_serials fs \
             WHERE fs.notice_id = fp.notice_id AND fs.pid_key = fp.pid_key) \
          OR EXISTS (SELECT 1 FROM field_notice_serials fs \
             WHERE fs.notice_id = fp.notice_id AND fs.pid_key = fp.pid_key \
             AND ",
            $crate::serial_in_range_sql!(),
            ")) \
     AND (NOT EXISTS (SELECT 1 FROM field_notice_releases fr \
             WHERE fr.notice_id = fp.notice_id AND fr.pid_key = fp.pid_key) \
          OR EXISTS (SELECT 1 FROM field_notice_releases fr \
             WHERE fr.notice_id = fp.notice_id AND fr.pid_key = fp.pid_key \
             AND fr.software_type = d.software_type AND fr.release_key = d.release_key))"
        )
    };
}

/// The serial range `fs` (`field_notice_serials`) holds the serial of a device `d`: a serial of
/// the range's length between its first and last.
#[macro_export]
macro_rules! serial_in_range_sql {
    () => {
        "length(fs.first_serial) = length(d.serial_key) \
         AND d.serial_key >= fs.first_serial AND d.serial_key <= fs.last_serial"
    };
}

/// How many listings narrowed to serial numbers affect a device `d` (`SELECT`-able): those of its
/// product with a range holding its serial and releases allowing its own. With the listings that
/// affect its product and release whatever the serial
/// ([`listing_affects_whatever_the_serial_sql`]), these are all the notices [`applies`] to it.
/// Most products have no such listing: they are told apart first by one set of product keys,
/// read once per statement, so their devices skip the ranges.
pub fn serial_narrowed_notices_sql() -> String {
    format!(
        "CASE WHEN d.pid_key IN (SELECT pid_key FROM field_notice_serials) \
         THEN (SELECT COUNT(DISTINCT fs.notice_id) FROM field_notice_serials fs \
          WHERE fs.pid_key = d.pid_key AND {} AND {}) ELSE 0 END",
        crate::serial_in_range_sql!(),
        releases_allow_sql("fs", "d")
    )
}

/// Rows of `table` (devices, or `device_groups`: a product and release) that some listing affects
/// whatever their serial number: a listing of their product not narrowed to serials, and either
/// not narrowed to releases or listing theirs. The rest of [`applies`] needs each device.
pub fn affected_whatever_the_serial_sql(table: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM field_notice_products fp WHERE fp.pid_key = {table}.pid_key AND {})",
        listing_affects_whatever_the_serial_sql("fp", table)
    )
}

/// The listing `listing` (a `field_notice_products` row of the product of `table`) affects the
/// release of `table` whatever the serial: it is not narrowed to serials, and its releases allow
/// it.
pub fn listing_affects_whatever_the_serial_sql(listing: &str, table: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM field_notice_serials fs \
             WHERE fs.notice_id = {listing}.notice_id AND fs.pid_key = {listing}.pid_key) \
         AND {}",
        releases_allow_sql(listing, table)
    )
}

/// The listing `listing` (of `field_notice_products` or `field_notice_serials`: a notice and a
/// product) names no releases, or names the release of `table`.
fn releases_allow_sql(listing: &str, table: &str) -> String {
    format!(
        "(NOT EXISTS (SELECT 1 FROM field_notice_releases fr \
             WHERE fr.notice_id = {listing}.notice_id AND fr.pid_key = {listing}.pid_key) \
          OR EXISTS (SELECT 1 FROM field_notice_releases fr \
             WHERE fr.notice_id = {listing}.notice_id AND fr.pid_key = {listing}.pid_key \
             AND fr.software_type = {table}.software_type \
             AND fr.release_key = {table}.release_key))"
    )
}

/// Pairs of a serial range `fs` (`field_notice_serials`) and a device `d` of the company
/// `company` (a parameter's placeholder) that it affects (its product, a serial of the range's
/// length inside it, and a release the listing names if it names any): found range by range in
/// the (company, product, identity) index. An identity is `S|`, the serial key, `|` and the
/// product key, so with the product fixed its length gives the serial's, and between `S|first`
/// and `S|last}` (bytewise; `}` sorts after `|`) lie exactly the serials of that length from
/// first to last.
///
/// A `FROM … WHERE …` fragment: more conditions follow with `AND`. The ranges are walked and
/// their devices looked up, never the reverse: SQLite is told so by `CROSS JOIN`; PostgreSQL,
/// which would rather read every device of the company and join them to the ranges by hash
/// (1.2 s at a million devices against 0.03-0.4 s), by a `LATERAL` subquery it cannot flatten
/// (`OFFSET 0`). It also compares identities bytewise only when told to (`COLLATE "C"`).
pub fn serial_range_devices_sql(postgres: bool, company: &str) -> String {
    let in_range = |c: &str| {
        format!(
            "d.company_id = {company} AND d.pid_key = fs.pid_key \
             AND d.identity_key >= ('S|' || fs.first_serial){c} \
             AND d.identity_key < ('S|' || fs.last_serial || '}}'){c} \
             AND length(d.identity_key) = length(fs.first_serial) + length(fs.pid_key) + 3"
        )
    };
    let releases = releases_allow_sql("fs", "d");
    if postgres {
        format!(
            "field_notice_serials fs CROSS JOIN LATERAL \
             (SELECT d.* FROM devices d WHERE {} OFFSET 0) d WHERE {releases}",
            in_range(" COLLATE \"C\"")
        )
    } else {
        format!(
            "field_notice_serials fs CROSS JOIN devices d WHERE {} AND {releases}",
            in_range("")
        )
    }
}

/// Triples of a company and product `c`, a serial range `fs` of that product and a device `d` of
/// the company it affects ([`serial_range_devices_sql`]), for the company `$1` or, when
/// `one_company` is false, every company: `c` is read from `device_groups`, so only the products
/// a company runs are walked. A `FROM … WHERE …` fragment.
pub fn company_serial_range_devices_sql(postgres: bool, one_company: bool) -> String {
    let company = if one_company {
        "company_id = $1 AND "
    } else {
        ""
    };
    format!(
        "(SELECT DISTINCT company_id, pid_key FROM device_groups \
          WHERE {company}pid_key IN (SELECT pid_key FROM field_notice_serials)) c \
         CROSS JOIN {} AND fs.pid_key = c.pid_key",
        serial_range_devices_sql(postgres, "c.company_id")
    )
}

/// [`notice_affected_sql!`] as a constant.
pub const AFFECTED_SQL: &str = crate::notice_affected_sql!();

/// A field notice listing a device's product, and whether it affects the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceNotice {
    pub notice_id: String,
    pub title: String,
    pub url: String,
    pub notice_type: NoticeType,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub first_published: String,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub last_updated: String,
    /// What the vendor says to do.
    pub solution: String,
    pub affected: bool,
    /// Why it affects the device, or why not.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        s.trim().to_ascii_uppercase()
    }

    #[test]
    fn serials_and_ranges_are_read_and_checked() {
        let ranges =
            parse_serial_ranges("foc2101a0aa; FOC2101A100-FOC2101A199;FCW1..FCW9", key).unwrap();
        assert_eq!(ranges.len(), 3);
        assert!(ranges[0].contains("FOC2101A0AA"));
        assert!(ranges[1].contains("FOC2101A150"));
        assert!(!ranges[1].contains("FOC2101A200"));
        assert!(
            !ranges[1].contains("FOC2101A15"),
            "another length is outside"
        );
        assert!(ranges[2].contains("FCW5"));
        assert!(parse_serial_ranges("B-A", key)
            .unwrap_err()
            .contains("ends before"));
        assert!(parse_serial_ranges("A1-B12", key)
            .unwrap_err()
            .contains("different lengths"));
        assert!(parse_serial_ranges("FOC 1/2", key).is_err());
        assert_eq!(parse_serial_ranges("", key).unwrap(), []);
    }

    #[test]
    fn a_listing_narrows_by_what_it_names() {
        let any = NoticeScope::default();
        assert_eq!(
            applies(&any, "FOC1", "IOS XE", "17.9.4").unwrap(),
            "its product is listed"
        );
        let narrowed = NoticeScope {
            serial_ranges: parse_serial_ranges("FOC100-FOC199", key).unwrap(),
            releases: vec![("IOS XE".into(), "17.9.4".into())],
            software_versions: "17.9.4".into(),
        };
        assert!(applies(&narrowed, "FOC150", "IOS XE", "17.9.4").is_ok());
        assert!(applies(&narrowed, "FOC250", "IOS XE", "17.9.4")
            .unwrap_err()
            .contains("outside"));
        assert!(applies(&narrowed, "", "IOS XE", "17.9.4")
            .unwrap_err()
            .contains("has none"));
        assert!(applies(&narrowed, "FOC150", "IOS XE", "17.9.4.a")
            .unwrap_err()
            .contains("not among the notice's releases (17.9.4)"));
        assert!(applies(&narrowed, "FOC150", "", "")
            .unwrap_err()
            .contains("no release NetCare can read"));
        assert_eq!(NoticeType::parse("Hardware"), Some(NoticeType::Hardware));
        assert_eq!(NoticeType::parse("firmware"), None);
    }
}
