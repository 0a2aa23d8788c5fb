//! Reading an inventory file as it streams in: what kind of file it is, its delimiter and header,
//! then one checked device or one rejected row at a time. Nothing holds the whole file.

use std::{
    cell::RefCell,
    collections::VecDeque,
    io::{Cursor, Read},
    rc::Rc,
};

use super::{
    columns::{detect_delimiter, map_header, map_header_as, ColumnMap, Field},
    rows::{check_device, CheckedDevice, DeviceFields},
    FileProblem, RejectedRow,
};

/// How much of the start of a file is looked at to tell what it is.
const SNIFF_BYTES: usize = 8 * 1024;

/// One data row's outcome, with the line it starts on (the header is line 1). Accepted rows are
/// the common case, so they are not boxed.
#[allow(clippy::large_enum_variant)]
pub enum RowOutcome {
    Accepted { line: u64, device: CheckedDevice },
    Rejected(RejectedRow),
}

pub struct InventoryReader<R: Read> {
    reader: csv::Reader<LineTracker<std::io::Chain<Cursor<Vec<u8>>, R>>>,
    line_ends: Rc<RefCell<LineEnds>>,
    map: ColumnMap,
    record: csv::ByteRecord,
    delimiter: u8,
}

impl<R: Read> InventoryReader<R> {
    /// Reads up to the header row; refuses files that are not CSV text or lack required columns.
    /// The columns are guessed from their headers.
    pub fn open(source: R) -> Result<Self, FileProblem> {
        Self::open_as(source, None)
    }

    /// Like [`open`](Self::open), with what each column holds chosen by a person (`None`: guessed).
    pub fn open_as(source: R, chosen: Option<&[Option<Field>]>) -> Result<Self, FileProblem> {
        let chosen = chosen.map(<[Option<Field>]>::to_vec);
        Self::open_choosing(source, |_| chosen)
    }

    /// Like [`open`](Self::open), asking `choose` with the header cells what each column holds
    /// (`None`: guessed from the headers), e.g. a company's remembered choice for this layout.
    pub fn open_choosing(
        mut source: R,
        choose: impl FnOnce(&[String]) -> Option<Vec<Option<Field>>>,
    ) -> Result<Self, FileProblem> {
        let mut start = Vec::with_capacity(SNIFF_BYTES);
        (&mut source)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut start)
            .map_err(|err| FileProblem::Unreadable(err.to_string()))?;
        sniff(&start)?;
        if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            start.drain(..3);
        }
        let first_line = String::from_utf8_lossy(&start);
        let delimiter = detect_delimiter(&first_line);
        let line_ends = Rc::new(RefCell::new(LineEnds::default()));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(LineTracker {
                inner: Cursor::new(start).chain(source),
                offset: 0,
                after_cr: false,
                ends: line_ends.clone(),
            });
        let mut header = csv::ByteRecord::new();
        match reader.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => return Err(FileProblem::Empty),
            Err(err) => return Err(FileProblem::Unreadable(err.to_string())),
        }
        let cells = header
            .iter()
            .map(|raw| std::str::from_utf8(raw).map(str::to_owned))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| FileProblem::NotUtf8Header)?;
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Err(FileProblem::Empty);
        }
        let map = match choose(&cells) {
            Some(chosen) => map_header_as(&cells, &chosen),
            None => map_header(&cells),
        }
        .map_err(FileProblem::Header)?;
        Ok(Self {
            reader,
            line_ends,
            map,
            record: csv::ByteRecord::new(),
            delimiter,
        })
    }

    pub fn columns(&self) -> &ColumnMap {
        &self.map
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The next data row, `None` at the end of the file. Blank lines are skipped.
    pub fn next_row(&mut self) -> Option<Result<RowOutcome, FileProblem>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(err) => {
                    return Some(match err.kind() {
                        csv::ErrorKind::Io(io) => Err(FileProblem::Unreadable(io.to_string())),
                        _ => Ok(RowOutcome::Rejected(RejectedRow {
                            line: err
                                .position()
                                .map_or(0, |p| self.line_ends.borrow_mut().line_at(p.byte())),
                            reason: "the line is not valid CSV".into(),
                            values: Vec::new(),
                        })),
                    })
                }
            }
            let start = self.record.position().map_or(0, |p| p.byte());
            let line = self.line_ends.borrow_mut().line_at(start);
            // The file ended inside a quoted value: the CSV reader takes everything after the
            // opening quote as one value, which is not what the file meant.
            let ends = self.line_ends.borrow();
            let unclosed = ends.at_end && ends.quotes % 2 == 1;
            drop(ends);
            if unclosed {
                return Some(Ok(RowOutcome::Rejected(RejectedRow {
                    line,
                    reason: "a quoted value is never closed (a `\"` is missing): the file may be cut short".into(),
                    values: self.shown_values(),
                })));
            }
            if self
                .record
                .iter()
                .all(|field| field.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            return Some(Ok(self.outcome(line)));
        }
    }

    /// The row's values as a rejected row keeps them (to show, download and fix): each cut to a
    /// readable length, so a huge value does not make a huge answer.
    fn shown_values(&self) -> Vec<String> {
        self.record
            .iter()
            .map(|raw| {
                let text = String::from_utf8_lossy(raw);
                match text.char_indices().nth(SHOWN_VALUE_CHARS) {
                    Some((cut, _)) => format!("{}…", &text[..cut]),
                    None => text.into_owned(),
                }
            })
            .collect()
    }

    fn outcome(&self, line: u64) -> RowOutcome {
        let values = self.shown_values();
        let rejected = |reason: String, values: Vec<String>| {
            RowOutcome::Rejected(RejectedRow {
                line,
                reason,
                values,
            })
        };
        let width = self.map.headers.len();
        if self.record.len() != width {
            return rejected(
                format!(
                    "expected {width} values (one per column), found {}",
                    self.record.len()
                ),
                values,
            );
        }
        let mut fields = DeviceFields::default();
        for (index, raw) in self.record.iter().enumerate() {
            let Some(field) = self.map.fields[index] else {
                continue;
            };
            match std::str::from_utf8(raw) {
                Ok(text) => fields.set(field, text.trim().to_owned()),
                Err(_) => {
                    return rejected(
                        format!(
                            "{} is not UTF-8 text (save the file as CSV UTF-8)",
                            field.label()
                        ),
                        values,
                    )
                }
            }
        }
        match check_device(fields) {
            Ok(device) => RowOutcome::Accepted { line, device },
            Err(reason) => rejected(reason, values),
        }
    }
}

/// Characters of each value a rejected row keeps (longer ones are cut, with `…`).
const SHOWN_VALUE_CHARS: usize = 1000;

/// Line ends (LF, CRLF or a lone CR) seen but not yet passed by a record, as the byte offsets
/// of their first and last byte, so a record's byte offset gives its line number. Only the
/// reader's look-ahead is ever queued.
#[derive(Default)]
struct LineEnds {
    pending: VecDeque<(u64, u64)>,
    passed: u64,
    /// Double quotes read so far: an odd count at the end means a quoted value never closed
    /// (quotes inside values are doubled, so they come in pairs).
    quotes: u64,
    /// The end of the input was reached (the CSV reader only reads past its buffer when a record
    /// is not finished, so this turns true while the last record is read).
    at_end: bool,
}

impl LineEnds {
    /// The 1-based line a record starting at `offset` begins on: blank lines the CSV reader
    /// skipped at its start are counted. Offsets must not decrease between calls.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut cursor = offset;
        while let Some((first, last)) = self.pending.front().copied() {
            if first > cursor {
                break;
            }
            self.pending.pop_front();
            self.passed += 1;
            cursor = cursor.max(last + 1);
        }
        self.passed + 1
    }
}

/// Passes bytes through, noting where lines end.
struct LineTracker<R> {
    inner: R,
    offset: u64,
    after_cr: bool,
    ends: Rc<RefCell<LineEnds>>,
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut ends = self.ends.borrow_mut();
        if n == 0 && !buf.is_empty() {
            ends.at_end = true;
        }
        for (i, byte) in buf[..n].iter().enumerate() {
            let at = self.offset + i as u64;
            match byte {
                b'\r' => ends.pending.push_back((at, at)),
                b'\n' if self.after_cr => {
                    if let Some(back) = ends.pending.back_mut() {
                        back.1 = at;
                    }
                }
                b'\n' => ends.pending.push_back((at, at)),
                b'"' => ends.quotes += 1,
                _ => {}
            }
            self.after_cr = *byte == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Refuses what is plainly not a CSV text file, naming what it is where that helps.
fn sniff(start: &[u8]) -> Result<(), FileProblem> {
    if start.iter().all(u8::is_ascii_whitespace) {
        return Err(FileProblem::Empty);
    }
    let kind = if start.starts_with(b"\x89PNG") {
        Some("a PNG image")
    } else if start.starts_with(b"PK\x03\x04") {
        Some("a ZIP archive or an Excel workbook (in Excel, use Save As and choose CSV UTF-8)")
    } else if start.starts_with(b"%PDF") {
        Some("a PDF document")
    } else if start.starts_with(b"\xFF\xD8\xFF") {
        Some("a JPEG image")
    } else if start.starts_with(b"GIF8") {
        Some("a GIF image")
    } else if start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("an old Excel workbook (.xls; use Save As and choose CSV UTF-8)")
    } else if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        Some("UTF-16 text (save it as CSV UTF-8)")
    } else {
        None
    };
    if let Some(kind) = kind {
        return Err(FileProblem::NotCsv(kind.into()));
    }
    if start.contains(&0) {
        return Err(FileProblem::NotCsv(
            "a binary file, not text (NUL bytes)".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Lines = Vec<(u64, String)>;

    fn read(text: &[u8]) -> Result<(Lines, Lines), FileProblem> {
        let mut reader = InventoryReader::open(text)?;
        let mut accepted = Vec::new();
        let mut rejected = Vec::new();
        while let Some(row) = reader.next_row() {
            match row? {
                RowOutcome::Accepted { line, device } => accepted.push((line, device.identity_key)),
                RowOutcome::Rejected(row) => rejected.push((row.line, row.reason)),
            }
        }
        Ok((accepted, rejected))
    }

    #[test]
    fn template_rows_are_read_with_their_lines() {
        let (accepted, rejected) = read(
            b"serial_number,product_id,hostname,ip_address,mac_address,software_version,site\n\
              FOC1,C9300-48P,sw1,10.0.0.1,,17.9,HQ\n\
              \n\
              FOC2,C9300-24T,,,,,\n",
        )
        .unwrap();
        assert_eq!(
            accepted,
            vec![
                (2, "S|FOC1|C9300-48P".to_owned()),
                (4, "S|FOC2|C9300-24T".to_owned())
            ]
        );
        assert!(rejected.is_empty());
    }

    #[test]
    fn bom_semicolons_crlf_and_quotes_are_read() {
        let (accepted, _) =
            read(b"\xEF\xBB\xBFSerial Number;PID;Site\r\n\"FOC;1\";C9300;\"HQ, floor 2\"\r\n")
                .unwrap();
        assert_eq!(accepted, vec![(2, "S|FOC;1|C9300".to_owned())]);
        let (accepted, _) = read(b"SN\tProduct ID\nFOC1\tC9300\n").unwrap();
        assert_eq!(accepted, vec![(2, "S|FOC1|C9300".to_owned())]);
    }

    #[test]
    fn lines_are_counted_across_quoted_breaks_and_lone_carriage_returns() {
        let (accepted, rejected) =
            read(b"serial,pid,site\rA,P,x\r\"B\",P,\"two\nlines\"\r\n\r\nC,P,y\n\n\nD,P,z")
                .unwrap();
        let lines: Vec<u64> = accepted.iter().map(|(line, _)| *line).collect();
        // B's site has a line break inside (a control character there): kept without the site.
        assert_eq!(lines, vec![2, 3, 6, 9]);
        assert!(rejected.is_empty());
    }

    #[test]
    fn a_quote_never_closed_rejects_the_last_row_and_huge_values_are_cut() {
        let (accepted, rejected) =
            read(b"serial,pid,site\nA,P,\"x, \"\"quoted\"\"\"\nB,P,\"never closed\n").unwrap();
        assert_eq!(accepted.len(), 1);
        assert_eq!(rejected[0].0, 3);
        assert!(rejected[0].1.starts_with("a quoted value is never closed"));
        let long = format!(
            "serial,pid,site\nA,P,{}\nB,{},x\n",
            "h".repeat(5000),
            "p".repeat(5000)
        );
        let (accepted, rejected) = read(long.as_bytes()).unwrap();
        assert_eq!(
            accepted.len(),
            1,
            "a site too long is left out, the device kept"
        );
        assert_eq!(rejected[0].0, 3);
        assert!(rejected[0].1.starts_with("Product ID is too long"));
    }

    #[test]
    fn bad_rows_are_rejected_with_reasons_and_the_rest_kept() {
        let (accepted, rejected) = read(
            b"serial_number,product_id,mac_address\nFOC1,C9300,\n,C9300,\nFOC3,,\nFOC4,C9300\n,C9300,zz\nFOC6,C9300,\xE9\n",
        )
        .unwrap();
        assert_eq!(accepted, vec![(2, "S|FOC1|C9300".to_owned())]);
        let lines: Vec<u64> = rejected.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7]);
        assert!(rejected[0].1.starts_with("missing serial number"));
        assert_eq!(rejected[1].1, "missing product ID");
        assert_eq!(rejected[2].1, "expected 3 values (one per column), found 2");
        assert_eq!(rejected[3].1, "`zz` is not a MAC address");
        assert!(rejected[4].1.contains("not UTF-8"));
    }

    #[test]
    fn files_that_are_not_csv_are_refused_whole() {
        let refused = |bytes: &[u8]| InventoryReader::open(bytes).err().unwrap();
        assert_eq!(refused(b""), FileProblem::Empty);
        assert_eq!(refused(b"  \n"), FileProblem::Empty);
        assert!(
            matches!(refused(b"\x89PNG\r\n\x1a\n...."), FileProblem::NotCsv(k) if k.contains("PNG"))
        );
        assert!(matches!(refused(b"PK\x03\x04zip"), FileProblem::NotCsv(k) if k.contains("Excel")));
        assert!(
            matches!(refused(b"\xFF\xFEs\0e\0"), FileProblem::NotCsv(k) if k.contains("UTF-16"))
        );
        assert!(matches!(
            refused(b"serial,pid\n\0\0"),
            FileProblem::NotCsv(_)
        ));
        assert!(matches!(
            refused(b"hostname,site\nx,y\n"),
            FileProblem::Header(_)
        ));
        assert_eq!(refused(b"serial,\xE9\n"), FileProblem::NotUtf8Header);
    }
}
