//! Product alerts at scale for benchmarks (`netcare demo --devices N` writes them to `DIR/alerts`):
//! 20,000 end-of-life product IDs in 400 bulletins, release trains IOS XE 17.3–17.15, 5,000
//! security advisories of 50 affected releases each (of 2,340), and 2,000 field notices. The generated
//! inventory runs the 117 IOS XE releases 17.3.1–17.15.9 ([`release`]), so advisories, notices
//! and trains meet its devices. Deterministic.

use std::{
    fs::File,
    io::{BufWriter, Write},
    path::Path,
};

use app::registry::import::RegistryFile;

use super::large::{serial, PIDS};

/// The IOS XE release a generated device `index` runs: one of 117 (13 trains of 9).
pub fn release(index: usize) -> String {
    let n = index % RELEASES;
    format!("17.{}.{}", 3 + n / 9, 1 + n % 9)
}

const RELEASES: usize = 13 * 9;
const EOX_PIDS: usize = 20_000;
const PIDS_PER_BULLETIN: usize = 50;
const ADVISORIES: usize = 5_000;
const RELEASES_PER_ADVISORY: usize = 50;
/// Patches per train advisories name (the inventory runs the first 9 of each).
const PATCHES: usize = 180;
const ADVISORY_RELEASES: usize = 13 * PATCHES;
const NOTICES: usize = 2_000;

const SEVERITIES: [&str; 5] = ["Critical", "High", "Medium", "Low", "Informational"];

fn csv_file(dir: &Path, file: RegistryFile) -> std::io::Result<BufWriter<File>> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join(file.file_name()))?);
    writeln!(out, "{}", file.columns().join(","))?;
    Ok(out)
}

/// A date `days` after 2020-01-01 (months of 28 days keep it simple and valid).
fn date(days: usize) -> String {
    let (year, rest) = (2020 + days / 336, days % 336);
    format!("{year}-{:02}-{:02}", 1 + rest / 28, 1 + rest % 28)
}

/// Writes the alert files into `dir` (created); returns how many rows each has, in file order.
pub fn write_alerts(dir: &Path) -> std::io::Result<Vec<(RegistryFile, usize)>> {
    std::fs::create_dir_all(dir)?;
    let bulletins = EOX_PIDS / PIDS_PER_BULLETIN;
    // Milestones spread from long past to years ahead, so every stage has bulletins.
    let milestones = |k: usize| -> String {
        let start = (k * 37) % 3000;
        [0, 200, 230, 500, 900, 520, 540, 1100, 1400]
            .iter()
            .map(|offset| date(start + offset))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = csv_file(dir, RegistryFile::EoxBulletins)?;
    for b in 0..bulletins {
        writeln!(
            out,
            "GEN-EOL-{b:05},Generated bulletin {b},https://vendor.example/eol/{b},{}",
            milestones(b)
        )?;
    }
    out.flush()?;
    // The inventory's six products first (in six bulletins), then generated ones.
    let mut out = csv_file(dir, RegistryFile::EoxProducts)?;
    for p in 0..EOX_PIDS {
        let pid = match PIDS.get(p) {
            Some(pid) => (*pid).to_owned(),
            None => format!("GEN-PID-{p:06}"),
        };
        writeln!(
            out,
            "GEN-EOL-{:05},{pid},GEN-NEW-{p:06},",
            (p * 67) % bulletins
        )?;
    }
    out.flush()?;

    let mut out = csv_file(dir, RegistryFile::SoftwareEox)?;
    for train in 3..16 {
        writeln!(
            out,
            "IOS XE,17.{train},GEN-SW-{train},IOS XE 17.{train},,{}",
            milestones(train * 131)
        )?;
    }
    out.flush()?;

    let mut out = csv_file(dir, RegistryFile::SecurityAdvisories)?;
    for a in 0..ADVISORIES {
        writeln!(
            out,
            "GEN-SA-{a:05},Generated advisory {a},https://sec.vendor.example/{a},{},{}.{},CVE-2026-{:05},{},{},{}",
            SEVERITIES[a % 5],
            (a * 7) % 10,
            a % 10,
            10_000 + a,
            date(a % 2000),
            date(a % 2000 + 30),
            a % 3 == 0
        )?;
    }
    out.flush()?;
    // Each advisory affects 50 of 2,340 releases (17.3.1 to 17.15.180; the inventory runs the 117
    // with patch 1 to 9), so a release the inventory runs has ~100 advisories, as a popular
    // release gathers over its life; the first fixed is the train's next release.
    let mut out = csv_file(dir, RegistryFile::AdvisoryReleases)?;
    let mut rows = 0;
    for a in 0..ADVISORIES {
        let mut seen = vec![false; ADVISORY_RELEASES];
        for r in 0..RELEASES_PER_ADVISORY {
            let n = (a * 7 + r * 47) % ADVISORY_RELEASES;
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            let (train, patch) = (3 + n / PATCHES, 1 + n % PATCHES);
            writeln!(
                out,
                "GEN-SA-{a:05},IOS XE,17.{train}.{patch},17.{train}.{}",
                patch + 1
            )?;
            rows += 1;
        }
    }
    out.flush()?;

    let mut out = csv_file(dir, RegistryFile::FieldNotices)?;
    for f in 0..NOTICES {
        writeln!(
            out,
            "GEN-FN-{f:05},Generated notice {f},,{},{},{},Replace or upgrade.",
            if f % 2 == 0 { "hardware" } else { "software" },
            date(f % 1500),
            date(f % 1500 + 10)
        )?;
    }
    out.flush()?;
    // Three products each; one in four narrowed to serials (a range of 100,000 serials of the
    // inventory), one in four to a release.
    let mut out = csv_file(dir, RegistryFile::FieldNoticeProducts)?;
    for f in 0..NOTICES {
        for k in 0..3 {
            let p = (f * 3 + k) % (EOX_PIDS / 4);
            // One notice in 25 lists one of the inventory's products (the first of its three):
            // every fourth of those narrowed to serials, another fourth to releases.
            let pid = if k == 0 && f % 50 < 2 {
                PIDS[(f / 50) % PIDS.len()].to_owned()
            } else {
                format!("GEN-PID-{p:06}")
            };
            let (serials, software, versions) = match f % 4 {
                0 => (
                    format!("{}-{}", serial(f * 1000), serial(f * 1000 + 99_999)),
                    "",
                    String::new(),
                ),
                1 => (String::new(), "IOS XE", release(f)),
                _ => (String::new(), "", String::new()),
            };
            writeln!(out, "GEN-FN-{f:05},{pid},{serials},{software},{versions}")?;
        }
    }
    out.flush()?;
    Ok(vec![
        (RegistryFile::EoxBulletins, bulletins),
        (RegistryFile::EoxProducts, EOX_PIDS),
        (RegistryFile::SoftwareEox, 13),
        (RegistryFile::SecurityAdvisories, ADVISORIES),
        (RegistryFile::AdvisoryReleases, rows),
        (RegistryFile::FieldNotices, NOTICES),
        (RegistryFile::FieldNoticeProducts, NOTICES * 3),
    ])
}
