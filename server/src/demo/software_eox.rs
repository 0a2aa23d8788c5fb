//! Software end of life for the demo's release trains, one in each stage whenever the demo is
//! loaded (dates relative to today): IOS XE 17.3 past its last date of support, 16.12 at end of
//! security support, IOS 15.2E at end of software maintenance, NX-OS 9.3 at end of sale and IOS XE
//! 17.9 announced.

use app::registry::import::RegistryFile;

use super::CsvText;

/// `software_eox.csv`; `t(offset)` is today plus `offset` days.
pub fn software_end_of_life(t: &dyn Fn(i64) -> String) -> CsvText {
    let mut trains = CsvText::new(RegistryFile::SoftwareEox.columns());
    let tba = || "TBA".to_owned();
    // type, train, bulletin, title, then the milestones in the file's order (as eox_bulletins.csv).
    let rows: [(&str, &str, &str, &str, [String; 9]); 5] = [
        (
            "IOS XE",
            "17.3",
            "SW-EOL-2301",
            "End-of-life announcement for IOS XE 17.3",
            [
                t(-1500),
                t(-1200),
                t(-1200),
                t(-900),
                t(-400),
                t(-900),
                t(-900),
                t(-300),
                t(-30),
            ],
        ),
        (
            "IOS XE",
            "16.12",
            "SW-EOL-2204",
            "End-of-life announcement for IOS XE 16.12",
            [
                t(-1500),
                t(-1300),
                t(-1300),
                t(-700),
                t(-100),
                t(-700),
                t(-700),
                t(200),
                t(400),
            ],
        ),
        (
            "IOS",
            "15.2E",
            "SW-EOL-2112",
            "End-of-life announcement for IOS 15.2E",
            [
                t(-900),
                t(-600),
                t(-600),
                t(-100),
                t(500),
                t(-100),
                t(-100),
                t(800),
                t(1200),
            ],
        ),
        (
            "NX-OS",
            "9.3",
            "SW-EOL-2418",
            "End-of-sale announcement for NX-OS 9.3",
            [
                t(-200),
                t(-20),
                t(-20),
                t(300),
                t(900),
                t(300),
                t(300),
                t(1000),
                t(1500),
            ],
        ),
        (
            "IOS XE",
            "17.9",
            "SW-EOL-2603",
            "End-of-life announcement for IOS XE 17.9",
            [
                t(-60),
                t(300),
                tba(),
                tba(),
                tba(),
                tba(),
                tba(),
                tba(),
                tba(),
            ],
        ),
    ];
    for (software, train, bulletin, title, dates) in &rows {
        let url = format!("https://www.vendor.example/eol/{}", bulletin.to_lowercase());
        let mut row = vec![*software, *train, *bulletin, *title, url.as_str()];
        row.extend(dates.iter().map(String::as_str));
        trains.row(&row);
    }
    trains
}
