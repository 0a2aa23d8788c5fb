//! Start-up: open and migrate the database, bind, serve until SIGTERM or Ctrl-C.

use std::time::Duration;

use app::platform::{db::PoolSettings, AppState, Database};
use tokio::net::TcpListener;

use crate::config::{GlobalOptions, ServeOptions};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Connect(#[from] app::platform::db::ConnectError),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
    #[error("{0}")]
    Mail(String),
    #[error("{0}")]
    Unsafe(String),
}

/// Opens the database named by the options and brings its schema up to date.
pub async fn open_database(global: &GlobalOptions) -> Result<Database, StartError> {
    let settings = PoolSettings {
        max_connections: global.db_max_connections,
        statement_timeout: Duration::from_secs(global.db_statement_timeout),
        ..PoolSettings::default()
    };
    let db = Database::connect(global.database_url.expose(), &settings).await?;
    db.migrate().await?;
    tracing::info!(database = %global.database_url, backend = ?db.backend(), "database ready");
    Ok(db)
}

pub async fn migrate_only(global: &GlobalOptions) -> Result<(), StartError> {
    open_database(global).await?.close().await;
    Ok(())
}

pub async fn run(global: &GlobalOptions, options: &ServeOptions) -> Result<(), StartError> {
    options.check_dev_mailbox().map_err(StartError::Unsafe)?;
    let db = open_database(global).await?;
    if !options.site_dir.join("index.html").exists() {
        tracing::warn!(site_dir = %options.site_dir.display(), "the browser app is not built; only the API is served");
    }
    let state = AppState {
        db: db.clone(),
        settings: std::sync::Arc::new(options.settings()),
    };
    match &options.mail.smtp_url {
        Some(url) => {
            let transport =
                crate::mail_sender::transport(url.expose()).map_err(StartError::Mail)?;
            tokio::spawn(crate::mail_sender::run(state.clone(), transport));
            tracing::info!(smtp = %url, "mail goes out over SMTP");
        }
        None if options.dev_mailbox => {
            tracing::info!("no SMTP server: mail stays in the outbox, shown at /dev/mailbox")
        }
        None => tracing::warn!("no SMTP server configured (--smtp-url): mail stays in the outbox"),
    }
    if options.dev_mailbox {
        tracing::warn!(
            "--dev-mailbox: /dev/mailbox shows every email with its links (password resets \
             included) to anyone on this machine; it is for development only"
        );
    }
    tokio::spawn(warn_of_demo_accounts(db.clone()));
    tokio::spawn(checkpoint_loop(db.clone()));
    tokio::spawn(security_log_retention(
        db.clone(),
        state.settings.security_log_days,
    ));
    #[cfg(unix)]
    tokio::spawn(survive_file_size_limit());
    tokio::spawn(coverage_worker(
        db.clone(),
        state.settings.expiring_window_days,
    ));
    let site = crate::router::SiteOptions {
        site_dir: options.site_dir.clone(),
        dev_mailbox: options.dev_mailbox,
    };
    let app = crate::router(state, site);
    let listener = TcpListener::bind(options.bind)
        .await
        .map_err(|source| StartError::Bind {
            addr: options.bind,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    tracing::info!("NetCare is listening on http://{addr}");
    let limits = crate::connections::ConnectionLimits::default();
    crate::connections::serve(listener, app, limits, shutdown_signal())
        .await
        .map_err(StartError::Serve)?;
    // Give in-flight database work a moment, then close the pool cleanly (SQLite checkpoints WAL).
    let _ = tokio::time::timeout(Duration::from_secs(5), db.close()).await;
    tracing::info!("NetCare stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!("cannot listen for SIGTERM: {err}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Demo accounts keep the password the README publishes: while any does, anyone can sign in as
/// it. Checked in the background (hashing takes a moment) so start-up does not wait.
async fn warn_of_demo_accounts(db: app::platform::Database) {
    match crate::demo::accounts::with_published_password(&db).await {
        Ok(open) if !open.is_empty() => tracing::warn!(
            accounts = %open.join(", "),
            "demo accounts with the published demo password exist: anyone can sign in as them \
             (the demo agents' authenticator key is published too); disable them \
             (netcare account disable LOGIN) before others can reach this server"
        ),
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "cannot check for demo accounts"),
    }
}

/// Keeps SQLite's write-ahead log short, off the requests' path (see `Database::checkpoint`).
async fn checkpoint_loop(db: app::platform::Database) {
    if db.backend() != app::platform::Backend::Sqlite {
        return;
    }
    let mut every = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        every.tick().await;
        if db.pool().is_closed() {
            return; // shutting down
        }
        if let Err(err) = db.checkpoint().await {
            tracing::warn!(error = %err, "SQLite checkpoint failed; retrying");
        }
    }
}

/// Deletes security events older than the retention, at start and then once a day.
async fn security_log_retention(db: app::platform::Database, days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
    loop {
        every.tick().await;
        if db.pool().is_closed() {
            return; // shutting down
        }
        let cutoff = app::platform::clock::timestamp_text(
            time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(days)),
        );
        let purged = async {
            let mut conn = db.conn().await?;
            app::security_log::queries::purge_before(&mut conn, &cutoff).await
        };
        match purged.await {
            Ok(0) => {}
            Ok(purged) => {
                tracing::info!(purged, days, "security events past their retention deleted")
            }
            Err(err) => {
                tracing::warn!(error = %err, "deleting old security events failed; retrying tomorrow")
            }
        }
    }
}

/// Takes up registry changes whose coverage nobody has decided again yet (their importer stopped
/// first), shared with every other server process on the database (see `app::coverage::queue`).
async fn coverage_worker(db: app::platform::Database, window_days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        every.tick().await;
        if db.pool().is_closed() {
            return; // shutting down
        }
        match app::coverage::queue::run_pending(&db, window_days).await {
            Ok(done) => {
                for (change_id, recomputed) in done {
                    tracing::info!(
                        change_id,
                        devices = recomputed.devices,
                        changed = recomputed.changed,
                        "coverage decided again after a registry change"
                    );
                }
            }
            Err(err) => tracing::warn!(error = %err, "coverage worker failed; retrying"),
        }
    }
}

/// A write past the process's file size limit (`ulimit -f`) must fail that write, and the
/// request with it, not stop the server: SIGXFSZ is caught (the write then reports EFBIG).
#[cfg(unix)]
async fn survive_file_size_limit() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::from_raw(libc::SIGXFSZ)) {
        Ok(mut limit_reached) => {
            while limit_reached.recv().await.is_some() {
                tracing::error!("a file reached the file size limit; that write failed");
            }
        }
        Err(err) => tracing::warn!("cannot catch SIGXFSZ: {err}"),
    }
}
