//! The disk fills up while an upload writes the SQLite database: the upload is refused saying
//! so (507), nothing of it stays, the quota is unchanged, and the database goes on working for
//! whatever fits. (The server runs under a file size limit, `ulimit -f`, which every file it
//! writes meets like a full disk.)

use crate::{
    scale_out::http,
    support::cli::netcare,
    support::{Backend, TestDb},
    upload_faults::Server,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_the_upload_and_the_database_goes_on() {
    let t = TestDb::fresh(Backend::Sqlite).await;
    let url = t.url.clone();
    assert!(netcare(&url, &["demo"]).status.success());
    let state = app::platform::AppState {
        db: t.db.clone(),
        settings: std::sync::Arc::new(app::platform::Settings::new("http://127.0.0.1")),
    };
    let (_, token) =
        app::inventory::tokens::create(&state, "NW-1001", None, "full", None, Default::default())
            .await
            .unwrap();
    t.db.checkpoint().await.unwrap();
    let size = |name: &str| std::fs::metadata(t.dir().join(name)).map_or(0, |m| m.len());
    let room_kb = (size("netcare.db") + size("netcare.db-wal")) / 1024 + 4096;
    let server = Server::start_with_file_limit(&url, t.dir(), &[], room_kb);
    let auth = format!("Bearer {token}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "text/csv"),
    ];

    // 100,000 devices: the body (3.5 MB) fits, the database's growth does not.
    let mut big = String::from("serial_number,product_id,hostname\n");
    for n in 0..100_000 {
        big.push_str(&format!("FULL{n:07},C9300-48P,host-{n}\n"));
    }
    let (status, _, answer) = http(
        server.port,
        "POST",
        "/api/v1/uploads",
        &headers,
        big.as_bytes(),
    );
    assert_eq!(status, 507, "{answer}");
    assert!(answer.contains("\"error\":\"storage_full\""), "{answer}");
    assert!(answer.contains("Nothing was changed"), "{answer}");

    // The server goes on: health, and an upload that fits.
    assert_eq!(http(server.port, "GET", "/healthz", &[], b"").0, 200);
    let small = "serial_number,product_id\nSMALL0001,C9300-48P\nSMALL0002,C9300-48P\n";
    let (status, _, answer) = http(
        server.port,
        "POST",
        "/api/v1/uploads",
        &headers,
        small.as_bytes(),
    );
    assert_eq!(status, 201, "{answer}");
    assert!(
        answer.contains("\"used\":1"),
        "the refused upload did not count: {answer}"
    );
    drop(server);

    let count = |sql: &'static str| {
        let pool = t.db.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM devices").await,
        2,
        "nothing of the refused upload"
    );
    assert_eq!(count("SELECT COUNT(*) FROM uploads").await, 1);
    let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(ok, "ok");
}
