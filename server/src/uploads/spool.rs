//! Receiving an upload body into an anonymous temporary file (unlinked at creation, so nothing is
//! left behind even if the server is killed), within the size limit.

use std::io::{Seek, SeekFrom};

use app::inventory::UploadError;
use axum::body::Body;
use http::HeaderMap;
use http_body_util::BodyExt;
use tokio::io::AsyncWriteExt;

/// Refuses a declared length over the limit before anything is read.
pub fn check_declared_length(headers: &HeaderMap, limit: u64) -> Result<(), UploadError> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit => Err(too_large(limit)),
        _ => Ok(()),
    }
}

fn too_large(limit: u64) -> UploadError {
    UploadError::TooLarge {
        limit_mb: limit.div_ceil(1024 * 1024),
    }
}

/// Why a body could not be received.
pub enum SpoolError {
    Refused(UploadError),
    /// The client went away or sent a broken body: there is no one to answer.
    Interrupted,
}

/// A temporary file that cannot be written: ours to fix, logged with a reference.
fn disk_failure(err: std::io::Error) -> SpoolError {
    SpoolError::Refused(UploadError::storage(err))
}

/// Streams `body` to a temporary file, stopping as soon as it passes `limit` bytes. Returns the
/// file, rewound.
pub async fn spool(body: Body, limit: u64) -> Result<std::fs::File, SpoolError> {
    let file = tempfile::tempfile().map_err(disk_failure)?;
    let mut writer = tokio::io::BufWriter::with_capacity(1 << 16, tokio::fs::File::from_std(file));
    let mut body = body;
    let mut size = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| SpoolError::Interrupted)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        size += data.len() as u64;
        if size > limit {
            return Err(SpoolError::Refused(too_large(limit)));
        }
        writer.write_all(&data).await.map_err(disk_failure)?;
    }
    writer.flush().await.map_err(disk_failure)?;
    let mut file = writer.into_inner().into_std().await;
    file.seek(SeekFrom::Start(0)).map_err(disk_failure)?;
    Ok(file)
}

/// A gzip-compressed body (`Content-Encoding: gzip`) in another temporary file, rewound: refused
/// when it is not gzip, or when it unpacks to more than `limit` bytes (a small file that expands
/// without end is refused as soon as it passes the limit).
pub async fn gunzip(file: std::fs::File, limit: u64) -> Result<std::fs::File, UploadError> {
    tokio::task::spawn_blocking(move || {
        let mut unpacked = tempfile::tempfile().map_err(UploadError::storage)?;
        let decoder = flate2::read::GzDecoder::new(std::io::BufReader::new(file));
        let copied = std::io::copy(&mut std::io::Read::take(decoder, limit + 1), &mut unpacked)
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::InvalidInput
                | std::io::ErrorKind::InvalidData
                | std::io::ErrorKind::UnexpectedEof => {
                    UploadError::File(app::inventory::FileProblem::Unreadable(
                        "the body is sent as gzip (Content-Encoding: gzip) but is not valid gzip"
                            .into(),
                    ))
                }
                _ => UploadError::storage(err),
            })?;
        if copied > limit {
            return Err(too_large(limit));
        }
        unpacked
            .seek(SeekFrom::Start(0))
            .map_err(UploadError::storage)?;
        Ok(unpacked)
    })
    .await
    .map_err(|err| UploadError::App(app::platform::internal(err)))?
}

/// An upload saved as an Excel workbook becomes the CSV text of its first sheet (in another
/// anonymous temporary file), so every upload is read by the same CSV reader; anything else is
/// returned as it is. Both come back rewound.
pub async fn workbook_as_csv(mut file: std::fs::File) -> Result<std::fs::File, UploadError> {
    tokio::task::spawn_blocking(move || {
        let mut start = [0u8; 4];
        let read = std::io::Read::read(&mut file, &mut start).map_err(UploadError::storage)?;
        file.seek(SeekFrom::Start(0))
            .map_err(UploadError::storage)?;
        if !app::inventory::is_workbook(&start[..read]) {
            return Ok(file);
        }
        let mut csv = tempfile::tempfile().map_err(UploadError::storage)?;
        app::inventory::workbook::workbook_to_csv(
            std::io::BufReader::new(file),
            std::io::BufWriter::new(&mut csv),
        )
        .map_err(UploadError::File)?;
        csv.seek(SeekFrom::Start(0)).map_err(UploadError::storage)?;
        Ok(csv)
    })
    .await
    .map_err(|err| UploadError::App(app::platform::internal(err)))?
}
