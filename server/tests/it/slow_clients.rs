//! The real listener against clients that hold connections: headers sent too slowly (slow
//! loris), a body that stalls, headers too large. Database-agnostic: SQLite only.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use netcare_server::connections::{serve, ConnectionLimits};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::support::{
    uploads::{count, demo_app, token_for},
    Backend, TestApp,
};

const SHORT: ConnectionLimits = ConnectionLimits {
    header_read_timeout: Duration::from_secs(1),
    body_idle_timeout: Duration::from_secs(1),
};

/// The app's router behind a real listener on a free local port.
async fn listening(app: &TestApp) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        app.router.clone(),
        SHORT,
        std::future::pending(),
    ));
    addr
}

/// Everything the server sends until it closes the connection, and how long that took.
async fn until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received));
    // A reset after the answer is a close too.
    let _ = read.await.expect("the server closes the connection");
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

async fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    until_closed(&mut stream).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let app = TestApp::new(Backend::Sqlite).await;
    let addr = listening(&app).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: netcare.test\r\nX-Slow: a")
        .await
        .unwrap();
    // Meanwhile everyone else is served.
    let answer = exchange(
        addr,
        b"GET /healthz HTTP/1.1\r\nHost: netcare.test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (_, waited) = until_closed(&mut slow).await;
    assert!(waited < Duration::from_secs(4), "held for {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_body_ends_the_request_and_leaves_nothing() {
    let app = demo_app(Backend::Sqlite, |_| {}).await;
    let token = token_for(&app, "NW-1001", "slow").await;
    let addr = listening(&app).await;
    let uploads = "SELECT COUNT(*) FROM uploads";
    let before = count(&app, uploads).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/uploads HTTP/1.1\r\nHost: netcare.test\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: text/csv\r\nContent-Length: 10000\r\nConnection: close\r\n\r\n\
         serial_number,product_id\nSTALL1,C9300-48P\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (answer, waited) = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"interrupted\""), "{answer}");
    assert!(waited < Duration::from_secs(4), "held for {waited:?}");
    assert_eq!(count(&app, uploads).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_too_large_are_refused_in_json() {
    let app = TestApp::new(Backend::Sqlite).await;
    let addr = listening(&app).await;
    let many: String = (0..150).map(|n| format!("X-Filler-{n}: {n}\r\n")).collect();
    let big_cookie = format!("Cookie: c={}\r\n", "x".repeat(40 * 1024));
    for extra in [many, big_cookie] {
        let request = format!(
            "GET /api/v1/me HTTP/1.1\r\nHost: netcare.test\r\n{extra}Connection: close\r\n\r\n"
        );
        let answer = exchange(addr, request.as_bytes()).await;
        assert!(
            answer.starts_with("HTTP/1.1 431"),
            "{}",
            &answer[..answer.len().min(300)]
        );
        assert!(answer.contains("application/json"), "{answer}");
        assert!(
            answer.contains("request_header_fields_too_large"),
            "{answer}"
        );
        assert!(
            answer.to_ascii_lowercase().contains("x-request-id"),
            "{answer}"
        );
    }
    // Up to the limits, requests are served.
    let some: String = (0..50).map(|n| format!("X-Filler-{n}: {n}\r\n")).collect();
    let request =
        format!("GET /healthz HTTP/1.1\r\nHost: netcare.test\r\n{some}Connection: close\r\n\r\n");
    let answer = exchange(addr, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
