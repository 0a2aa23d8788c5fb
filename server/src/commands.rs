//! The command-line subcommands other than serving.

use std::{path::Path, time::Instant};

use app::registry::import::{
    import_registry, ChangeOrigin, ImportError, ImportReport, ImportSource,
};
use time::{macros::format_description, Date};

use crate::{
    config::{DemoOptions, GlobalOptions},
    demo,
    serve::{open_database, StartError},
};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("{}", describe_import_error(.0))]
    Import(#[from] ImportError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the generated files: {0}")]
    Io(#[from] std::io::Error),
}

fn describe_import_error(err: &ImportError) -> String {
    match err {
        ImportError::Invalid(rows) => {
            let mut text = format!("{err}:");
            for row in rows {
                text.push_str("\n  ");
                text.push_str(&row.to_string());
            }
            if rows.len() >= app::registry::import::MAX_REPORTED_ERRORS {
                text.push_str("\n  (only the first errors are shown)");
            }
            text
        }
        other => other.to_string(),
    }
}

pub async fn registry_import(
    global: &GlobalOptions,
    dir: &Path,
    actor: Option<String>,
) -> Result<(), CommandError> {
    let actor = actor.unwrap_or_else(login_name);
    let source = ImportSource::from_dir(dir)?;
    let db = open_database(global).await?;
    let started = Instant::now();
    let outcome = import_registry(&db, source, ChangeOrigin::CommandLine, &actor).await;
    let report = match outcome {
        Ok(report) => report,
        Err(err) => {
            db.close().await;
            return Err(err.into());
        }
    };
    print_report(&format!("Imported {}", dir.display()), &report, started);
    // Coverage follows the registry (with the default expiring window; a server started with
    // another --expiring-days applies its own on the next refresh).
    let window = app::platform::Settings::new("http://localhost").expiring_window_days;
    let recomputed = app::coverage::queue::recompute_now(&db, report.change_id, window).await;
    db.close().await;
    match recomputed.map_err(|err| {
        CommandError::Usage(format!(
            "coverage recompute failed: {err} (a running server will take it up)"
        ))
    })? {
        Some(recomputed) => println!(
            "Coverage decided again for {} devices the change touched ({} changed).",
            recomputed.devices, recomputed.changed
        ),
        None => println!("A running server is deciding coverage again for this change."),
    }
    Ok(())
}

/// Decides again the coverage a registry change touched (nothing, on a new database), so the
/// change is not left for a server's worker.
async fn decide_coverage_again(
    db: &app::platform::Database,
    change_id: i64,
) -> Result<(), CommandError> {
    let window = app::platform::Settings::new("http://localhost").expiring_window_days;
    app::coverage::queue::recompute_now(db, change_id, window)
        .await
        .map_err(|err| CommandError::Usage(format!("coverage recompute failed: {err}")))?;
    Ok(())
}

pub async fn demo(global: &GlobalOptions, options: &DemoOptions) -> Result<(), CommandError> {
    let db = open_database(global).await?;
    let outcome = load_demo(&db, options).await;
    db.close().await;
    outcome
}

async fn load_demo(
    db: &app::platform::Database,
    options: &DemoOptions,
) -> Result<(), CommandError> {
    if options.if_empty
        && !app::registry::queries::registry_stats(db.pool())
            .await
            .map_err(ImportError::from)?
            .is_empty()
    {
        println!("The registry already holds data; demo data not loaded.");
        return Ok(());
    }
    let started = Instant::now();
    let Some(devices) = options.devices else {
        let today = match &options.today {
            Some(text) => Date::parse(text, format_description!("[year]-[month]-[day]"))
                .map_err(|_| CommandError::Usage(format!("--today {text}: expected YYYY-MM-DD")))?,
            None => time::OffsetDateTime::now_utc().date(),
        };
        let report = import_registry(
            db,
            demo::walkthrough::source(today),
            ChangeOrigin::Demo,
            "netcare demo",
        )
        .await?;
        print_report("Loaded the walk-through demo registry", &report, started);
        decide_coverage_again(db, report.change_id).await?;
        let created = demo::accounts::create(db)
            .await
            .map_err(|e| CommandError::Usage(e.to_string()))?;
        println!(
            "Demo accounts ({created} created now), all with the password \"{}\":",
            demo::accounts::PASSWORD
        );
        for (username, _, email, _, what) in demo::accounts::ACCOUNTS {
            println!("  {username:<12} {email:<32} {what}");
        }
        println!(
            "Agents must use two-step sign-in: add the demo agents' key \"{}\" to an \
             authenticator app.",
            demo::accounts::AGENT_TOTP_KEY
        );
        return Ok(());
    };
    let temp;
    let dir = match &options.out {
        Some(dir) => dir.as_path(),
        None => {
            temp =
                std::env::temp_dir().join(format!("netcare-demo-{}-{devices}", std::process::id()));
            temp.as_path()
        }
    };
    let generated = demo::large::write_registry(dir, devices)?;
    println!(
        "Generated {} contract lines on {} contracts of {} companies in {} ({:.1} s)",
        generated.lines,
        generated.contracts,
        generated.companies,
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    let alerts_dir = dir.join("alerts");
    let alerts = demo::large_alerts::write_alerts(&alerts_dir)?;
    let written: Vec<String> = alerts
        .iter()
        .map(|(file, rows)| format!("{rows} {}", file.file_name()))
        .collect();
    println!(
        "Generated product alerts in {}: {}",
        alerts_dir.display(),
        written.join(", ")
    );
    if let Some(path) = &options.inventory {
        demo::large::write_inventory(path, devices)?;
        println!(
            "Wrote a matching inventory of {devices} devices to {}",
            path.display()
        );
    }
    if options.no_import {
        return Ok(());
    }
    let started = Instant::now();
    let report = import_registry(
        db,
        ImportSource::from_dir(dir)?,
        ChangeOrigin::Demo,
        "netcare demo",
    )
    .await?;
    print_report("Imported the generated registry", &report, started);
    decide_coverage_again(db, report.change_id).await?;
    let started = Instant::now();
    let report = import_registry(
        db,
        ImportSource::from_dir(&alerts_dir)?,
        ChangeOrigin::Demo,
        "netcare demo",
    )
    .await?;
    print_report("Imported the generated product alerts", &report, started);
    if options.out.is_none() {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}

/// A consistent online copy of a SQLite database (`VACUUM INTO`: one read transaction, so
/// writers go on meanwhile and the copy is the database as of its start, compacted).
pub async fn backup(global: &GlobalOptions, file: &Path) -> Result<(), CommandError> {
    if file.exists() {
        return Err(CommandError::Usage(format!(
            "{} already exists; give a new file name",
            file.display()
        )));
    }
    let db = open_database(global).await?;
    if db.backend() != app::platform::Backend::Sqlite {
        db.close().await;
        return Err(CommandError::Usage(
            "netcare backup copies SQLite databases; for PostgreSQL use pg_dump -Fc (see the README)"
                .into(),
        ));
    }
    let started = Instant::now();
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(file.display().to_string())
        .execute(db.pool())
        .await;
    db.close().await;
    copied.map_err(|err| CommandError::Usage(format!("the backup failed: {err}")))?;
    let bytes = std::fs::metadata(file)?.len();
    println!(
        "Backed up the database to {} ({:.1} MB) in {:.1} s.",
        file.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn migrate_to_postgres(from: &str, to: &str) -> Result<(), CommandError> {
    let started = Instant::now();
    let report = crate::migrate_to_postgres::run(from, to)
        .await
        .map_err(|err| CommandError::Usage(err.to_string()))?;
    let rows: u64 = report.tables.iter().map(|(_, rows)| rows).sum();
    println!(
        "Copied {rows} rows of {} tables to PostgreSQL in {:.1} s; row counts and the coverage of {} companies match.",
        report.tables.len(),
        started.elapsed().as_secs_f64(),
        report.companies_compared
    );
    for (table, rows) in &report.tables {
        println!("  {table:<24} {rows}");
    }
    Ok(())
}

pub async fn account_set_disabled(
    global: &GlobalOptions,
    login: &str,
    disabled: bool,
) -> Result<(), CommandError> {
    let db = open_database(global).await?;
    let outcome = app::accounts::service::set_disabled(&db, login, disabled).await;
    db.close().await;
    match outcome {
        Ok(Some(id)) if disabled => {
            println!("Disabled account #{id} ({login}); its sessions have ended.");
            Ok(())
        }
        Ok(Some(id)) => {
            println!("Enabled account #{id} ({login}).");
            Ok(())
        }
        Ok(None) => Err(CommandError::Usage(format!("no account is named {login}"))),
        Err(err) => Err(CommandError::Usage(err.to_string())),
    }
}

/// The security log as CSV on standard output, read in batches (it can be long).
pub async fn security_log(
    global: &GlobalOptions,
    company: Option<&str>,
    since: Option<&str>,
) -> Result<(), CommandError> {
    use app::security_log::{queries, SecurityLogFilter};
    let since = since.unwrap_or("").trim();
    let checked = SecurityLogFilter {
        since: since.to_owned(),
        ..SecurityLogFilter::default()
    }
    .checked()
    .map_err(|err| CommandError::Usage(err.to_string()))?;
    let db = open_database(global).await?;
    let outcome = async {
        let mut out = csv::Writer::from_writer(std::io::stdout().lock());
        out.write_record([
            "id",
            "at",
            "company_id",
            "account_id",
            "actor",
            "kind",
            "detail",
            "client_address",
        ])?;
        let mut conn = db.conn().await.map_err(std::io::Error::other)?;
        let mut after = 0;
        loop {
            let batch = queries::all_events(&mut conn, company, &checked.since, after, 5000)
                .await
                .map_err(std::io::Error::other)?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            for event in &batch {
                let account = event
                    .account_id
                    .map(|id| id.to_string())
                    .unwrap_or_default();
                out.write_record([
                    event.id.to_string().as_str(),
                    event.at.as_str(),
                    event.company_id.as_deref().unwrap_or(""),
                    account.as_str(),
                    app::inventory::spreadsheet_safe(&event.actor).as_ref(),
                    event.kind.as_str(),
                    app::inventory::spreadsheet_safe(&event.detail).as_ref(),
                    event.client_address.as_str(),
                ])?;
            }
        }
        out.flush()?;
        Ok::<_, std::io::Error>(())
    }
    .await;
    db.close().await;
    Ok(outcome?)
}

pub async fn agent_add(
    global: &GlobalOptions,
    username: &str,
    name: &str,
    email: &str,
) -> Result<(), CommandError> {
    let password = match std::env::var("NETCARE_AGENT_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let db = open_database(global).await?;
    let outcome = app::accounts::service::create_verified_account(
        &db, username, name, email, &password, true,
    )
    .await;
    db.close().await;
    match outcome {
        Ok(Some(id)) => {
            println!("Created agent account #{id} ({username}, {email}).");
            Ok(())
        }
        Ok(None) => Err(CommandError::Usage(format!(
            "an account with the username {username} or the email {email} already exists"
        ))),
        Err(app::accounts::AccountError::Invalid(fields)) => Err(CommandError::Usage(
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("\n"),
        )),
        Err(other) => Err(CommandError::Usage(other.to_string())),
    }
}

pub async fn token_create(
    global: &GlobalOptions,
    company_id: &str,
    name: &str,
    expires_days: Option<u32>,
    scope: app::inventory::TokenScope,
) -> Result<(), CommandError> {
    let db = open_database(global).await?;
    let state = app::platform::AppState {
        db: db.clone(),
        settings: std::sync::Arc::new(app::platform::Settings::new("http://localhost")),
    };
    let outcome = async {
        let mut conn = db.pool().acquire().await.map_err(|e| e.to_string())?;
        if !app::inventory::queries::tokens::company_exists(&mut conn, company_id)
            .await
            .map_err(|e| e.to_string())?
        {
            return Err(format!(
                "no company with the id {company_id} in the registry"
            ));
        }
        drop(conn);
        app::inventory::tokens::create(&state, company_id, None, name, expires_days, scope)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    db.close().await;
    let (token, secret) = outcome.map_err(CommandError::Usage)?;
    eprintln!(
        "Created collector token #{} \"{}\" ({}) for {company_id}. It is shown only now:",
        token.id,
        token.name,
        token.scope.label().to_lowercase()
    );
    println!("{secret}");
    Ok(())
}

fn print_report(title: &str, report: &ImportReport, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{title} as registry change #{} in {seconds:.2} s:",
        report.change_id
    );
    for file in &report.files {
        println!(
            "  {:<22} {:>9} rows, {:>9} new or changed, {:>9} unchanged",
            file.file.file_name(),
            file.rows,
            file.changed,
            file.rows.saturating_sub(file.changed)
        );
    }
}

fn login_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "operator".to_owned())
}
