//! Security advisories for the demo's software, so a new user sees every state at once: a
//! critical one for the IOS XE releases the demo's switches run, one that depends on
//! configuration, one for classic IOS and low ones for NX-OS. Dates are relative to today.

use app::registry::import::RegistryFile;

use super::CsvText;

/// `security_advisories.csv` and `advisory_releases.csv`; `t(offset)` is today plus `offset` days.
pub fn security_advisories(t: &dyn Fn(i64) -> String) -> (CsvText, CsvText) {
    let mut advisories = CsvText::new(RegistryFile::SecurityAdvisories.columns());
    // id, title, severity, CVSS, CVEs, first published, last updated (days from today), depends
    // on configuration.
    type Advisory<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        i64,
        i64,
        &'a str,
    );
    let rows: [Advisory; 5] = [
        (
            "NC-SA-2026-0001",
            "IOS XE Software web UI privilege escalation",
            "Critical",
            "10.0",
            "CVE-2026-20198;CVE-2026-20273",
            -40,
            -12,
            "false",
        ),
        (
            "NC-SA-2026-0002",
            "IOS and IOS XE Software SNMP denial of service",
            "High",
            "7.7",
            "CVE-2026-20169",
            -90,
            -90,
            "true",
        ),
        (
            "NC-SA-2026-0003",
            "IOS Software DHCP snooping memory leak",
            "Medium",
            "5.3",
            "CVE-2026-20081",
            -200,
            -150,
            "false",
        ),
        (
            "NC-SA-2026-0004",
            "NX-OS Software CLI command injection",
            "Low",
            "3.3",
            "CVE-2026-20111",
            -60,
            -60,
            "false",
        ),
        (
            "NC-SA-2026-0005",
            "NX-OS Software NTP information disclosure",
            "Informational",
            "",
            "",
            -20,
            -20,
            "true",
        ),
    ];
    for (id, title, severity, score, cves, published, updated, configuration) in rows {
        let url = format!(
            "https://sec.vendor.example/advisories/{}",
            id.to_lowercase()
        );
        advisories.row(&[
            id,
            title,
            &url,
            severity,
            score,
            cves,
            &t(published),
            &t(updated),
            configuration,
        ]);
    }
    let mut releases = CsvText::new(RegistryFile::AdvisoryReleases.columns());
    // advisory, software type, affected release, first fixed release(s) of its train.
    for row in [
        ["NC-SA-2026-0001", "IOS XE", "17.9.1", "17.9.4a"],
        ["NC-SA-2026-0001", "IOS XE", "17.9.3", "17.9.4a"],
        ["NC-SA-2026-0001", "IOS XE", "17.9.4", "17.9.4a"],
        ["NC-SA-2026-0001", "IOS XE", "17.12.1", "17.12.4"],
        ["NC-SA-2026-0001", "IOS XE", "17.12.3", "17.12.4"],
        ["NC-SA-2026-0002", "IOS XE", "16.12.4", "16.12.5"],
        ["NC-SA-2026-0002", "IOS XE", "17.9.4", "17.9.5"],
        ["NC-SA-2026-0002", "IOS", "15.2(7)E3", "15.2(7)E4"],
        ["NC-SA-2026-0003", "IOS", "15.2(7)E2", "15.2(7)E4"],
        ["NC-SA-2026-0003", "IOS", "15.2(7)E3", "15.2(7)E4"],
        ["NC-SA-2026-0004", "NX-OS", "9.3(11)", "9.3(13)"],
        ["NC-SA-2026-0004", "NX-OS", "9.3(12)", "9.3(13)"],
        ["NC-SA-2026-0005", "NX-OS", "9.3(12)", ""],
    ] {
        releases.row(&row);
    }
    (advisories, releases)
}
