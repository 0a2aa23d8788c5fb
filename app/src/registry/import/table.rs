//! Reading one registry CSV file: a header row naming the columns (any order), then data rows.
//! Tolerates what real exports contain: a UTF-8 BOM, CRLF line ends, spaces around values.

use std::{collections::HashMap, io::Read};

use super::{RegistryFile, RowError};

/// One data row, with the line it starts on (the header is line 1).
pub struct Row<'a> {
    pub file: RegistryFile,
    pub line: u64,
    columns: &'a HashMap<&'static str, usize>,
    fields: Vec<String>,
}

impl Row<'_> {
    /// The trimmed value of a column the file was required to have.
    pub fn get(&self, column: &'static str) -> &str {
        let index = self.columns[column];
        self.fields.get(index).map_or("", |s| s.as_str())
    }

    pub fn error(&self, column: &'static str, reason: impl Into<String>) -> RowError {
        RowError {
            file: self.file,
            line: self.line,
            column: Some(column.to_owned()),
            reason: reason.into(),
        }
    }
}

pub struct Table<R: Read> {
    file: RegistryFile,
    reader: csv::Reader<BomSkipping<R>>,
    columns: HashMap<&'static str, usize>,
    width: usize,
    record: csv::ByteRecord,
}

impl<R: Read> Table<R> {
    /// Reads the header and checks it names exactly the file's columns.
    pub fn open(file: RegistryFile, source: R) -> Result<Self, RowError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(BomSkipping::new(source));
        let mut header = csv::ByteRecord::new();
        let whole_file_error = |reason: String| RowError {
            file,
            line: 1,
            column: None,
            reason,
        };
        match reader.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                return Err(whole_file_error(
                    "the file is empty: expected a header row".into(),
                ))
            }
            Err(err) => return Err(whole_file_error(csv_error_reason(&err))),
        }
        let expected = file.columns();
        let mut columns = HashMap::new();
        for (index, raw) in header.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| whole_file_error("the header is not valid UTF-8".into()))?
                .trim()
                .to_ascii_lowercase();
            let Some(known) = expected.iter().find(|c| **c == name) else {
                return Err(whole_file_error(format!(
                    "unknown column `{name}` in the header (expected: {})",
                    expected.join(",")
                )));
            };
            if columns.insert(*known, index).is_some() {
                return Err(whole_file_error(format!(
                    "column `{name}` appears twice in the header"
                )));
            }
        }
        if let Some(missing) = expected.iter().find(|c| !columns.contains_key(*c)) {
            return Err(RowError {
                file,
                line: 1,
                column: Some((*missing).to_owned()),
                reason: format!(
                    "missing column `{missing}` in the header (expected: {})",
                    expected.join(",")
                ),
            });
        }
        Ok(Self {
            file,
            reader,
            columns,
            width: header.len(),
            record: csv::ByteRecord::new(),
        })
    }

    /// The next data row, `None` at the end. Blank lines are skipped.
    pub fn next_row(&mut self) -> Option<Result<Row<'_>, RowError>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(err) => {
                    let line = err.position().map_or(0, |p| p.line());
                    return Some(Err(RowError {
                        file: self.file,
                        line,
                        column: None,
                        reason: csv_error_reason(&err),
                    }));
                }
                Ok(true) => {}
            }
            let line = self.record.position().map_or(0, |p| p.line());
            if self.record.len() == 1 && self.record[0].is_empty() {
                continue;
            }
            if self.record.len() != self.width {
                return Some(Err(RowError {
                    file: self.file,
                    line,
                    column: None,
                    reason: format!(
                        "expected {} fields, found {}",
                        self.width,
                        self.record.len()
                    ),
                }));
            }
            let mut fields = Vec::with_capacity(self.width);
            for (index, raw) in self.record.iter().enumerate() {
                match std::str::from_utf8(raw) {
                    Ok(text) => fields.push(text.to_owned()),
                    Err(_) => {
                        let column = self
                            .columns
                            .iter()
                            .find(|(_, i)| **i == index)
                            .map(|(c, _)| (*c).to_owned());
                        return Some(Err(RowError {
                            file: self.file,
                            line,
                            column,
                            reason: "not valid UTF-8 text (save the file as UTF-8)".into(),
                        }));
                    }
                }
            }
            return Some(Ok(Row {
                file: self.file,
                line,
                columns: &self.columns,
                fields,
            }));
        }
    }
}

fn csv_error_reason(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Io(io) => format!("the file could not be read: {io}"),
        _ => "the line is not valid CSV".into(),
    }
}

/// Skips a UTF-8 byte order mark at the very start (spreadsheet programs write one).
pub struct BomSkipping<R> {
    inner: R,
    checked: bool,
    pending: Vec<u8>,
}

impl<R: Read> BomSkipping<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            checked: false,
            pending: Vec::new(),
        }
    }
}

impl<R: Read> Read for BomSkipping<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.checked {
            self.checked = true;
            let mut start = [0u8; 3];
            let mut filled = 0;
            while filled < 3 {
                let n = self.inner.read(&mut start[filled..])?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if start[..filled] != [0xEF, 0xBB, 0xBF] {
                self.pending.extend_from_slice(&start[..filled]);
            }
        }
        if !self.pending.is_empty() {
            let n = self.pending.len().min(buf.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            return Ok(n);
        }
        self.inner.read(buf)
    }
}
