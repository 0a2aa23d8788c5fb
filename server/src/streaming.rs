//! Response bodies a task writes as it goes (upload progress, device exports).

use axum::body::{Body, Bytes};
use tokio::sync::mpsc;

/// One piece of a streamed body; an `Err` ends the transfer as broken, so a client never mistakes
/// a failed export for a short one.
pub type Chunk = Result<Bytes, std::io::Error>;

/// A body fed by `chunks` until the sender is dropped. Fused: the compression layer may poll once
/// more after the end.
pub fn channel_body(chunks: mpsc::Receiver<Chunk>) -> Body {
    let stream = futures_util::StreamExt::fuse(futures_util::stream::unfold(
        chunks,
        |mut chunks| async move { chunks.recv().await.map(|chunk| (chunk, chunks)) },
    ));
    Body::from_stream(stream)
}

/// A CSV file sent to `chunks` in 64 KB pieces, every cell neutralised for spreadsheets.
pub struct CsvChunks<'a> {
    writer: csv::Writer<Vec<u8>>,
    chunks: &'a mpsc::Sender<Chunk>,
}

impl<'a> CsvChunks<'a> {
    pub fn new(chunks: &'a mpsc::Sender<Chunk>) -> Self {
        CsvChunks {
            writer: csv::Writer::from_writer(Vec::with_capacity(1 << 16)),
            chunks,
        }
    }

    /// Writes one record; `false` once the client has gone away (stop writing then).
    pub async fn write<C: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = C>) -> bool {
        let _ = self.writer.write_record(
            cells
                .into_iter()
                .map(|cell| app::inventory::spreadsheet_safe(cell.as_ref()).into_owned()),
        );
        if self.writer.get_ref().len() < 1 << 16 {
            return true;
        }
        let full = std::mem::replace(
            &mut self.writer,
            csv::Writer::from_writer(Vec::with_capacity(1 << 16)),
        );
        self.chunks
            .send(Ok(Bytes::from(full.into_inner().unwrap_or_default())))
            .await
            .is_ok()
    }

    /// Sends what is left.
    pub async fn finish(self) {
        let rest = self.writer.into_inner().unwrap_or_default();
        let _ = self.chunks.send(Ok(Bytes::from(rest))).await;
    }
}

/// A `200` whose body is the CSV file `filename` that `write` sends while the client reads it,
/// holding `slot` (a place among the concurrent exports) until the client has read it all or
/// gone. A failure midway breaks the transfer (never a short file that looks whole).
pub fn spawn_csv<S, W, F>(filename: &str, slot: S, write: W) -> axum::response::Response
where
    S: Send + 'static,
    W: FnOnce(mpsc::Sender<Chunk>) -> F + Send + 'static,
    F: std::future::Future<Output = Result<(), sqlx::Error>> + Send,
{
    let (chunks_tx, chunks) = mpsc::channel::<Chunk>(4);
    tokio::spawn(async move {
        let _slot = slot;
        if let Err(err) = write(chunks_tx.clone()).await {
            let error = app::platform::internal(err);
            let _ = chunks_tx
                .send(Err(std::io::Error::other(error.to_string())))
                .await;
        }
    });
    csv_attachment(filename, chunks)
}

/// A `200` whose body is the CSV file `filename` that `chunks` carries.
fn csv_attachment(filename: &str, chunks: mpsc::Receiver<Chunk>) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    axum::response::Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(channel_body(chunks))
        .expect("static response parts are valid")
}

/// A `200` carrying the XLSX file `filename`.
pub fn xlsx_attachment(filename: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::{http::header, response::IntoResponse};
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
