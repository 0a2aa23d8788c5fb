//! Demo data: a small registry to walk through every flow, and large generated ones for
//! benchmarks. Both are written as the registry's CSV files and loaded by the same import the
//! operators use, so the demo also exercises that code.

pub mod accounts;
mod advisories;
mod field_notices;
pub mod large;
pub mod large_alerts;
mod software_eox;
pub mod walkthrough;

use std::{fmt::Write as _, path::Path};

/// Builds one CSV file in memory: a header and rows of already-safe values.
pub struct CsvText(String);

impl CsvText {
    pub fn new(columns: &[&str]) -> Self {
        Self(format!("{}\n", columns.join(",")))
    }

    pub fn row(&mut self, values: &[&str]) {
        let escaped: Vec<String> = values.iter().map(|v| csv_field(v)).collect();
        let _ = writeln!(self.0, "{}", escaped.join(","));
    }

    pub fn write_to(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, &self.0)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}
