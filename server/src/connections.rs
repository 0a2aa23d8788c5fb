//! Accepting connections and speaking HTTP/1.1 on them (a reverse proxy speaks HTTP/2 to
//! browsers), with the limits that keep a
//! slow or greedy client from holding the server: headers must arrive within
//! [`HEADER_READ_TIMEOUT`] (a slow-loris client is cut off), and hyper's own header limits sit
//! well above NetCare's, so [`crate::router`] answers an oversized request with a JSON 431
//! instead of hyper's empty one. A request body that stalls for [`BODY_IDLE_TIMEOUT`] ends the
//! request (an upload is then "interrupted" and leaves nothing).

use std::{future::Future, net::SocketAddr, pin::pin, time::Duration};

use axum::{extract::ConnectInfo, Router};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// How long a client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a request body may stall between two pieces.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long requests in flight may go on after a shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The connection limits; tests shorten the time-out.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub body_idle_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            body_idle_timeout: BODY_IDLE_TIMEOUT,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in flight
/// finish (for at most [`DRAIN_TIMEOUT`]).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        // Far above the router's own limits, which answer in JSON.
        .max_headers(crate::router::MAX_HEADERS * 4)
        .max_buf_size(crate::router::MAX_HEADER_BYTES * 8);
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors or a connection reset before accept: keep serving.
                Err(err) => {
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = tower::service_fn(move |mut request: axum::extract::Request<_>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            let idle = limits.body_idle_timeout;
            let request = request.map(|body| axum::body::Body::new(TimeoutBody::new(idle, body)));
            router.clone().oneshot(request)
        });
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or times out ends its connection; nothing to report.
            let _ = connection.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {DRAIN_TIMEOUT:?}: stopping anyway");
    }
    Ok(())
}
