//! Large generated registries (and a matching inventory) for benchmarks: `netcare demo --devices N`.
//! Deterministic: the same N gives the same files.

use std::{
    fs::File,
    io::{BufWriter, Write},
    path::Path,
};

use app::registry::import::RegistryFile;

/// Contract lines per generated contract.
const LINES_PER_CONTRACT: usize = 1000;
/// Contracts per generated company.
const CONTRACTS_PER_COMPANY: usize = 100;
pub const PIDS: [&str; 6] = [
    "C9300-48P",
    "C9300-24T",
    "C9200L-48P-4G",
    "ISR4331/K9",
    "C9120AXI-E",
    "N9K-C93180YC-FX",
];

pub struct Generated {
    pub lines: usize,
    pub contracts: usize,
    pub companies: usize,
}

/// The dates of generated contract `k` (its lines share them): most are active, one in ten has
/// expired and one in ten has not started yet.
fn contract_span(k: usize) -> (&'static str, &'static str) {
    match k % 10 {
        0 => ("2019-01-01", "2024-12-31"),
        1 => ("2027-06-01", "2030-05-31"),
        _ => ("2024-01-01", "2029-12-31"),
    }
}

pub fn serial(index: usize) -> String {
    format!("GEN{index:09}")
}

pub fn pid(index: usize) -> &'static str {
    PIDS[index % PIDS.len()]
}

/// Writes the five registry files for `devices` contract lines into `dir`.
pub fn write_registry(dir: &Path, devices: usize) -> std::io::Result<Generated> {
    std::fs::create_dir_all(dir)?;
    let contracts = devices.div_ceil(LINES_PER_CONTRACT).max(1);
    let companies = contracts.div_ceil(CONTRACTS_PER_COMPANY).max(1);
    let company_id = |c: usize| format!("GEN-C{c:05}");
    let contract_number = |k: usize| format!("8{k:08}");

    let mut out = csv_file(dir, RegistryFile::Companies)?;
    for c in 0..companies {
        writeln!(
            out,
            "{},Generated Company {c},gen{c}.example,false",
            company_id(c)
        )?;
    }
    out.flush()?;

    let mut out = csv_file(dir, RegistryFile::Sites)?;
    for c in 0..companies {
        writeln!(
            out,
            "{}-S1,{},Generated Site {c},1 Bench Street",
            company_id(c),
            company_id(c)
        )?;
    }
    out.flush()?;

    let mut out = csv_file(dir, RegistryFile::Contracts)?;
    for k in 0..contracts {
        let (start, end) = contract_span(k);
        writeln!(
            out,
            "{},{},,SNTC,true,{start},{end},false",
            contract_number(k),
            company_id(k / CONTRACTS_PER_COMPANY)
        )?;
    }
    out.flush()?;

    let mut out = csv_file(dir, RegistryFile::ContractLines)?;
    for i in 0..devices {
        let k = i / LINES_PER_CONTRACT;
        let (start, end) = contract_span(k);
        writeln!(
            out,
            "{},{},{},,{start},{end}",
            contract_number(k),
            serial(i),
            pid(i)
        )?;
    }
    out.flush()?;

    let mut out = csv_file(dir, RegistryFile::AccountContracts)?;
    for k in 0..contracts {
        writeln!(
            out,
            "{},admin@gen{}.example",
            contract_number(k),
            k / CONTRACTS_PER_COMPANY
        )?;
    }
    out.flush()?;
    Ok(Generated {
        lines: devices,
        contracts,
        companies,
    })
}

/// Writes an inventory CSV (the upload template's columns) of `devices` devices matching the
/// generated registry: 90% exact, 5% under another PID, 5% serials the registry does not know.
pub fn write_inventory(path: &Path, devices: usize) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(
        out,
        "serial_number,product_id,hostname,ip_address,mac_address,software_type,software_version,site"
    )?;
    for i in 0..devices {
        let (serial_number, product_id) = match i % 20 {
            0 => (serial(i), pid(i + 1)),
            1 => (format!("UNK{i:09}"), pid(i)),
            _ => (serial(i), pid(i)),
        };
        let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        let release = super::large_alerts::release(i);
        writeln!(
            out,
            "{serial_number},{product_id},dev-{i},{ip},,IOS XE,{release},Generated Site"
        )?;
    }
    out.flush()
}

fn csv_file(dir: &Path, file: RegistryFile) -> std::io::Result<BufWriter<File>> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join(file.file_name()))?);
    writeln!(out, "{}", file.columns().join(","))?;
    Ok(out)
}
