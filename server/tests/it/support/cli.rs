//! The real `netcare` binary, run against a test database.

use std::process::{Command, Output};

pub fn netcare(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netcare"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("NETCARE_LOG", "warn")
        .output()
        .expect("run netcare")
}
