//! Timings behind `bench/coverage.sh`: on a database that already holds a company with many
//! devices, how long recomputing its coverage takes, a registry change touching 10,000 of its
//! serials, and the Library's first page for each filter. Prints figures; never fails on time.
//!
//!   cargo run --release -p server --example coverage_bench -- DATABASE_URL COMPANY_ID

use std::time::{Duration, Instant};

use app::{
    coverage::{
        recompute::{recompute_change, recompute_company},
        Cause, ReasonCode, Status,
    },
    library::{queries::device_page, DeviceFilter, PAGE_SIZE},
    platform::{db::PoolSettings, Database},
    registry::import::{import_registry, ChangeOrigin, ImportSource, RegistryFile},
};

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: coverage_bench DATABASE_URL COMPANY_ID")?;
    let company = args
        .next()
        .ok_or("usage: coverage_bench DATABASE_URL COMPANY_ID")?;
    let db = Database::connect(&url, &PoolSettings::default()).await?;
    // Start from a checkpointed database, as a running server keeps it (the upload's write-ahead
    // log may still be full if the server was stopped right after it).
    db.checkpoint().await?;
    let devices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE company_id = $1")
        .bind(&company)
        .fetch_one(db.pool())
        .await?;

    let started = Instant::now();
    let done = recompute_company(&db, &company, 90, Cause::Refresh).await?;
    let elapsed = started.elapsed();
    println!(
        "recompute a company of {devices} devices: {:.2} s ({} decided, {} changed, {:.0} devices/s)",
        elapsed.as_secs_f64(),
        done.devices,
        done.changed,
        done.devices as f64 / elapsed.as_secs_f64()
    );

    // A registry change: 10,000 of the company's serials get their line extended by a day.
    let lines: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT l.contract_number, l.serial_number, l.product_id, l.start_date, l.end_date
         FROM contract_lines l JOIN devices d ON d.serial_key = l.serial_key AND d.pid_key = l.pid_key
         WHERE d.company_id = $1 LIMIT 10000",
    )
    .bind(&company)
    .fetch_all(db.pool())
    .await?;
    let mut csv =
        String::from("contract_number,serial_number,product_id,mac_address,start_date,end_date\n");
    for (contract, serial, pid, start, end) in &lines {
        let end = time::Date::parse(
            end,
            time::macros::format_description!("[year]-[month]-[day]"),
        )?
        .next_day()
        .ok_or("date")?;
        csv.push_str(&format!("{contract},{serial},{pid},,{start},{end}\n"));
    }
    let mut source = ImportSource::default();
    source.add(
        RegistryFile::ContractLines,
        std::io::Cursor::new(csv.into_bytes()),
    );
    let started = Instant::now();
    let report = import_registry(&db, source, ChangeOrigin::CommandLine, "bench").await?;
    let imported = started.elapsed();
    let started = Instant::now();
    let done = recompute_change(&db, report.change_id, 90).await?;
    let recomputed = started.elapsed();
    println!(
        "registry change of {} lines: import {}, recompute {} ({} devices decided, {} changed)",
        lines.len(),
        ms(imported),
        ms(recomputed),
        done.devices,
        done.changed
    );

    let contract: Option<String> = sqlx::query_scalar(
        "SELECT contract_number FROM devices WHERE company_id = $1 AND contract_number IS NOT NULL LIMIT 1",
    )
    .bind(&company)
    .fetch_optional(db.pool())
    .await?;
    let views: Vec<(&str, DeviceFilter)> = vec![
        ("first page", DeviceFilter::default()),
        (
            "status = not covered",
            DeviceFilter {
                status: Some(Status::NotCovered),
                ..Default::default()
            },
        ),
        (
            "reason = PID mismatch",
            DeviceFilter {
                reason: Some(ReasonCode::PidMismatch),
                ..Default::default()
            },
        ),
        (
            "contract",
            DeviceFilter {
                contract: contract.unwrap_or_default(),
                ..Default::default()
            },
        ),
        (
            "site",
            DeviceFilter {
                site: "Generated Site".into(),
                ..Default::default()
            },
        ),
        (
            "product ID",
            DeviceFilter {
                pid: "C9300-48P".into(),
                ..Default::default()
            },
        ),
        (
            "search serial prefix",
            DeviceFilter {
                search: "GEN00000050".into(),
                ..Default::default()
            },
        ),
        (
            "search hostname prefix, many",
            DeviceFilter {
                search: "DEV-1".into(),
                ..Default::default()
            },
        ),
        (
            "search hostname, one",
            DeviceFilter {
                search: "dev-123456".into(),
                ..Default::default()
            },
        ),
        (
            "search inside values, none",
            DeviceFilter {
                search: "no-such-part".into(),
                ..Default::default()
            },
        ),
        (
            "search inside serials, few",
            DeviceFilter {
                search: "0012345".into(),
                ..Default::default()
            },
        ),
        (
            "search inside hostnames, many",
            DeviceFilter {
                search: "-12".into(),
                ..Default::default()
            },
        ),
        (
            "sort by hostname",
            DeviceFilter {
                sort: "hostname".into(),
                ..Default::default()
            },
        ),
        (
            "sort by site, descending",
            DeviceFilter {
                sort: "site".into(),
                descending: true,
                ..Default::default()
            },
        ),
        (
            "status expired, by end date",
            DeviceFilter {
                status: Some(Status::Expired),
                sort: "end_date".into(),
                ..Default::default()
            },
        ),
        (
            "sort by end date, descending",
            DeviceFilter {
                sort: "end_date".into(),
                descending: true,
                ..Default::default()
            },
        ),
    ];
    println!("Library, first page of 50 with its count (exact up to 10,000; best of 5):");
    for (label, filter) in views {
        let mut best = Duration::MAX;
        let mut total = String::new();
        for _ in 0..5 {
            let mut conn = db.pool().acquire().await?;
            let started = Instant::now();
            let page =
                device_page(&mut conn, db.backend(), &company, &filter, 0, PAGE_SIZE).await?;
            best = best.min(started.elapsed());
            total = format!(
                "{}{}",
                if page.more { "more than " } else { "" },
                page.total
            );
        }
        println!("  {label:<32} {:>10}   ({total} devices match)", ms(best));
    }
    db.close().await;
    Ok(())
}
