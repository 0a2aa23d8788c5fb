use clap::Parser;
use netcare_server::{
    config::{Cli, Command},
    serve, telemetry,
};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init(&cli.global.log, cli.global.log_format);
    let outcome = match cli.command {
        None => serve::run(&cli.global, &cli.serve).await,
        Some(Command::Serve(options)) => serve::run(&cli.global, &options).await,
        Some(Command::Migrate) => serve::migrate_only(&cli.global).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("netcare: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
