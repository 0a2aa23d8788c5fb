//! Field notices for the demo's products, so a new user sees each way a notice applies: to every
//! device of a product, to a range of serial numbers, and to devices on given releases. Dates are
//! relative to today.

use app::registry::import::RegistryFile;

use super::CsvText;

/// `field_notices.csv` and `field_notice_products.csv`; `t(offset)` is today plus `offset` days.
pub fn field_notices(t: &dyn Fn(i64) -> String) -> (CsvText, CsvText) {
    let mut notices = CsvText::new(RegistryFile::FieldNotices.columns());
    // id, title, type, first published, last updated (days from today), solution.
    let rows: [(&str, &str, &str, i64, i64, &str); 3] = [
        (
            "FN-74002",
            "Stacked switches may reload when a member is replaced on IOS XE 17.9.4 and 17.12.3",
            "software",
            -70,
            -15,
            "Upgrade to IOS XE 17.9.5 or 17.12.4, or replace stack members only in a maintenance window.",
        ),
        (
            "FN-74003",
            "ISR 4000 routers: internal flash may wear out after frequent logging",
            "hardware",
            -400,
            -120,
            "Send logs to a remote syslog server; replace the router under your service contract if flash errors appear.",
        ),
        (
            "FN-74004",
            "Catalyst 9300 48-port: power supplies from one batch may fail",
            "hardware",
            -30,
            -30,
            "Check the serial number; ask for a replacement power supply (RMA) under your service contract.",
        ),
    ];
    for (id, title, kind, published, updated, solution) in rows {
        let url = format!(
            "https://www.vendor.example/field-notices/{}",
            id.to_lowercase()
        );
        notices.row(&[id, title, &url, kind, &t(published), &t(updated), solution]);
    }
    let mut products = CsvText::new(RegistryFile::FieldNoticeProducts.columns());
    // notice, product, serial numbers or ranges, software type, releases.
    for row in [
        ["FN-74002", "C9300-48P", "", "IOS XE", "17.9.4"],
        ["FN-74002", "C9500-32C", "", "IOS XE", "17.12.3"],
        ["FN-74003", "ISR4331/K9", "", "", ""],
        ["FN-74003", "ISR4451-X/K9", "", "", ""],
        ["FN-74004", "C9300-48P", "FOC2101A0AA-FOC2101A0ZZ", "", ""],
    ] {
        products.row(&row);
    }
    (notices, products)
}
