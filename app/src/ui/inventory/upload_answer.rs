//! What the browser makes of the upload route's answer (NDJSON lines, or a JSON error), and the
//! rejected rows as a CSV file to fix and upload again. Pure, so both are unit-tested.

use serde::Deserialize;

use crate::inventory::{spreadsheet_safe, RejectedRow, UploadSummary};

/// Where an upload from this page stands.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadPhase {
    Idle,
    /// Bytes of the file sent so far.
    Sending {
        sent: f64,
        total: f64,
    },
    /// Rows the server has checked and written so far.
    Processing {
        rows: u64,
    },
    Done(Box<UploadSummary>),
    Failed(UploadFailure),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UploadFailure {
    pub message: String,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub rejected_rows: Vec<RejectedRow>,
}

impl UploadFailure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            columns: Vec::new(),
            rejected_rows: Vec::new(),
        }
    }
}

/// One NDJSON line: `stage` says which of the other fields is there. A plain struct rather than
/// an internally tagged enum, whose buffering deserialiser costs the browser bundle dearly.
#[derive(Debug, Deserialize)]
struct AnswerLine {
    stage: String,
    rows: Option<u64>,
    summary: Option<UploadSummary>,
    error: Option<UploadFailure>,
}

/// The phase the answer received so far shows: its last complete line (and, once the answer is
/// complete, its last line).
pub fn phase_of_answer(text: &str, complete: bool) -> Option<UploadPhase> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    if !complete {
        lines.pop(); // possibly cut short
    }
    let line = lines.into_iter().rev().find(|l| !l.trim().is_empty())?;
    let answer = serde_json::from_str::<AnswerLine>(line).ok()?;
    match answer.stage.as_str() {
        "processing" => Some(UploadPhase::Processing { rows: answer.rows? }),
        "done" => Some(UploadPhase::Done(Box::new(answer.summary?))),
        "failed" => Some(UploadPhase::Failed(answer.error?)),
        _ => None,
    }
}

/// The phase for a refusal before the upload started (a JSON error body with a non-200 status).
pub fn refusal(status: u16, body: &str) -> UploadPhase {
    let failure = serde_json::from_str::<UploadFailure>(body).unwrap_or_else(|_| {
        UploadFailure::new(match status {
            0 => "NetCare could not be reached. Check your connection and try again.".to_owned(),
            413 => "The file is too large to upload.".to_owned(),
            _ => format!("The upload failed (HTTP {status}). Try again."),
        })
    });
    UploadPhase::Failed(failure)
}

/// The rejected rows as CSV: the file's columns, then `line` and `reason`. Uploading the fixed
/// file again works as is: NetCare ignores the two extra columns. Formula-like values are
/// prefixed with an apostrophe ([`spreadsheet_safe`]).
pub fn rejected_rows_csv(columns: &[String], rows: &[RejectedRow]) -> String {
    let mut out = String::new();
    let header: Vec<&str> = columns
        .iter()
        .map(String::as_str)
        .chain(["line", "reason"])
        .collect();
    push_record(&mut out, header.iter().copied());
    for row in rows {
        let line = row.line.to_string();
        // Rejected values are exactly what a hostile file would carry: neutralised like exports.
        let values: Vec<_> = (0..columns.len())
            .map(|i| spreadsheet_safe(row.values.get(i).map_or("", String::as_str)))
            .collect();
        let cells = values.iter().map(|v| v.as_ref());
        push_record(&mut out, cells.chain([line.as_str(), row.reason.as_str()]));
    }
    out
}

fn push_record<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (index, cell) in cells.enumerate() {
        if index > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r', ';', '\t']) || cell.trim() != cell {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_complete_line_tells_the_phase() {
        let text = "{\"stage\":\"processing\",\"rows\":1000}\n{\"stage\":\"processing\",\"rows\":2000}\n{\"stage\":\"proc";
        assert_eq!(
            phase_of_answer(text, false),
            Some(UploadPhase::Processing { rows: 2000 })
        );
        let failed = "{\"stage\":\"failed\",\"status\":400,\"error\":{\"error\":\"invalid_file\",\"message\":\"This is not a CSV file.\"}}\n";
        assert_eq!(
            phase_of_answer(failed, true),
            Some(UploadPhase::Failed(UploadFailure::new(
                "This is not a CSV file."
            )))
        );
        assert_eq!(phase_of_answer("", true), None);
    }

    #[test]
    fn refusals_keep_the_servers_message() {
        let body = "{\"error\":\"quota_exhausted\",\"message\":\"Today's 5 uploads are used.\"}";
        assert_eq!(
            refusal(429, body),
            UploadPhase::Failed(UploadFailure::new("Today's 5 uploads are used."))
        );
        assert!(
            matches!(refusal(0, ""), UploadPhase::Failed(f) if f.message.contains("could not be reached"))
        );
    }

    #[test]
    fn rejected_rows_download_with_line_and_reason() {
        let columns = vec!["serial_number".to_owned(), "product_id".to_owned()];
        let rows = vec![
            RejectedRow {
                line: 3,
                reason: "missing product ID".into(),
                values: vec!["A1".into(), "".into()],
            },
            RejectedRow {
                line: 4,
                reason: "expected 2 values, found 3".into(),
                values: vec!["a,b".into(), "x".into(), "y".into()],
            },
            RejectedRow {
                line: 5,
                reason: "missing product ID".into(),
                values: vec!["=HYPERLINK(\"http://evil\")".into(), "".into()],
            },
        ];
        assert_eq!(
            rejected_rows_csv(&columns, &rows),
            "serial_number,product_id,line,reason\r\nA1,,3,missing product ID\r\n\"a,b\",x,4,\"expected 2 values, found 3\"\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",,5,missing product ID\r\n"
        );
    }
}
