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
