//! `netcare db migrate-to-postgres`: copies a SQLite deployment into an empty PostgreSQL database
//! in one transaction, then checks the copy before committing it: every table's row count, and
//! every company's coverage (devices by status). Anything wrong, and the target is left as it
//! was. Both databases are first brought to this version's schema.

use std::collections::{BTreeMap, BTreeSet};

use app::platform::{db::PoolSettings, Backend, Database};
use rusqlite::types::Value;
use sqlx::{Connection, PgConnection, Postgres};

/// Rows read and inserted at a time.
const BATCH_ROWS: usize = 1000;
/// PostgreSQL binds at most 65,535 parameters a statement.
const MAX_PARAMETERS: usize = 60_000;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("--from must be a SQLite database and --to a PostgreSQL one")]
    WrongBackends,
    #[error("cannot open {which}: {message}")]
    Open {
        which: &'static str,
        message: String,
    },
    #[error("the target database already holds data (table {0}); it must be empty")]
    NotEmpty(String),
    #[error("reading the SQLite database failed: {0}")]
    Read(#[from] rusqlite::Error),
    #[error("writing to PostgreSQL failed: {0}")]
    Write(#[from] sqlx::Error),
    #[error("the copy does not match (nothing was kept): {0}")]
    Mismatch(String),
}

/// What was copied: rows per table, in copy order.
#[derive(Debug)]
pub struct Report {
    pub tables: Vec<(String, u64)>,
    pub companies_compared: usize,
}

async fn open(url: &str, which: &'static str, backend: Backend) -> Result<Database, MigrateError> {
    let failed = |message: String| MigrateError::Open { which, message };
    let db = Database::connect(url, &PoolSettings::default())
        .await
        .map_err(|e| failed(e.to_string()))?;
    if db.backend() != backend {
        return Err(MigrateError::WrongBackends);
    }
    db.migrate().await.map_err(|e| failed(e.to_string()))?;
    Ok(db)
}

pub async fn run(from: &str, to: &str) -> Result<Report, MigrateError> {
    let source = open(from, "the SQLite database", Backend::Sqlite).await?;
    let target = open(to, "the PostgreSQL database", Backend::Postgres).await?;
    source.checkpoint().await?;
    target.close().await;
    let reader = source
        .sqlite_reader()
        .ok_or(MigrateError::WrongBackends)??;
    let tables = tables_in_dependency_order(&reader)?;
    let mut pg = PgConnection::connect(to).await?;
    let mut tx = pg.begin().await?;
    for table in &tables {
        let exists: bool = sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {table})"))
            .fetch_one(&mut *tx)
            .await?;
        if exists {
            return Err(MigrateError::NotEmpty(table.clone()));
        }
    }
    let mut copied = Vec::new();
    for table in &tables {
        let rows = copy_table(&reader, &mut tx, table).await?;
        copied.push((table.clone(), rows));
    }
    verify_counts(&reader, &mut tx, &copied).await?;
    let companies_compared = verify_coverage(&reader, &mut tx).await?;
    tx.commit().await?;
    source.close().await;
    Ok(Report {
        tables: copied,
        companies_compared,
    })
}

/// The application's tables, each after the tables its foreign keys point to. SQLite's own
/// search index (`device_search`, a virtual table, and its shadow tables) stays behind: on
/// PostgreSQL the same search is served by indexes of `devices`, built as its rows arrive.
fn tables_in_dependency_order(conn: &rusqlite::Connection) -> Result<Vec<String>, MigrateError> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut needs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in &names {
        let parents: BTreeSet<String> = conn
            .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([name], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        needs.insert(
            name.clone(),
            parents.into_iter().filter(|p| p != name).collect(),
        );
    }
    let mut ordered = Vec::new();
    while !needs.is_empty() {
        let ready: Vec<String> = needs
            .iter()
            .filter(|(_, parents)| parents.iter().all(|p| ordered.contains(p)))
            .map(|(name, _)| name.clone())
            .collect();
        if ready.is_empty() {
            return Err(MigrateError::Mismatch(format!(
                "circular foreign keys among {:?}",
                needs.keys().collect::<Vec<_>>()
            )));
        }
        for name in ready {
            needs.remove(&name);
            ordered.push(name);
        }
    }
    Ok(ordered)
}

/// A PostgreSQL column: name, type, whether it is an identity column.
type PgColumn = (String, String, String);

async fn copy_table(
    reader: &rusqlite::Connection,
    tx: &mut sqlx::Transaction<'_, Postgres>,
    table: &str,
) -> Result<u64, MigrateError> {
    let pg_columns: Vec<PgColumn> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_identity::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await?;
    let sqlite_columns: BTreeSet<String> = reader
        .prepare("SELECT name FROM pragma_table_info(?1)")?
        .query_map([table], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let columns: Vec<&PgColumn> = pg_columns
        .iter()
        .filter(|(name, _, _)| sqlite_columns.contains(name))
        .collect();
    let names: Vec<&str> = columns.iter().map(|(name, _, _)| name.as_str()).collect();
    let overriding = if columns.iter().any(|(_, _, identity)| identity == "YES") {
        "OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    let batch = BATCH_ROWS.min(MAX_PARAMETERS / names.len().max(1));
    let select = format!(
        "SELECT rowid, {} FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT {batch}",
        names.join(", ")
    );
    let mut after = i64::MIN;
    let mut copied = 0u64;
    loop {
        // Read a batch (the statement ends before anything is awaited), then write it.
        let rows: Vec<(i64, Vec<Value>)> = reader
            .prepare_cached(&select)?
            .query_map([after], |row| {
                let values = (1..=names.len())
                    .map(|i| row.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((row.get(0)?, values))
            })?
            .collect::<Result<_, _>>()?;
        let Some((last, _)) = rows.last() else { break };
        after = *last;
        let mut sql = format!(
            "INSERT INTO {table} ({}) {overriding} VALUES ",
            names.join(", ")
        );
        for (r, _) in rows.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..names.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", r * names.len() + c + 1));
            }
            sql.push(')');
        }
        let mut query = sqlx::query::<Postgres>(&sql);
        for (_, values) in &rows {
            for ((_, data_type, _), value) in columns.iter().zip(values) {
                query = bind(query, data_type, value);
            }
        }
        query.execute(&mut **tx).await?;
        copied += rows.len() as u64;
    }
    // Identity columns continue after the copied ids.
    for (name, _, identity) in &columns {
        if identity == "YES" {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{name}'), MAX({name})) FROM {table} HAVING MAX({name}) IS NOT NULL"
            ))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(copied)
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>;

/// Binds a SQLite value as the PostgreSQL column's type.
fn bind<'q>(query: PgQuery<'q>, data_type: &str, value: &Value) -> PgQuery<'q> {
    let text = || match value {
        Value::Null => None,
        Value::Integer(n) => Some(n.to_string()),
        Value::Real(x) => Some(x.to_string()),
        Value::Text(t) => Some(t.clone()),
        Value::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    };
    match data_type {
        "boolean" => query.bind(match value {
            Value::Null => None,
            Value::Integer(n) => Some(*n != 0),
            _ => text().map(|t| matches!(t.as_str(), "1" | "true" | "t")),
        }),
        "bigint" | "integer" | "smallint" => query.bind(match value {
            Value::Integer(n) => Some(*n),
            _ => text().and_then(|t| t.parse::<i64>().ok()),
        }),
        "double precision" | "real" | "numeric" => query.bind(match value {
            Value::Real(x) => Some(*x),
            Value::Integer(n) => Some(*n as f64),
            _ => text().and_then(|t| t.parse::<f64>().ok()),
        }),
        "bytea" => query.bind(match value {
            Value::Null => None,
            Value::Blob(b) => Some(b.clone()),
            _ => text().map(String::into_bytes),
        }),
        _ => query.bind(text()),
    }
}

async fn verify_counts(
    reader: &rusqlite::Connection,
    tx: &mut sqlx::Transaction<'_, Postgres>,
    copied: &[(String, u64)],
) -> Result<(), MigrateError> {
    for (table, rows) in copied {
        let in_sqlite: i64 =
            reader.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        let in_postgres: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut **tx)
            .await?;
        if in_sqlite != in_postgres || in_postgres as u64 != *rows {
            return Err(MigrateError::Mismatch(format!(
                "{table}: {in_sqlite} rows in SQLite, {in_postgres} in PostgreSQL"
            )));
        }
    }
    Ok(())
}

/// Every company's devices by coverage status and deciding contract, on both sides.
async fn verify_coverage(
    reader: &rusqlite::Connection,
    tx: &mut sqlx::Transaction<'_, Postgres>,
) -> Result<usize, MigrateError> {
    // Sorted here: the two databases may order text differently.
    const COVERAGE: &str = "SELECT company_id, status, COALESCE(contract_number, ''), COUNT(*)
        FROM devices GROUP BY company_id, status, COALESCE(contract_number, '')";
    let mut in_sqlite: Vec<(String, String, String, i64)> = reader
        .prepare(COVERAGE)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut in_postgres: Vec<(String, String, String, i64)> =
        sqlx::query_as(COVERAGE).fetch_all(&mut **tx).await?;
    in_sqlite.sort();
    in_postgres.sort();
    if in_sqlite != in_postgres {
        return Err(MigrateError::Mismatch(
            "the devices' coverage differs between the two databases".into(),
        ));
    }
    Ok(in_sqlite
        .iter()
        .map(|(company, _, _, _)| company)
        .collect::<BTreeSet<_>>()
        .len())
}
