//! The Library's device columns: which exist, which show by default, and the person's choice as
//! kept in this browser (a comma-separated list of keys, in the table's order).

use crate::ui::kept;

const STORAGE_KEY: &str = "netcare-library-columns";
const DENSITY_KEY: &str = "netcare-library-density";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The serial number, or the MAC address of a device without one; it opens the device's
    /// page, so it always shows.
    Identity,
    ProductId,
    Hostname,
    IpAddress,
    Software,
    Site,
    Status,
    Why,
    Contract,
    ServiceLevel,
    CoverageEnd,
    Security,
    FieldNotices,
    EndOfLife,
    Computed,
    History,
}

impl Column {
    /// Every column, in the table's order.
    pub const ALL: [Column; 16] = [
        Column::Identity,
        Column::ProductId,
        Column::Hostname,
        Column::IpAddress,
        Column::Software,
        Column::Site,
        Column::Status,
        Column::Why,
        Column::Contract,
        Column::ServiceLevel,
        Column::CoverageEnd,
        Column::Security,
        Column::FieldNotices,
        Column::EndOfLife,
        Column::Computed,
        Column::History,
    ];

    /// What a new person sees.
    pub const DEFAULT: [Column; 11] = [
        Column::Identity,
        Column::ProductId,
        Column::Hostname,
        Column::Site,
        Column::Status,
        Column::Why,
        Column::Security,
        Column::FieldNotices,
        Column::EndOfLife,
        Column::Computed,
        Column::History,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Column::Identity => "serial",
            Column::ProductId => "pid",
            Column::Hostname => "hostname",
            Column::IpAddress => "ip",
            Column::Software => "software",
            Column::Site => "site",
            Column::Status => "status",
            Column::Why => "why",
            Column::Contract => "contract",
            Column::ServiceLevel => "service_level",
            Column::CoverageEnd => "coverage_end",
            Column::Security => "security",
            Column::FieldNotices => "field_notices",
            Column::EndOfLife => "end_of_life",
            Column::Computed => "computed",
            Column::History => "history",
        }
    }

    /// The Library order (a key of `filter::SORTS`) its heading chooses, for columns with one.
    pub fn sort_key(self) -> Option<&'static str> {
        match self {
            Column::Identity => Some("serial"),
            Column::Hostname => Some("hostname"),
            Column::Site => Some("site"),
            Column::Status => Some("status"),
            Column::CoverageEnd => Some("end_date"),
            Column::Contract => Some("contract"),
            _ => None,
        }
    }

    /// The column's heading (and the label of its cells on a phone).
    pub fn label(self) -> &'static str {
        match self {
            Column::Identity => "Serial number",
            Column::ProductId => "Product ID",
            Column::Hostname => "Hostname",
            Column::IpAddress => "IP address",
            Column::Software => "Software",
            Column::Site => "Site",
            Column::Status => "Status",
            Column::Why => "Why",
            Column::Contract => "Contract",
            Column::ServiceLevel => "Service level",
            Column::CoverageEnd => "Coverage ends",
            Column::Security => "Security",
            Column::FieldNotices => "Field notices",
            Column::EndOfLife => "End of life",
            Column::Computed => "Computed",
            Column::History => "History",
        }
    }
}

/// The columns a kept list names, in the table's order; the identity always, unknown keys
/// ignored. Nothing kept (or nothing known in it) is the default.
pub fn parse_columns(kept: Option<&str>) -> Vec<Column> {
    let Some(kept) = kept else {
        return Column::DEFAULT.to_vec();
    };
    let named: Vec<&str> = kept.split(',').map(str::trim).collect();
    let chosen: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|column| *column == Column::Identity || named.contains(&column.key()))
        .collect();
    if chosen.len() == 1 && !named.contains(&Column::Identity.key()) {
        return Column::DEFAULT.to_vec();
    }
    chosen
}

/// The kept form of `columns`.
pub fn columns_text(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|column| column.key())
        .collect::<Vec<_>>()
        .join(",")
}

/// The columns chosen in this browser.
pub fn saved_columns() -> Vec<Column> {
    parse_columns(kept::read(STORAGE_KEY).as_deref())
}

/// Keeps `columns` in this browser; the default is kept as nothing.
pub fn keep_columns(columns: &[Column]) {
    let text = (columns != Column::DEFAULT).then(|| columns_text(columns));
    kept::write(STORAGE_KEY, text.as_deref());
}

/// Whether this browser shows the Library's rows compact.
pub fn saved_compact() -> bool {
    kept::read(DENSITY_KEY).as_deref() == Some("compact")
}

pub fn keep_compact(compact: bool) {
    kept::write(DENSITY_KEY, compact.then_some("compact"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_reads_back_in_the_tables_order() {
        let chosen = vec![
            Column::Identity,
            Column::Hostname,
            Column::IpAddress,
            Column::Contract,
        ];
        assert_eq!(parse_columns(Some(&columns_text(&chosen))), chosen);
        assert_eq!(
            parse_columns(Some("contract, hostname,ip")),
            chosen,
            "any order, spaces ignored"
        );
        assert_eq!(parse_columns(Some("serial")), vec![Column::Identity]);
    }

    #[test]
    fn the_identity_always_shows_and_nonsense_is_the_default() {
        assert_eq!(
            parse_columns(Some("status")),
            vec![Column::Identity, Column::Status]
        );
        assert_eq!(parse_columns(None), Column::DEFAULT.to_vec());
        assert_eq!(parse_columns(Some("")), Column::DEFAULT.to_vec());
        assert_eq!(parse_columns(Some("purple,x")), Column::DEFAULT.to_vec());
    }

    #[test]
    fn every_sortable_heading_is_an_order_the_server_knows() {
        let known: Vec<&str> = crate::library::filter::SORTS
            .iter()
            .map(|(k, _)| *k)
            .collect();
        let sortable: Vec<&str> = Column::ALL.iter().filter_map(|c| c.sort_key()).collect();
        assert_eq!(sortable.len(), known.len(), "each order has its heading");
        assert!(sortable.iter().all(|key| known.contains(key)));
    }

    #[test]
    fn keys_and_labels_are_unique() {
        for (i, a) in Column::ALL.iter().enumerate() {
            for b in &Column::ALL[i + 1..] {
                assert_ne!(a.key(), b.key());
                assert_ne!(a.label(), b.label());
            }
        }
    }
}
