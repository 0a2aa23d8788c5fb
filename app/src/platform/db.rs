//! One pool for both databases, through sqlx's `Any` driver, so every query is written once with
//! portable SQL and `$1` placeholders. Timestamps are stored as RFC 3339 UTC text and dates as
//! `YYYY-MM-DD` text: both sort and compare correctly as text on SQLite and PostgreSQL alike.

use std::{path::PathBuf, str::FromStr, time::Duration};

use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
    AnyPool, ConnectOptions, Executor,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend an open connection talks to.
    pub fn of_connection(conn: &sqlx::AnyConnection) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// Which backend a database URL names. A bare path (`netcare.db`) means a SQLite file.
    pub fn of_url(url: &str) -> Result<Self, DbUrlError> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme);
        match scheme {
            Some("sqlite") => Ok(Backend::Sqlite),
            Some("postgres" | "postgresql") => Ok(Backend::Postgres),
            Some(other) if !other.contains(['/', '\\', '.']) && other.len() > 1 => {
                Err(DbUrlError::UnsupportedScheme(other.to_owned()))
            }
            _ => Ok(Backend::Sqlite),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbUrlError {
    #[error("unsupported database URL scheme `{0}:` (use sqlite:// or postgres://)")]
    UnsupportedScheme(String),
}

/// How the pool is sized and how long a connection may be waited for.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// PostgreSQL cancels a statement that runs longer (`statement_timeout`); SQLite has none.
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    options: AnyConnectOptions,
    /// The SQLite database file, for [`Database::sqlite_reader`].
    sqlite_file: Option<PathBuf>,
    /// Run on every new connection (see `session_settings`).
    session_sql: String,
}

impl Database {
    /// Connects (creating a missing SQLite file) and applies the connection settings each backend
    /// needs. Does not migrate: call [`Database::migrate`].
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, ConnectError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = normalise_url(url, backend);
        let sqlite_file = match backend {
            Backend::Sqlite => Some(sqlite_file_of(&url)?),
            Backend::Postgres => None,
        };
        // Statements are traced at debug level only; a slow one is a warning (bulk imports send
        // statements of thousands of values, so the threshold is generous).
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(tracing::log::LevelFilter::Debug)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(10));
        // WAL with checkpoints off the commit path (see `checkpoint`), a generous busy timeout
        // for writers queued behind a large upload, and a bounded log file.
        let session_sql = session_settings(backend, settings.statement_timeout);
        let pool_session_sql = session_sql.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // One writer at a time is SQLite's nature; readers share WAL snapshots.
                Backend::Sqlite => settings.max_connections.min(8),
                Backend::Postgres => settings.max_connections,
            })
            .acquire_timeout(settings.acquire_timeout)
            // A connection whose transaction could not be rolled back (the disk filled up
            // mid-write) is closed, never lent again still inside it.
            .after_release(|conn, _meta| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) })
            })
            .after_connect(move |conn, _meta| {
                let sql = pool_session_sql.clone();
                Box::pin(async move {
                    conn.execute(sql.as_str()).await?;
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await?;
        Ok(Self {
            pool,
            backend,
            options,
            sqlite_file,
            session_sql,
        })
    }

    /// A connection of its own, outside the pool, for a long job's side reads (an upload decides
    /// coverage on one while its transaction writes on a pooled one). Not from the pool, so a job
    /// holding a pooled connection can never wait for a second one that queued writers hold.
    pub async fn dedicated_connection(&self) -> Result<sqlx::AnyConnection, sqlx::Error> {
        let mut conn = self.options.connect().await?;
        conn.execute(self.session_sql.as_str()).await?;
        Ok(conn)
    }

    /// On SQLite, a read-only connection straight through SQLite's C API, for reading millions of
    /// rows at once (recomputing a company's coverage): sqlx's SQLite driver hands each row to the
    /// async side through a channel, which measured 7 µs a row against SQLite's own 0.3 µs. It
    /// blocks: use it on a blocking thread. `None` on PostgreSQL.
    pub fn sqlite_reader(&self) -> Option<Result<rusqlite::Connection, rusqlite::Error>> {
        let file = self.sqlite_file.as_ref()?;
        Some(
            rusqlite::Connection::open_with_flags(
                file,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .and_then(|conn| {
                conn.busy_timeout(Duration::from_secs(30))?;
                Ok(conn)
            }),
        )
    }

    /// Applies pending migrations, once even when several processes start at once: on PostgreSQL
    /// sqlx holds an advisory lock meanwhile; on SQLite (where sqlx takes no lock) the processes
    /// take turns on an exclusive lock of the file `<database>.migrate-lock` beside it.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => {
                let _turn = match &self.sqlite_file {
                    Some(file) => Some(migration_lock(file).await?),
                    None => None,
                };
                SQLITE_MIGRATIONS.run(&self.pool).await
            }
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// A transaction that will write. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`), so a transaction that reads then writes never fails half-way on a lock.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A connection from the pool, for reads and single statements.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.pool.acquire().await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Copies the SQLite write-ahead log into the database without blocking anyone (a no-op on
    /// PostgreSQL). Connections do not checkpoint on commit (`wal_autocheckpoint = 0`), so a big
    /// upload's commit does not wait for it: the server calls this every few seconds instead.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A failure reading the SQLite file through [`Database::sqlite_reader`] (or of the blocking
/// thread doing it), reported like the pooled driver's I/O errors.
pub fn sqlite_read_failure(err: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(err))
}

/// What every connection is set up with. SQLite: WAL with checkpoints off the commit path (see
/// `checkpoint`), a generous busy timeout for writers queued behind a large upload, a bounded log
/// file. PostgreSQL: a statement timeout, so a runaway query cannot hold a connection forever.
fn session_settings(backend: Backend, statement_timeout: Duration) -> String {
    match backend {
        // The busy timeout first: switching to WAL waits for another process opening the file.
        Backend::Sqlite => "PRAGMA busy_timeout = 30000; \
                            PRAGMA journal_mode = WAL; \
                            PRAGMA synchronous = NORMAL; \
                            PRAGMA wal_autocheckpoint = 0; \
                            PRAGMA journal_size_limit = 67108864; \
                            PRAGMA foreign_keys = ON;"
            .to_owned(),
        // No JIT: it compiles any statement estimated costly, and ours are short reads whose
        // estimates can be far off (a walk over serial ranges paid 30-100 ms compiling).
        Backend::Postgres => format!(
            "SET statement_timeout = {}; SET jit = off",
            statement_timeout.as_millis().max(1)
        ),
    }
}

/// Turns the forms people type into URLs sqlx accepts: a bare path becomes `sqlite://path`, and
/// SQLite files are created when missing.
fn normalise_url(url: &str, backend: Backend) -> String {
    if backend == Backend::Postgres {
        return url.to_owned();
    }
    let mut url = if url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}")
    };
    if !url.contains("mode=") && !url.contains(":memory:") {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("mode=rwc");
    }
    url
}

/// Waits for, then holds (until dropped), the exclusive lock on the file beside the database.
async fn migration_lock(
    database: &std::path::Path,
) -> Result<std::fs::File, sqlx::migrate::MigrateError> {
    let mut name = database.as_os_str().to_owned();
    name.push(".migrate-lock");
    let path = PathBuf::from(name);
    let locked = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))
    .and_then(|r| r.map_err(sqlx::Error::Io))?;
    Ok(locked)
}

/// The file a (normalised) SQLite URL names. An in-memory database is refused: each pooled
/// connection would see a different, empty one.
fn sqlite_file_of(url: &str) -> Result<PathBuf, ConnectError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    if path.is_empty() || path.contains(":memory:") {
        return Err(ConnectError::InMemory);
    }
    Ok(PathBuf::from(path))
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Url(#[from] DbUrlError),
    #[error("could not open the database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error(
        "an in-memory SQLite database cannot be shared by the server's connections: name a file"
    )]
    InMemory,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_paths_and_sqlite_urls_are_sqlite() {
        assert_eq!(Backend::of_url("netcare.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::of_url("./data/netcare.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::of_url("/var/lib/netcare.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(Backend::of_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("sqlite::memory:").unwrap(), Backend::Sqlite);
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        let file = |url: &str| sqlite_file_of(&normalise_url(url, Backend::Sqlite));
        assert_eq!(file("netcare.db").unwrap(), PathBuf::from("netcare.db"));
        assert_eq!(
            file("/var/lib/n.db").unwrap(),
            PathBuf::from("/var/lib/n.db")
        );
        assert_eq!(
            file("sqlite:///var/lib/n.db?mode=rw").unwrap(),
            PathBuf::from("/var/lib/n.db")
        );
        assert_eq!(
            file("sqlite:data/n.db").unwrap(),
            PathBuf::from("data/n.db")
        );
        assert!(matches!(
            file("sqlite::memory:"),
            Err(ConnectError::InMemory)
        ));
    }

    #[test]
    fn postgres_urls_are_postgres() {
        assert_eq!(
            Backend::of_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(matches!(
            Backend::of_url("mysql://u@h/db"),
            Err(DbUrlError::UnsupportedScheme(s)) if s == "mysql"
        ));
    }

    #[test]
    fn sqlite_files_are_created_when_missing() {
        assert_eq!(
            normalise_url("netcare.db", Backend::Sqlite),
            "sqlite://netcare.db?mode=rwc"
        );
        assert_eq!(
            normalise_url("sqlite://x.db?cache=shared", Backend::Sqlite),
            "sqlite://x.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            normalise_url("sqlite://x.db?mode=ro", Backend::Sqlite),
            "sqlite://x.db?mode=ro"
        );
    }
}

/// A flag read from either database: SQLite stores flags as INTEGER 0/1 (sqlx's `Any` driver cannot
/// read SQLite's BOOLEAN declaration), PostgreSQL as BOOLEAN. Bind plain `bool` when writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DbBool(pub bool);

impl sqlx::Type<sqlx::Any> for DbBool {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <bool as sqlx::Type<sqlx::Any>>::compatible(ty)
            || <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for DbBool {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <bool as sqlx::Decode<sqlx::Any>>::decode(value.clone()) {
            Ok(flag) => Ok(DbBool(flag)),
            Err(_) => <i64 as sqlx::Decode<sqlx::Any>>::decode(value).map(|n| DbBool(n != 0)),
        }
    }
}
