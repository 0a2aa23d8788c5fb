//! The typed configuration: flags with environment fallbacks, each with a default that runs the
//! embedded setup (a SQLite file in the working directory). See `.env.example`.

use std::{fmt, net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "netcare",
    version,
    about = "NetCare: service coverage for network device inventories"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    /// Serving options, used when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeOptions,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app, server functions and API (the default).
    Serve(ServeOptions),
    /// Apply database migrations and exit.
    Migrate,
    /// The vendor's entitlement registry.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Load demo data: the walk-through registry, or a large generated one (--devices).
    Demo(DemoOptions),
    /// Vendor agents (the agents' console).
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// Write a consistent copy of the SQLite database to FILE while NetCare runs (PostgreSQL:
    /// use pg_dump, see the README).
    Backup {
        /// Where to write the copy; must not exist yet.
        file: PathBuf,
    },
    /// Moving a deployment between databases.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// People's accounts (operators): disable or enable one.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Collector tokens (for operators and tests; DAs and Admins use the Collectors page).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print the security log as CSV, oldest first (operators; a company's DAs read theirs on
    /// the Access page).
    SecurityLog {
        /// Only this company's events, e.g. NW-1001.
        #[arg(long)]
        company: Option<String>,
        /// Only events on or after this day (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a collector token for a company and print it (it is not shown again).
    Create {
        /// The company's id in the registry, e.g. NW-1001.
        #[arg(long)]
        company: String,
        /// A name saying which collector uses it.
        #[arg(long)]
        name: String,
        /// Days until it stops working (1 to 730); without it, it works until revoked.
        #[arg(long)]
        expires_days: Option<u32>,
        /// Only for reading (devices, coverage, contracts, uploads): it cannot upload.
        #[arg(long)]
        read_only: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Create a vendor agent account. The password is read from NETCARE_AGENT_PASSWORD or, if
    /// that is not set, from the first line of standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy a SQLite deployment into an empty PostgreSQL database, in one transaction, checked
    /// by every table's row count and every company's coverage before it is committed.
    MigrateToPostgres {
        /// The SQLite database (a path or sqlite://…).
        #[arg(long)]
        from: String,
        /// The PostgreSQL database (postgres://…); created tables must be empty.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Disable an account (by username or email): its open sessions end at once and it cannot
    /// sign in until enabled again. Its company membership and records stay.
    Disable { login: String },
    /// Enable a disabled account again.
    Enable { login: String },
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Load (insert or update) the registry's CSV files from DIR: companies.csv, sites.csv,
    /// contracts.csv, contract_lines.csv, account_contracts.csv (any may be missing). A file with a
    /// bad row is rejected with its line, column and reason, and nothing is applied.
    Import {
        /// Folder holding the CSV files.
        dir: PathBuf,
        /// Who is making the change, recorded with it (default: the login name).
        #[arg(long)]
        actor: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DemoOptions {
    /// Do nothing if the registry already holds companies (for start-up scripts).
    #[arg(long)]
    pub if_empty: bool,
    /// Instead of the walk-through demo, generate a registry of this many contract lines.
    #[arg(long)]
    pub devices: Option<usize>,
    /// With --devices: where to write the generated CSV files (default: a temporary folder).
    #[arg(long, requires = "devices")]
    pub out: Option<PathBuf>,
    /// With --devices: also write a matching inventory CSV (upload template format) here.
    #[arg(long, requires = "devices")]
    pub inventory: Option<PathBuf>,
    /// With --devices: write the files only, do not import them.
    #[arg(long, requires = "devices")]
    pub no_import: bool,
    /// The day the walk-through's dates are relative to (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// Options every subcommand shares.
#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// Database: a SQLite path or URL (sqlite://…) or a PostgreSQL URL (postgres://…).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "netcare.db",
        global = true
    )]
    pub database_url: SecretUrl,
    /// Most connections in the database pool (SQLite uses at most 8).
    #[arg(
        long,
        env = "NETCARE_DB_MAX_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    pub db_max_connections: u32,
    /// PostgreSQL cancels a statement running longer than this (seconds).
    #[arg(
        long,
        env = "NETCARE_DB_STATEMENT_TIMEOUT",
        default_value_t = 60,
        global = true
    )]
    pub db_statement_timeout: u64,
    /// Log filter, e.g. `info` or `netcare_server=debug,sqlx=warn`.
    #[arg(long, env = "NETCARE_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "NETCARE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ServeOptions {
    /// Address and port to listen on.
    #[arg(long, env = "NETCARE_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Folder holding the built browser app (Trunk's output).
    #[arg(long, env = "NETCARE_SITE_DIR", default_value = "dist")]
    pub site_dir: PathBuf,
    /// The address people use to reach NetCare, for links in emails (default: http://BIND).
    /// An https:// address also marks cookies Secure.
    #[arg(long, env = "NETCARE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Show the mail outbox at /dev/mailbox (for local use: it shows every message's links, sign-in
    /// resets included). Served to this machine only; refused with a non-loopback --bind or
    /// --public-url.
    #[arg(long, env = "NETCARE_DEV_MAILBOX")]
    pub dev_mailbox: bool,
    /// A reverse proxy in front of NetCare (an address or a network such as 10.0.0.0/8; repeat
    /// the option, or separate with commas): its Forwarded / X-Forwarded-For header names the
    /// client the sign-in throttles count. Without it, those headers are ignored.
    #[arg(
        long = "trusted-proxy",
        env = "NETCARE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "CIDR"
    )]
    pub trusted_proxies: Vec<app::platform::client_address::Cidr>,
    /// Days the security log keeps an event; older ones are deleted once a day.
    #[arg(long, env = "NETCARE_SECURITY_LOG_DAYS", default_value_t = 400,
          value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub security_log_days: u32,
    #[command(flatten)]
    pub mail: MailOptions,
    #[command(flatten)]
    pub sessions: SessionOptions,
    #[command(flatten)]
    pub uploads: UploadOptions,
}

#[derive(Debug, Clone, Args)]
pub struct UploadOptions {
    /// Uploads a company may make per day (CSV and collectors together).
    #[arg(long, env = "NETCARE_UPLOADS_PER_DAY", default_value_t = 5)]
    pub uploads_per_day: u32,
    /// Uploads refused whole (unreadable, nothing accepted) a company may send per day; they use
    /// no quota, but past this many no file of the company is read until the next day.
    #[arg(long, env = "NETCARE_REFUSED_UPLOADS_PER_DAY", default_value_t = 50)]
    pub refused_uploads_per_day: u32,
    /// Uploads naming mostly serial numbers the registry does not know (at least 50, and 80% of
    /// the devices) a company may send per day: they look like guessing serials to learn whose
    /// contracts cover them. Past it such an upload is refused; each is in the security log.
    #[arg(long, env = "NETCARE_PROBING_UPLOADS_PER_DAY", default_value_t = 3)]
    pub probing_uploads_per_day: u32,
    /// The UTC offset the upload quota's day is counted in, e.g. +02:00 (default: UTC).
    #[arg(long, env = "NETCARE_QUOTA_UTC_OFFSET", default_value = "+00:00", value_parser = parse_utc_offset)]
    pub quota_utc_offset: time::UtcOffset,
    /// The largest upload accepted, in megabytes (bigger bodies are refused before being read).
    #[arg(long, env = "NETCARE_MAX_UPLOAD_MB", default_value_t = 100)]
    pub max_upload_mb: u64,
    /// A covered device whose contract line ends within this many days is shown as expiring.
    #[arg(long, env = "NETCARE_EXPIRING_DAYS", default_value_t = 90)]
    pub expiring_days: u32,
    /// The largest share of a company's inventory, in percent, one replace upload may mark as no
    /// longer seen; a collector sends `force=true` to go further.
    #[arg(long, env = "NETCARE_REPLACE_RETIRE_LIMIT", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    pub replace_retire_limit: u32,
    /// Uploads this process runs at once; more wait up to 10 s for a turn, then get a 503.
    #[arg(long, env = "NETCARE_CONCURRENT_UPLOADS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrent_uploads: u32,
    /// Exports (device CSV/XLSX, the API's whole-inventory stream) this process runs at once; each
    /// holds a database connection while its client reads. More wait up to 10 s, then get a 503.
    #[arg(long, env = "NETCARE_CONCURRENT_EXPORTS", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrent_exports: u32,
}

fn parse_utc_offset(text: &str) -> Result<time::UtcOffset, String> {
    time::UtcOffset::parse(
        text,
        time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
    )
    .map_err(|_| format!("`{text}` is not a UTC offset such as +02:00 or -05:00"))
}

#[derive(Debug, Clone, Args)]
pub struct MailOptions {
    /// SMTP server, e.g. smtp://mail.example:25 or smtps://user:password@mail.example:465.
    /// Without it, mail stays in the outbox (see --dev-mailbox).
    #[arg(long, env = "NETCARE_SMTP_URL")]
    pub smtp_url: Option<SecretUrl>,
    /// The sender of NetCare's emails.
    #[arg(
        long,
        env = "NETCARE_MAIL_FROM",
        default_value = "NetCare <no-reply@netcare.invalid>"
    )]
    pub mail_from: String,
}

#[derive(Debug, Clone, Args)]
pub struct SessionOptions {
    /// A session ends after this many minutes without a request.
    #[arg(long, env = "NETCARE_SESSION_IDLE_MINUTES", default_value_t = 480)]
    pub session_idle_minutes: u64,
    /// A session ends this many hours after sign-in.
    #[arg(long, env = "NETCARE_SESSION_MAX_HOURS", default_value_t = 168)]
    pub session_max_hours: u64,
}

impl ServeOptions {
    /// The developer mailbox shows live password-reset links: it must never be reachable from
    /// the network. Refuses the options that would expose it (or make links point elsewhere).
    pub fn check_dev_mailbox(&self) -> Result<(), String> {
        if !self.dev_mailbox {
            return Ok(());
        }
        if !self.bind.ip().is_loopback() {
            return Err(format!(
                "--dev-mailbox shows every email's links (password resets included) and is only \
                 for this machine, but --bind {} listens on the network: bind to 127.0.0.1 or \
                 drop --dev-mailbox and configure --smtp-url",
                self.bind
            ));
        }
        if let Some(url) = &self.public_url {
            if !is_loopback_url(url) {
                return Err(format!(
                    "--dev-mailbox is only for this machine, but --public-url {url} says people \
                     reach NetCare through another address: drop --dev-mailbox and configure \
                     --smtp-url"
                ));
            }
        }
        Ok(())
    }

    pub fn settings(&self) -> app::platform::Settings {
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind));
        let mut settings = app::platform::Settings::new(&public_url);
        settings.session_idle =
            std::time::Duration::from_secs(self.sessions.session_idle_minutes * 60);
        settings.session_max =
            std::time::Duration::from_secs(self.sessions.session_max_hours * 3600);
        settings.mail_from = self.mail.mail_from.clone();
        settings.uploads_per_day = self.uploads.uploads_per_day;
        settings.refused_uploads_per_day = self.uploads.refused_uploads_per_day;
        settings.probing_uploads_per_day = self.uploads.probing_uploads_per_day;
        settings.quota_day_offset = self.uploads.quota_utc_offset;
        settings.max_upload_bytes = self.uploads.max_upload_mb * 1024 * 1024;
        settings.expiring_window_days = self.uploads.expiring_days;
        settings.replace_retire_limit_percent = self.uploads.replace_retire_limit;
        settings.trusted_proxies = self.trusted_proxies.clone();
        settings.security_log_days = self.security_log_days;
        settings.work = app::platform::work_slots::WorkSlots::new(
            self.uploads.concurrent_uploads as usize,
            self.uploads.concurrent_exports as usize,
        );
        settings
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Whether `url` is a plain-http address of this machine (localhost, 127.0.0.0/8 or [::1]).
fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false; // https means a certificate, so a name others reach
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A URL (database, SMTP) that never prints its password.
#[derive(Clone)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for SecretUrl {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_password(&self.0))
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({self})")
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, None), |(a, p)| (a, Some(p)));
    let Some((credentials, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = credentials
        .split_once(':')
        .map_or(credentials, |(user, _)| user);
    let redacted = if credentials.contains(':') {
        format!("{user}:***")
    } else {
        user.to_owned()
    };
    match path {
        Some(path) => format!("{scheme}://{redacted}@{host}/{path}"),
        None => format!("{scheme}://{redacted}@{host}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_print() {
        let url: SecretUrl = "postgres://netcare:s3cret@db:5432/netcare".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://netcare:***@db:5432/netcare");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.expose(), "postgres://netcare:s3cret@db:5432/netcare");
    }

    #[test]
    fn urls_without_passwords_are_unchanged() {
        for url in [
            "netcare.db",
            "sqlite://x.db",
            "postgres://u@h/db",
            "postgres://h/db",
        ] {
            assert_eq!(redact_password(url), url);
        }
    }

    #[test]
    fn no_subcommand_means_serve_with_embedded_defaults() {
        let cli = Cli::try_parse_from(["netcare"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.global.database_url.expose(), "netcare.db");
    }

    fn serve_options(args: &[&str]) -> ServeOptions {
        let mut argv = vec!["netcare"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).unwrap().serve
    }

    #[test]
    fn the_dev_mailbox_is_refused_wherever_the_network_could_reach_it() {
        for args in [
            &["--dev-mailbox", "--bind", "0.0.0.0:3000"][..],
            &["--dev-mailbox", "--bind", "[::]:3000"],
            &["--dev-mailbox", "--bind", "192.168.1.20:3000"],
            &["--dev-mailbox", "--public-url", "https://127.0.0.1:3000"],
            &[
                "--dev-mailbox",
                "--public-url",
                "https://netcare.example.com",
            ],
            &["--dev-mailbox", "--public-url", "http://netcare.corp:3000"],
            &[
                "--dev-mailbox",
                "--public-url",
                "http://localhost@evil.example",
            ],
        ] {
            let refusal = serve_options(args).check_dev_mailbox().unwrap_err();
            assert!(refusal.contains("--dev-mailbox"), "{args:?}: {refusal}");
        }
        for args in [
            &["--dev-mailbox"][..],
            &["--dev-mailbox", "--bind", "127.0.0.2:4000"],
            &["--dev-mailbox", "--bind", "[::1]:3000"],
            &["--dev-mailbox", "--public-url", "http://localhost:3000/"],
            &["--dev-mailbox", "--public-url", "http://[::1]:3000"],
            &["--bind", "0.0.0.0:3000"],
            &[
                "--bind",
                "0.0.0.0:3000",
                "--public-url",
                "https://netcare.example.com",
            ],
        ] {
            assert_eq!(serve_options(args).check_dev_mailbox(), Ok(()), "{args:?}");
        }
    }

    #[test]
    fn trusted_proxies_are_repeated_or_comma_separated_and_checked() {
        let options = serve_options(&[
            "--trusted-proxy",
            "10.0.0.0/8,fd00::/8",
            "--trusted-proxy",
            "192.0.2.1",
        ]);
        let proxies = options.settings().trusted_proxies;
        assert_eq!(proxies.len(), 3);
        assert!(proxies[2].contains("192.0.2.1".parse().unwrap()));
        assert!(serve_options(&[]).settings().trusted_proxies.is_empty());
        let refused = Cli::try_parse_from(["netcare", "--trusted-proxy", "10.0.0.0/99"]);
        assert!(refused.is_err());
    }

    #[test]
    fn global_options_work_after_a_subcommand() {
        let cli = Cli::try_parse_from(["netcare", "migrate", "--database-url", "x.db"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Migrate)));
        assert_eq!(cli.global.database_url.expose(), "x.db");
    }
}
