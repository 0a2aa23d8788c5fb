//! Structured logs through tracing: text for people, JSON lines for log shippers.

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|err| {
        eprintln!("netcare: ignoring invalid log filter {filter:?} ({err}); using `info`");
        EnvFilter::new("info")
    });
    // Standard error: standard output is the commands' answer (`TOKEN=$(netcare token create …)`).
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
