//! Test helpers: fresh databases on both backends and an in-process client for the router.

pub mod cli;
pub mod library;
pub mod passkey_device;
pub mod people;
pub mod registry;
pub mod uploads;

use std::path::{Path, PathBuf};

use std::sync::Arc;

use app::{
    library::filter::percent_encode,
    platform::{db::PoolSettings, AppState, Database, Settings},
};
use axum::http::StatusCode;
use axum::{
    body::{Body, Bytes},
    http::{Request, Response},
    Router,
};
use http_body_util::BodyExt;
use leptos::server_fn::{ContentType, Http, ServerFn};
use serde::{de::DeserializeOwned, Serialize};
use tower::ServiceExt;

/// Where the test app says it lives (links in emails start with it).
pub const PUBLIC_URL: &str = "http://netcare.test";

/// The PostgreSQL server the test command starts; each test creates its own database in it.
pub const POSTGRES_URL_VAR: &str = "NETCARE_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares, for each async fn `name(backend)`, the tests `name::sqlite` and `name::postgres`.
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await
            }
        }
    )*};
}
pub(crate) use both_databases;

/// Tests of something only PostgreSQL has (statement timeouts, its error codes): one test each,
/// `name::postgres`.
macro_rules! postgres_only {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await
            }
        }
    )*};
}
pub(crate) use postgres_only;

/// Tests in which the database is only the router's plumbing (static files, headers): run once,
/// on SQLite, as `name::any_database`.
macro_rules! no_database {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn any_database() {
                super::$name($crate::support::Backend::Sqlite).await
            }
        }
    )*};
}
pub(crate) use no_database;

/// A migrated, empty database that lives as long as the value.
pub struct TestDb {
    pub db: Database,
    /// The URL the database was opened with, for running the `netcare` binary against it.
    pub url: String,
    _dir: tempfile::TempDir,
}

impl TestDb {
    pub async fn fresh(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match backend {
            Backend::Sqlite => dir.path().join("netcare.db").display().to_string(),
            Backend::Postgres => fresh_postgres_database().await,
        };
        let db = Database::connect(&url, &PoolSettings::default())
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        Self { db, url, _dir: dir }
    }

    pub fn dir(&self) -> &Path {
        self._dir.path()
    }
}

/// A new, empty (unmigrated) PostgreSQL database on the test server.
pub async fn fresh_postgres_database() -> String {
    let server = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set: run the tests with scripts/test.sh, which starts a \
             PostgreSQL server, or point it at one (postgres://user@host:port/postgres)"
        )
    });
    let name = format!("netcare_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::any::install_default_drivers();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&server)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let (base, _) = server
        .rsplit_once('/')
        .expect("postgres URL with a database");
    format!("{base}/{name}")
}

/// The router over a fresh database, driven in-process.
pub struct TestApp {
    pub test_db: TestDb,
    pub state: AppState,
    pub router: Router,
    pub site_dir: PathBuf,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        Self::with_settings(backend, |_| {}).await
    }

    /// The app with some settings changed from the defaults.
    pub async fn with_settings(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Self {
        let test_db = TestDb::fresh(backend).await;
        let site_dir = test_db.dir().join("site");
        std::fs::create_dir_all(&site_dir).unwrap();
        for bundle in app::bundles::Bundle::ALL {
            std::fs::write(
                site_dir.join(bundle.page()),
                "<!DOCTYPE html><title>NetCare test shell</title>",
            )
            .unwrap();
        }
        let mut settings = Settings::new(PUBLIC_URL);
        configure(&mut settings);
        let state = AppState {
            db: test_db.db.clone(),
            settings: Arc::new(settings),
        };
        let site = netcare_server::router::SiteOptions {
            site_dir: site_dir.clone(),
            dev_mailbox: true,
        };
        let router = netcare_server::router(state.clone(), site);
        Self {
            test_db,
            state,
            router,
            site_dir,
        }
    }

    pub fn db(&self) -> &Database {
        &self.test_db.db
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("router is infallible")
    }

    pub async fn get(&self, path: &str) -> Response<Body> {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// Calls a server function the way the browser does (POST from the app's own page,
    /// form-encoded arguments), without a session.
    pub async fn call_server_fn(&self, path: &str, form_body: &str) -> Response<Body> {
        self.send(server_fn_request(path, form_body, None)).await
    }
}

pub async fn body_bytes(response: Response<Body>) -> Bytes {
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
}

pub async fn body_text(response: Response<Body>) -> String {
    String::from_utf8(body_bytes(response).await.to_vec()).expect("utf-8 body")
}

/// Loads the small registry of `registry_import::full_registry` (two companies, two sites, two
/// contracts, three lines, one associated account).
pub async fn seed_small_registry(db: &Database) {
    crate::support::registry::import(db, crate::support::registry::full_registry())
        .await
        .expect("seed registry");
}

/// A server-function request as NetCare's own page sends it.
pub fn server_fn_request(path: &str, form_body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header("host", "netcare.test")
        .header("origin", PUBLIC_URL)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(form_body.to_owned())).unwrap()
}

/// Form-encodes server-function arguments.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser's view of the app: keeps the session cookie between calls.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self { app, cookie: None }
    }

    /// Calls server function `F` with typed arguments, encoded as the browser's client encodes
    /// them, and decodes its answer: the value on 200, else the status and the function's error.
    pub async fn run<F>(&mut self, args: F) -> Result<F::Output, (StatusCode, F::Error)>
    where
        F: ServerFn + Serialize,
        F::Protocol: ArgumentEncoding,
        F::Output: DeserializeOwned,
        F::Error: DeserializeOwned,
    {
        let (status, body) = if F::Protocol::JSON {
            self.call_json(F::PATH, serde_json::to_value(&args).unwrap())
                .await
        } else {
            let encoded = serde_qs::to_string(&args).unwrap();
            let request = server_fn_request(F::PATH, &encoded, self.cookie.as_deref());
            self.send(request).await
        };
        if status == StatusCode::OK {
            Ok(serde_json::from_value(body.clone())
                .unwrap_or_else(|e| panic!("{}: {e} in {body}", F::PATH)))
        } else {
            let error = serde_json::from_value(body.clone())
                .unwrap_or_else(|e| panic!("{} ({status}): {e} in {body}", F::PATH));
            Err((status, error))
        }
    }

    /// Calls a server function; returns the status and the JSON body, and keeps any new cookie.
    pub async fn call(
        &mut self,
        path: &str,
        args: &[(&str, &str)],
    ) -> (axum::http::StatusCode, serde_json::Value) {
        let request = server_fn_request(path, &form(args), self.cookie.as_deref());
        self.send(request).await
    }

    /// Calls a server function whose arguments are JSON-encoded.
    pub async fn call_json(
        &mut self,
        path: &str,
        args: serde_json::Value,
    ) -> (axum::http::StatusCode, serde_json::Value) {
        let mut request = server_fn_request(path, &args.to_string(), self.cookie.as_deref());
        request
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        self.send(request).await
    }

    async fn send(
        &mut self,
        request: Request<Body>,
    ) -> (axum::http::StatusCode, serde_json::Value) {
        let response = self.app.send(request).await;
        let status = response.status();
        if let Some(set) = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            self.cookie = if pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        let text = body_text(response).await;
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        (status, json)
    }
}

/// How a server function's arguments travel: JSON, or a URL-encoded form (the default).
pub trait ArgumentEncoding {
    const JSON: bool;
}

impl<Input: ContentType, Output> ArgumentEncoding for Http<Input, Output> {
    const JSON: bool = matches!(Input::CONTENT_TYPE.as_bytes(), b"application/json");
}
