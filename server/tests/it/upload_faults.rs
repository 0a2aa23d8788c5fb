//! A server killed (SIGKILL) in the middle of an upload leaves nothing behind: no devices, no
//! upload record, no quota used; and the restarted server takes the next upload normally.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use app::platform::{AppState, Settings};

use crate::support::{both_databases, Backend, TestDb};

both_databases!(a_killed_server_leaves_no_trace_of_the_upload);

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    fn start(database_url: &str, site_dir: &std::path::Path) -> Self {
        Self::start_with(database_url, site_dir, &[])
    }

    /// The real `netcare serve` on a free port, with `args` added; returns once it listens.
    pub fn start_with(database_url: &str, site_dir: &std::path::Path, args: &[&str]) -> Self {
        Self::launch(
            Command::new(env!("CARGO_BIN_EXE_netcare")),
            database_url,
            site_dir,
            args,
        )
    }

    /// Like `start_with`, with no file the server writes allowed past `kilobytes` (`ulimit -f`):
    /// a disk that fills up, for the database and everything else.
    pub fn start_with_file_limit(
        database_url: &str,
        site_dir: &std::path::Path,
        args: &[&str],
        kilobytes: u64,
    ) -> Self {
        let mut command = Command::new("bash");
        command.args([
            "-c",
            &format!("ulimit -f {kilobytes} && exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_netcare"),
        ]);
        Self::launch(command, database_url, site_dir, args)
    }

    fn launch(
        mut command: Command,
        database_url: &str,
        site_dir: &std::path::Path,
        args: &[&str],
    ) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--site-dir")
            .arg(site_dir)
            .args(args)
            .env("DATABASE_URL", database_url)
            .env("NETCARE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start netcare");
        let mut server = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            // A server that exited says why on its standard error.
            if let Ok(Some(status)) = server.child.try_wait() {
                let mut why = String::new();
                if let Some(mut stderr) = server.child.stderr.take() {
                    let _ = stderr.read_to_string(&mut why);
                }
                panic!("the server exited ({status}): {why}");
            }
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        // From here on its warnings are drained, so they never fill the pipe.
        if let Some(mut stderr) = server.child.stderr.take() {
            std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        }
        server
    }

    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }

    /// Opens an upload request declaring `length` bytes, with its head sent.
    fn begin_upload(&self, token: &str, length: usize) -> TcpStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "POST /api/v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: text/csv\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn inventory(devices: usize) -> Vec<u8> {
    let mut csv = b"serial_number,product_id,hostname\n".to_vec();
    for n in 0..devices {
        csv.extend_from_slice(format!("KILL{n:08},C9300-48P,host-{n}\n").as_bytes());
    }
    csv
}

async fn counts(db: &app::platform::Database) -> (i64, i64, i64) {
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    (
        one("SELECT COUNT(*) FROM uploads").await,
        one("SELECT COUNT(*) FROM devices").await,
        one("SELECT CAST(COALESCE(SUM(used), 0) AS BIGINT) FROM upload_quota").await,
    )
}

async fn a_killed_server_leaves_no_trace_of_the_upload(backend: Backend) {
    let t = TestDb::fresh(backend).await;
    let today = time::OffsetDateTime::now_utc().date();
    app::registry::import::import_registry(
        &t.db,
        netcare_server::demo::walkthrough::source(today),
        app::registry::import::ChangeOrigin::Demo,
        "test",
    )
    .await
    .unwrap();
    let state = AppState {
        db: t.db.clone(),
        settings: std::sync::Arc::new(Settings::new("http://localhost")),
    };
    let (_, token) =
        app::inventory::tokens::create(&state, "NW-1001", None, "killer", None, Default::default())
            .await
            .unwrap();
    let site = t.dir().join("site");
    std::fs::create_dir_all(&site).unwrap();

    // Killed while the body is still arriving.
    let server = Server::start(&t.url, &site);
    let body = inventory(50_000);
    let mut stream = server.begin_upload(&token, body.len());
    stream.write_all(&body[..body.len() / 2]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.kill();
    drop(stream);
    assert_eq!(counts(&t.db).await, (0, 0, 0), "killed mid-transfer");

    // Killed while the upload is being processed (the whole body sent, no answer yet).
    let server = Server::start(&t.url, &site);
    let body = inventory(200_000);
    let mut stream = server.begin_upload(&token, body.len());
    stream.write_all(&body).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    stream.set_nonblocking(true).unwrap();
    let mut answer = [0u8; 16];
    let answered_before_kill = matches!(stream.read(&mut answer), Ok(n) if n > 0);
    server.kill();
    let after = counts(&t.db).await;
    if answered_before_kill {
        assert_eq!(after, (1, 200_000, 1));
    } else {
        assert!(
            after == (0, 0, 0) || after == (1, 200_000, 1),
            "half-applied: {after:?}"
        );
    }

    // The restarted server takes the next upload, and the quota counts only landed uploads.
    let server = Server::start(&t.url, &site);
    let body = inventory(10);
    let mut stream = server.begin_upload(&token, body.len());
    stream.write_all(&body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    let (uploads, _, used) = counts(&t.db).await;
    assert_eq!(uploads, used);
    assert!(uploads >= 1);
    server.kill();
}
