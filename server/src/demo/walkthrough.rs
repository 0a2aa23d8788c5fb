//! The walk-through registry: small, deterministic for a given day, and chosen so a new user can
//! try every branch of onboarding and every coverage status. Dates are relative to `today`, so
//! "expiring soon" stays expiring whenever the demo is loaded.

use std::io::Cursor;

use app::registry::import::{ImportSource, RegistryFile};
use time::{Date, Duration};

use super::CsvText;

/// The demo companies, for the README and tests.
pub const NORTHWIND: &str = "NW-1001"; // already has a Delegated Administrator
pub const CONTOSO: &str = "CT-2002"; // new to NetCare, several sites
pub const FABRIKAM: &str = "FB-3003"; // onboarding needs an additional assessment
pub const TAILSPIN: &str = "TS-9001"; // a partner holding a contract for Contoso's devices

fn day(today: Date, offset_days: i64) -> String {
    let date = today + Duration::days(offset_days);
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub fn source(today: Date) -> ImportSource {
    let mut companies = CsvText::new(RegistryFile::Companies.columns());
    companies.row(&[
        NORTHWIND,
        "Northwind Networks",
        "northwind.example",
        "false",
    ]);
    companies.row(&[
        CONTOSO,
        "Contoso Logistics",
        "contoso.example;contoso-logistics.example",
        "false",
    ]);
    companies.row(&[FABRIKAM, "Fabrikam Health", "fabrikam.example", "true"]);
    companies.row(&[TAILSPIN, "Tailspin Partners", "tailspin.example", "false"]);

    let mut sites = CsvText::new(RegistryFile::Sites.columns());
    sites.row(&[
        "NW-1001-HQ",
        NORTHWIND,
        "Northwind HQ",
        "12 Quai Perrache, Lyon",
    ]);
    sites.row(&[
        "NW-1001-DC",
        NORTHWIND,
        "Northwind Data Centre",
        "5 Rue du Centre, Paris",
    ]);
    sites.row(&[
        "CT-2002-HAM",
        CONTOSO,
        "Contoso Hamburg",
        "Hafenstraße 1, Hamburg",
    ]);
    sites.row(&[
        "CT-2002-RTM",
        CONTOSO,
        "Contoso Rotterdam",
        "Kade 7, Rotterdam",
    ]);
    sites.row(&[
        "CT-2002-ANR",
        CONTOSO,
        "Contoso Antwerp",
        "Haven 3, Antwerp",
    ]);
    sites.row(&[
        "FB-3003-MAIN",
        FABRIKAM,
        "Fabrikam Main Hospital",
        "1 Health Way, Leeds",
    ]);

    let t = |offset| day(today, offset);
    let mut contracts = CsvText::new(RegistryFile::Contracts.columns());
    // number, company, site, level, smart-entitled, start, end, flagged for review
    contracts.row(&[
        "91000001",
        NORTHWIND,
        "NW-1001-HQ",
        "SNTC",
        "true",
        &t(-300),
        &t(400),
        "false",
    ]);
    contracts.row(&[
        "91000002",
        NORTHWIND,
        "NW-1001-DC",
        "SNTC",
        "true",
        &t(-700),
        &t(45),
        "false",
    ]);
    contracts.row(&[
        "91000003",
        NORTHWIND,
        "",
        "Solution Support",
        "true",
        &t(-1500),
        &t(-30),
        "false",
    ]);
    contracts.row(&[
        "91000004",
        NORTHWIND,
        "",
        "TelePresence",
        "true",
        &t(30),
        &t(400),
        "false",
    ]);
    contracts.row(&[
        "92000001",
        CONTOSO,
        "",
        "SNTC",
        "true",
        &t(-100),
        &t(600),
        "false",
    ]);
    contracts.row(&[
        "92000002",
        CONTOSO,
        "CT-2002-HAM",
        "SP Base",
        "true",
        &t(-200),
        &t(160),
        "false",
    ]);
    contracts.row(&[
        "92000003",
        CONTOSO,
        "CT-2002-RTM",
        "Essential Operate",
        "false",
        &t(-50),
        &t(300),
        "false",
    ]);
    contracts.row(&[
        "92000004",
        CONTOSO,
        "CT-2002-ANR",
        "SNTC",
        "true",
        &t(-20),
        &t(700),
        "true",
    ]);
    contracts.row(&[
        "93000001",
        FABRIKAM,
        "FB-3003-MAIN",
        "SNTC",
        "true",
        &t(-90),
        &t(500),
        "false",
    ]);
    contracts.row(&[
        "99000001",
        TAILSPIN,
        "",
        "Partner Shared Support",
        "true",
        &t(-400),
        &t(200),
        "false",
    ]);
    contracts.row(&[
        "99000002",
        TAILSPIN,
        "",
        "Partner Shared Support",
        "true",
        &t(-900),
        &t(-200),
        "false",
    ]);

    let mut lines = CsvText::new(RegistryFile::ContractLines.columns());
    // contract, serial, pid, mac, start, end
    let line_rows: Vec<(&str, &str, &str, &str, String, String)> = vec![
        // Northwind: active, expiring, expired, future.
        ("91000001", "FOC2101A0AA", "C9300-48P", "", t(-300), t(400)),
        ("91000001", "FOC2101A0AB", "C9300-48P", "", t(-300), t(400)),
        ("91000001", "FOC2101A0AC", "C9300-24T", "", t(-300), t(400)),
        ("91000001", "FDO2233A1B2", "C9500-32C", "", t(-300), t(400)),
        ("91000001", "JAE1122B3C4", "ISR4331/K9", "", t(-300), t(400)),
        (
            "91000002",
            "FOC1907X1Y1",
            "WS-C3850-24T",
            "",
            t(-700),
            t(45),
        ),
        (
            "91000002",
            "FOC1907X1Y2",
            "WS-C3850-24T",
            "",
            t(-700),
            t(45),
        ),
        (
            "91000003",
            "FOC1601Z9Z9",
            "WS-C2960X-48FPD-L",
            "",
            t(-1500),
            t(-30),
        ),
        // The same serial, renewed on the active contract: active beats expired.
        ("91000003", "FOC2101A0AA", "C9300-48P", "", t(-1500), t(-30)),
        ("91000004", "FTX2001T1P1", "CTS-SX80", "", t(30), t(400)),
        // Contoso: switches, an access point, a phone known only by its MAC address.
        (
            "92000001",
            "FCW2245L0A1",
            "C9200L-48P-4G",
            "",
            t(-100),
            t(600),
        ),
        (
            "92000001",
            "FCW2245L0A2",
            "C9200L-48P-4G",
            "",
            t(-100),
            t(600),
        ),
        // Registered under C9300-24T; the demo inventory says C9300-48P (the PID mismatch case).
        ("92000001", "FOC2330M0M1", "C9300-24T", "", t(-100), t(600)),
        (
            "92000001",
            "",
            "CP-8845-K9",
            "00:1B:54:AA:10:01",
            t(-100),
            t(600),
        ),
        ("92000002", "FJC2318R0Q1", "C9120AXI-E", "", t(-200), t(160)),
        ("92000003", "FDO2150E0E1", "C9407R", "", t(-50), t(300)),
        ("92000004", "FOC2340N0N1", "C9300-48U", "", t(-20), t(700)),
        // Fabrikam.
        ("93000001", "FOC2402H0H1", "C9300-48P", "", t(-90), t(500)),
        ("93000001", "FOC2402H0H2", "C9300-48P", "", t(-90), t(500)),
        // Tailspin, the partner, covers some of Contoso's devices.
        (
            "99000001",
            "FCW2245L0A3",
            "C9200L-48P-4G",
            "",
            t(-400),
            t(200),
        ),
        (
            "99000001",
            "FCW2245L0A4",
            "C9200L-48P-4G",
            "",
            t(-400),
            t(200),
        ),
        (
            "99000002",
            "FCW2011K0K1",
            "WS-C2960X-24TS-L",
            "",
            t(-900),
            t(-200),
        ),
    ];
    for (contract, serial, pid, mac, start, end) in &line_rows {
        lines.row(&[contract, serial, pid, mac, start, end]);
    }

    let mut associations = CsvText::new(RegistryFile::AccountContracts.columns());
    for (contract, email) in [
        ("91000001", "dana.admin@northwind.example"),
        ("91000002", "dana.admin@northwind.example"),
        ("91000003", "dana.admin@northwind.example"),
        ("91000001", "uma.user@northwind.example"),
        ("92000001", "carla.new@contoso.example"),
        ("92000002", "carla.new@contoso.example"),
        ("92000003", "carla.new@contoso.example"),
        ("92000004", "carla.new@contoso.example"),
        ("92000001", "piet.ops@contoso.example"),
        ("93000001", "alex.ward@fabrikam.example"),
        ("99000001", "sam.partner@tailspin.example"),
    ] {
        associations.row(&[contract, email]);
    }

    let (bulletins, products) = end_of_life_bulletins(&t);
    let (advisories, advisory_releases) = super::advisories::security_advisories(&t);
    let (notices, notice_products) = super::field_notices::field_notices(&t);
    let software_trains = super::software_eox::software_end_of_life(&t);

    let mut source = ImportSource::default();
    for (file, text) in [
        (RegistryFile::Companies, companies),
        (RegistryFile::Sites, sites),
        (RegistryFile::Contracts, contracts),
        (RegistryFile::ContractLines, lines),
        (RegistryFile::AccountContracts, associations),
        (RegistryFile::EoxBulletins, bulletins),
        (RegistryFile::EoxProducts, products),
        (RegistryFile::SoftwareEox, software_trains),
        (RegistryFile::SecurityAdvisories, advisories),
        (RegistryFile::AdvisoryReleases, advisory_releases),
        (RegistryFile::FieldNotices, notices),
        (RegistryFile::FieldNoticeProducts, notice_products),
    ] {
        source.add(file, Cursor::new(text.into_string().into_bytes()));
    }
    source
}

/// Hardware end-of-life bulletins for the demo's products, one in each stage whenever the demo is
/// loaded (dates relative to `today`, via `t`), with a milestone to be announced and several
/// within the dashboard's next 12 months.
fn end_of_life_bulletins(t: &dyn Fn(i64) -> String) -> (CsvText, CsvText) {
    let mut bulletins = CsvText::new(RegistryFile::EoxBulletins.columns());
    // number, title, then the milestones in the file's order: announcement, end of sale, last
    // ship, end of software maintenance, end of security support, end of routine failure
    // analysis, end of new service attachment, end of service contract renewal, last date of
    // support.
    let tba = || "TBA".to_owned();
    let rows: [(&str, &str, [String; 9]); 5] = [
        (
            "EOL-10001",
            "End-of-sale and end-of-life announcement for the Catalyst 3850 24-port switches",
            [
                t(-2600),
                t(-2200),
                t(-2100),
                t(-1800),
                t(-1000),
                t(-2000),
                t(-1800),
                t(-300),
                t(-20),
            ],
        ),
        (
            "EOL-10002",
            "End-of-sale and end-of-life announcement for the Catalyst 2960-X series",
            [
                t(-1600),
                t(-1400),
                t(-1300),
                t(-1000),
                t(-100),
                t(-1300),
                t(-1000),
                t(200),
                t(330),
            ],
        ),
        (
            "EOL-10003",
            "End-of-sale and end-of-life announcement for the ISR 4331 router",
            [
                t(-500),
                t(-300),
                t(-200),
                t(60),
                t(700),
                t(-200),
                t(60),
                t(1100),
                t(1500),
            ],
        ),
        (
            "EOL-10004",
            "End-of-sale and end-of-life announcement for the TelePresence SX80 codec",
            [
                t(-900),
                t(-700),
                t(-600),
                t(-300),
                t(400),
                t(-600),
                t(-300),
                t(700),
                t(1100),
            ],
        ),
        (
            "EOL-10005",
            "End-of-sale announcement for select Catalyst 9300 48-port PoE+ switches",
            [
                t(-30),
                t(150),
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
    for (number, title, dates) in &rows {
        let url = format!("https://www.vendor.example/eol/{}", number.to_lowercase());
        let mut row = vec![*number, *title, url.as_str()];
        row.extend(dates.iter().map(String::as_str));
        bulletins.row(&row);
    }
    let mut products = CsvText::new(RegistryFile::EoxProducts.columns());
    for row in [
        [
            "EOL-10001",
            "WS-C3850-24T",
            "C9300-24T",
            "Same ports and stacking; needs the C9300 network module.",
        ],
        ["EOL-10002", "WS-C2960X-48FPD-L", "C9200L-48P-4G", ""],
        ["EOL-10002", "WS-C2960X-24TS-L", "C9200L-24T-4G", ""],
        [
            "EOL-10003",
            "ISR4331/K9",
            "C8200-1N-4T",
            "Licences move with Smart Licensing.",
        ],
        ["EOL-10004", "CTS-SX80", "CS-KITPRO-K9", ""],
        ["EOL-10005", "C9300-48P", "C9300X-48HX", ""],
    ] {
        products.row(&row);
    }
    (bulletins, products)
}
