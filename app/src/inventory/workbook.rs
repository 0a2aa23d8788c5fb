//! Inventories saved as Excel workbooks (`.xlsx`): the first worksheet is read as the CSV file it
//! would have been saved as, so the same reader, checks and preview serve both. Server only.

use std::io::{Read, Seek, Write};

use calamine::{Data, Reader, Xlsx};

pub use super::is_workbook;
use super::FileProblem;

/// Writes the first worksheet of the workbook in `source` to `out` as comma-separated UTF-8
/// text, one line per row (empty rows kept, so line numbers match the sheet's rows). Numbers are
/// written as Excel shows them in full: a serial typed as a number, `456789012345`, stays whole.
pub fn workbook_to_csv(source: impl Read + Seek, out: impl Write) -> Result<(), FileProblem> {
    let unreadable = |detail: String| {
        FileProblem::Unreadable(format!(
            "it looks like an Excel workbook, but it cannot be opened ({detail}); save it again as .xlsx or as CSV UTF-8"
        ))
    };
    let mut workbook = Xlsx::new(source).map_err(|err| unreadable(err.to_string()))?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or(FileProblem::Empty)?
        .map_err(|err| unreadable(err.to_string()))?;
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let failed = |err: csv::Error| FileProblem::Unreadable(err.to_string());
    // Rows above the used range (a sheet starting at row 3) are blank lines, as in the sheet.
    let first_row = sheet.start().map_or(0, |(row, _)| row);
    for _ in 0..first_row {
        writer.write_record([""]).map_err(failed)?;
    }
    for row in sheet.rows() {
        writer
            .write_record(row.iter().map(cell_text))
            .map_err(failed)?;
    }
    writer
        .flush()
        .map_err(|err| FileProblem::Unreadable(err.to_string()))
}

/// A cell's value as text.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        // An integral number within what a double holds exactly, written without a fraction.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workbook(rows: &[&[&str]], numbers: &[(u32, u16, f64)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
        for (r, c, n) in numbers {
            sheet.write_number(*r, *c, *n).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn the_first_sheet_reads_as_csv() {
        let bytes = workbook(
            &[
                &["Serial Number", "PID", "Host, name"],
                &["FOC1", "C9300", "core \"1\""],
            ],
            &[(2, 1, 0.0), (2, 0, 456_789_012_345.0)],
        );
        assert!(is_workbook(&bytes));
        let mut csv = Vec::new();
        workbook_to_csv(std::io::Cursor::new(bytes), &mut csv).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "Serial Number,PID,\"Host, name\"\nFOC1,C9300,\"core \"\"1\"\"\"\n456789012345,0,\n"
        );
    }

    #[test]
    fn a_broken_workbook_is_refused_with_the_reason() {
        let problem = workbook_to_csv(
            std::io::Cursor::new(b"PK\x03\x04broken".to_vec()),
            Vec::new(),
        )
        .unwrap_err();
        assert!(
            problem.to_string().contains("looks like an Excel workbook"),
            "{problem}"
        );
        assert!(!is_workbook(b"serial,pid\n"));
    }
}
