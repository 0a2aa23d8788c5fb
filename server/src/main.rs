use clap::Parser;
use netcare_server::{
    commands,
    config::{
        AccountCommand, AgentCommand, Cli, Command, DbCommand, RegistryCommand, TokenCommand,
    },
    serve, telemetry,
};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init(&cli.global.log, cli.global.log_format);
    let outcome: Result<(), commands::CommandError> = match cli.command {
        None => serve::run(&cli.global, &cli.serve)
            .await
            .map_err(Into::into),
        Some(Command::Serve(options)) => {
            serve::run(&cli.global, &options).await.map_err(Into::into)
        }
        Some(Command::Migrate) => serve::migrate_only(&cli.global).await.map_err(Into::into),
        Some(Command::Registry {
            command: RegistryCommand::Import { dir, actor },
        }) => commands::registry_import(&cli.global, &dir, actor).await,
        Some(Command::Demo(options)) => commands::demo(&cli.global, &options).await,
        Some(Command::Agent {
            command:
                AgentCommand::Add {
                    username,
                    name,
                    email,
                },
        }) => commands::agent_add(&cli.global, &username, &name, &email).await,
        Some(Command::Backup { file }) => commands::backup(&cli.global, &file).await,
        Some(Command::Db {
            command: DbCommand::MigrateToPostgres { from, to },
        }) => commands::migrate_to_postgres(&from, &to).await,
        Some(Command::Account { command }) => {
            let (login, disabled) = match &command {
                AccountCommand::Disable { login } => (login, true),
                AccountCommand::Enable { login } => (login, false),
            };
            commands::account_set_disabled(&cli.global, login, disabled).await
        }
        Some(Command::Token {
            command:
                TokenCommand::Create {
                    company,
                    name,
                    expires_days,
                    read_only,
                },
        }) => {
            let scope = if read_only {
                app::inventory::TokenScope::Read
            } else {
                app::inventory::TokenScope::Upload
            };
            commands::token_create(&cli.global, &company, &name, expires_days, scope).await
        }
        Some(Command::SecurityLog { company, since }) => {
            commands::security_log(&cli.global, company.as_deref(), since.as_deref()).await
        }
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("netcare: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
