//! The one pipeline every upload goes through (CSV in the browser, collector CSV or JSON): read
//! and check rows on a blocking thread, decide each device's coverage, write everything and the
//! upload's record in one transaction, counted against the company's daily quota.
//!
//! Nothing of a refused or failed upload remains: the transaction is dropped, and with it the
//! devices written so far, the upload row and the quota slot it held.

use std::{
    collections::{HashMap, HashSet},
    io::Read,
};

use time::{OffsetDateTime, Time, UtcOffset};
use tokio::sync::{mpsc, watch};

use super::{
    columns::Field,
    corrections::PidCorrections,
    json,
    queries::{self, DecidedDevice, DeviceWrite, NewUpload, UploadCounts, Written},
    reader::{InventoryReader, RowOutcome},
    rows::CheckedDevice,
    CoverageCounts, FileProblem, QuotaStatus, RejectedRow, RowWarning, UploadError, UploadMethod,
    readable_time, UploadMode, UploadSummary, MAX_LISTED_REJECTIONS,
};
use crate::{
    coverage::{
        decision::{Clock, DeviceKeys, Reason, Status},
        lines::{candidate_lines, clock_now, CandidateLines},
        UploadLines,
    },
    platform::{clock::timestamp_text, db::sqlite_read_failure, internal, AppState, Backend},
    security_log::{self, EventKind, NewEvent},
};

/// Rows checked and written per chunk: 21 values each stay under SQLite's 32,766 parameters.
const CHUNK_ROWS: usize = 1500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadFormat {
    Csv,
    Json,
}

/// Who uploads what, for which company (always taken from the session or the token).
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub company_id: String,
    pub method: UploadMethod,
    pub account_id: Option<i64>,
    pub token_id: Option<i64>,
    pub file_name: String,
    /// A collector's Idempotency-Key with the fingerprint of its request.
    pub idempotency: Option<Idempotency>,
    pub format: UploadFormat,
    /// What each column of a CSV file holds, as the person chose in the preview (`None`: guessed
    /// from the headers). Remembered for the company's next file with the same headers.
    pub columns: Option<Vec<Option<Field>>>,
    /// Merge, or replace the collector's devices (`token_id` only).
    pub mode: UploadMode,
    /// A replace may retire more than the configured share of the inventory.
    pub force: bool,
    /// Check and decide everything, then write nothing and use no quota.
    pub dry_run: bool,
    /// Where a collector's upload came from (its token remembers it).
    pub client_address: Option<String>,
}

/// An Idempotency-Key and the fingerprint of the request it came with
/// (`fingerprint::request_fingerprint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

/// How long a token's Idempotency-Key names its upload.
pub const IDEMPOTENCY_WINDOW_HOURS: i64 = 24;

/// The earlier answer a key names, and whether it was for the same request.
pub struct EarlierAnswer {
    pub summary: UploadSummary,
    fingerprint: Option<String>,
}

impl EarlierAnswer {
    /// Whether a request with `fingerprint` is a retry of this one (uploads recorded before
    /// fingerprints were kept are taken at their word).
    pub fn is_for(&self, fingerprint: &str) -> bool {
        self.fingerprint.as_deref().is_none_or(|kept| kept == fingerprint)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    Landed(UploadSummary),
    /// An earlier upload with the same idempotency key: its answer, not counted again.
    Replayed(UploadSummary),
}

/// The quota day `now` falls in, and when the next one starts.
pub fn quota_day(now: OffsetDateTime, offset: UtcOffset) -> (String, String) {
    let local = now.to_offset(offset);
    let next_midnight = local
        .date()
        .next_day()
        .expect("not the end of time")
        .with_time(Time::MIDNIGHT)
        .assume_offset(offset);
    (local.date().to_string(), timestamp_text(next_midnight))
}

/// Today's quota for a company, read without locking.
pub async fn quota_status(state: &AppState, company_id: &str) -> Result<QuotaStatus, sqlx::Error> {
    let (day, resets_at) = quota_day(OffsetDateTime::now_utc(), state.settings.quota_day_offset);
    let mut conn = state.db.conn().await?;
    let used = queries::quota_used(&mut conn, company_id, &day).await?;
    Ok(QuotaStatus {
        used: used as u32,
        limit: state.settings.uploads_per_day,
        day,
        resets_at,
    })
}

/// The answer an earlier upload of this token with this key got in the last 24 hours, if any (read
/// without locking; the upload transaction checks again).
pub async fn earlier_answer(
    state: &AppState,
    company_id: &str,
    token_id: i64,
    key: &str,
) -> Result<Option<EarlierAnswer>, UploadError> {
    let mut conn = state.db.conn().await?;
    let since = key_window_start(OffsetDateTime::now_utc());
    let answer = queries::answer_for_key(&mut conn, company_id, Some(token_id), key, &since).await?;
    answer.map(earlier).transpose()
}

fn earlier(answer: queries::KeyedAnswer) -> Result<EarlierAnswer, UploadError> {
    Ok(EarlierAnswer {
        summary: parse_summary(&answer.summary)?,
        fingerprint: answer.fingerprint,
    })
}

/// The oldest upload time whose key still counts.
fn key_window_start(now: OffsetDateTime) -> String {
    timestamp_text(now - time::Duration::hours(IDEMPOTENCY_WINDOW_HOURS))
}

fn parse_summary(json: &str) -> Result<UploadSummary, UploadError> {
    serde_json::from_str(json).map_err(|err| UploadError::App(internal(err)))
}

/// What the reading thread hands over.
enum Piece {
    Columns(Vec<String>),
    Rows(Vec<RowOutcome>),
}

/// Runs one upload. `progress`, when given, is told the number of rows processed as they are.
/// An upload refused whole uses no quota but is counted: past the day's limit of refusals, no
/// file of the company is read until the next day.
pub async fn ingest(
    state: &AppState,
    request: UploadRequest,
    source: Box<dyn Read + Send>,
    progress: Option<watch::Sender<u64>>,
) -> Result<Ingested, UploadError> {
    let (day, resets_at) = quota_day(OffsetDateTime::now_utc(), state.settings.quota_day_offset);
    let company_id = request.company_id.clone();
    let limit = state.settings.refused_uploads_per_day;
    {
        let mut conn = state.db.conn().await?;
        if queries::refused_uploads(&mut conn, &company_id, &day).await? >= i64::from(limit) {
            return Err(UploadError::TooManyRefused { limit, resets_at });
        }
    }
    let actor = uploader(&request);
    let client = request.client_address.clone().unwrap_or_default();
    let outcome = ingest_file(state, request, source, progress).await;
    if let Err(UploadError::TooManyProbing { limit, .. }) = &outcome {
        let detail = format!(
            "an upload naming mostly unknown serial numbers, past today's {limit}: nothing kept"
        );
        let event = NewEvent::new(EventKind::UploadRefusedForAbuse, actor.as_str())
            .company(&company_id)
            .detail(detail)
            .from(&client);
        security_log::record(state, event).await;
    }
    if matches!(
        outcome,
        Err(UploadError::File(_)
            | UploadError::NothingAccepted { .. }
            | UploadError::TooManyProbing { .. })
    ) {
        let mut conn = state.db.conn().await?;
        let refused = queries::count_refused_upload(&mut conn, &company_id, &day).await?;
        drop(conn);
        if refused == i64::from(limit) {
            // Logged once, when the day's refusals run out (not for every refusal after).
            let detail = format!(
                "{limit} uploads refused whole today: no file of the company is read until {}",
                readable_time(&resets_at)
            );
            let event = NewEvent::new(EventKind::UploadRefusedForAbuse, actor)
                .company(&company_id)
                .detail(detail)
                .from(&client);
            security_log::record(state, event).await;
        }
    }
    outcome
}

async fn ingest_file(
    state: &AppState,
    request: UploadRequest,
    source: Box<dyn Read + Send>,
    progress: Option<watch::Sender<u64>>,
) -> Result<Ingested, UploadError> {
    let (pieces_tx, mut pieces) = mpsc::channel::<Piece>(4);
    let format = request.format;
    let chosen_columns = request.columns.clone();
    let reader =
        tokio::task::spawn_blocking(move || read_rows(format, chosen_columns, source, pieces_tx));

    // The file is looked at before the database is: a file refused whole takes no lock.
    let columns = match pieces.recv().await {
        Some(Piece::Columns(columns)) => columns,
        _ => {
            let problem = finished(reader).await.err().unwrap_or(FileProblem::NoRows);
            return Err(UploadError::File(problem));
        }
    };
    // Devices the company corrected the product ID of are read corrected (see `corrections`).
    let corrections = {
        let mut conn = state.db.conn().await?;
        queries::pid_corrections(&mut conn, &request.company_id).await?
    };
    let mut upload = match open_upload(state, &request).await? {
        Opened::New(upload) => upload,
        Opened::Replayed(summary) => return Ok(Ingested::Replayed(summary)),
    };
    let tally = write_chunks(state, &mut upload, &request, pieces, corrections, progress).await?;
    finished(reader).await.map_err(UploadError::File)?;
    let summary = close_upload(state, upload, &request, columns, tally).await?;
    analyze_after_large_upload(state, &summary).await;
    Ok(Ingested::Landed(summary))
}

/// An upload's transaction once it holds the company's quota row and its own `uploads` row.
struct OpenUpload {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    upload_id: i64,
    /// Uploads of the day before this one.
    used: i64,
    /// On SQLite, the company's device rows before this upload (see [`Written::Count`]).
    devices_before: Option<u64>,
    limit: u32,
    day: String,
    resets_at: String,
    now: String,
}

enum Opened {
    New(OpenUpload),
    /// An earlier upload with the same idempotency key: its answer.
    Replayed(UploadSummary),
}

/// What every device this upload writes shares.
fn device_write<'a>(
    state: &AppState,
    request: &'a UploadRequest,
    upload_id: i64,
    now: &'a str,
) -> DeviceWrite<'a> {
    DeviceWrite {
        backend: state.db.backend(),
        company_id: &request.company_id,
        upload_id,
        token_id: request.token_id,
        now,
    }
}

/// Takes the company's quota row for the day (concurrent uploads of one company take turns, so
/// the daily limit is exact), answers a repeated idempotency key with its earlier summary, refuses
/// past the quota, and records the upload and its quota slot.
async fn open_upload(state: &AppState, request: &UploadRequest) -> Result<Opened, UploadError> {
    let now_at = OffsetDateTime::now_utc();
    let now = timestamp_text(now_at);
    let (day, resets_at) = quota_day(now_at, state.settings.quota_day_offset);
    let limit = state.settings.uploads_per_day;
    let company_id = request.company_id.as_str();
    let mut tx = state.db.begin_write().await?;
    let used = queries::lock_quota(&mut tx, company_id, &day).await?;
    if let Some(idempotency) = &request.idempotency {
        let since = key_window_start(now_at);
        let (token, key) = (request.token_id, idempotency.key.as_str());
        queries::expire_key(&mut tx, company_id, token, key, &since).await?;
        if let Some(answer) = queries::answer_for_key(&mut tx, company_id, token, key, &since).await? {
            let answer = earlier(answer)?;
            if !answer.is_for(&idempotency.fingerprint) {
                return Err(UploadError::IdempotencyKeyReused);
            }
            return Ok(Opened::Replayed(answer.summary));
        }
    }
    if used >= i64::from(limit) {
        return Err(UploadError::QuotaExhausted { limit, resets_at });
    }
    let upload_id = queries::insert_upload(
        &mut tx,
        &NewUpload {
            company_id,
            method: request.method,
            account_id: request.account_id,
            token_id: request.token_id,
            file_name: &request.file_name,
            idempotency_key: request.idempotency.as_ref().map(|i| i.key.as_str()),
            idempotency_fingerprint: request.idempotency.as_ref().map(|i| i.fingerprint.as_str()),
            quota_day: &day,
            now: &now,
        },
    )
    .await?;
    queries::consume_quota(&mut tx, company_id, &day).await?;
    let devices_before = match state.db.backend() {
        Backend::Sqlite => Some(queries::device_rows(&mut tx, company_id).await?),
        Backend::Postgres => None,
    };
    Ok(Opened::New(OpenUpload {
        tx,
        upload_id,
        used,
        devices_before,
        limit,
        day,
        resets_at,
        now,
    }))
}

/// Writes the file's chunks as their coverage is decided, on another connection, while this one
/// writes the previous chunk.
async fn write_chunks(
    state: &AppState,
    upload: &mut OpenUpload,
    request: &UploadRequest,
    pieces: mpsc::Receiver<Piece>,
    corrections: PidCorrections,
    progress: Option<watch::Sender<u64>>,
) -> Result<Tally, UploadError> {
    let (decided_tx, mut decided_chunks) = mpsc::channel::<Result<DecidedChunk, sqlx::Error>>(2);
    spawn_decide_stage(
        state.db.clone(),
        clock_now(state.settings.expiring_window_days),
        pieces,
        corrections,
        decided_tx,
    );
    let mut tally = Tally::default();
    let write = device_write(state, request, upload.upload_id, &upload.now);
    while let Some(chunk) = decided_chunks.recv().await {
        write_chunk(&mut upload.tx, &write, chunk?, &mut tally).await?;
        if let Some(progress) = &progress {
            progress.send_replace(tally.rows);
        }
    }
    Ok(tally)
}

/// Refuses an upload that landed nothing; else marks what the collector no longer sees, stores
/// the summary with the upload, remembers the column choice, and commits.
async fn close_upload(
    state: &AppState,
    mut upload: OpenUpload,
    request: &UploadRequest,
    columns: Vec<String>,
    mut tally: Tally,
) -> Result<UploadSummary, UploadError> {
    if tally.rows == 0 {
        return Err(UploadError::File(FileProblem::NoRows));
    }
    if tally.accepted == 0 {
        return Err(UploadError::NothingAccepted {
            rejected: tally.rejected,
            columns,
            rejected_rows: tally.rejected_rows,
        });
    }
    let company_id = request.company_id.as_str();
    if let Some(before) = upload.devices_before {
        let after = queries::device_rows(&mut upload.tx, company_id).await?;
        tally.added = after.saturating_sub(before);
    }
    let (no_longer_seen, retirement_held_back) = match request.mode {
        UploadMode::Replace => retire_missing(state, &mut upload, request, &tally).await?,
        UploadMode::Merge => (0, false),
    };
    let counted = if request.dry_run { 0 } else { 1 };
    let summary = UploadSummary {
        upload_id: upload.upload_id,
        method: request.method,
        file_name: request.file_name.clone(),
        received_at: upload.now.clone(),
        rows: tally.rows,
        accepted: tally.accepted,
        added: tally.added,
        updated: tally.accepted - tally.added,
        rejected: tally.rejected,
        columns,
        rejected_rows: tally.rejected_rows,
        mode: request.mode,
        dry_run: request.dry_run,
        no_longer_seen,
        retirement_held_back,
        warned: tally.warned,
        warnings: tally.warnings,
        coverage: tally.coverage,
        quota: QuotaStatus {
            used: upload.used as u32 + counted,
            limit: upload.limit,
            day: upload.day.clone(),
            resets_at: upload.resets_at.clone(),
        },
    };
    // Mostly unknown serials: within the day's few such uploads, or refused (nothing lands).
    let probing = super::probing::is_probing(tally.accepted, tally.unknown_serials);
    if probing {
        let limit = state.settings.probing_uploads_per_day;
        let today = queries::probing_uploads(&mut upload.tx, company_id, &upload.day).await?;
        if today >= i64::from(limit) {
            return Err(UploadError::TooManyProbing {
                limit,
                resets_at: upload.resets_at.clone(),
            });
        }
    }
    let summary_json =
        serde_json::to_string(&summary).map_err(|err| UploadError::App(internal(err)))?;
    let counts = UploadCounts {
        rows: summary.rows,
        accepted: summary.accepted,
        rejected: summary.rejected,
        no_longer_seen,
    };
    let tx = &mut upload.tx;
    queries::finish_upload(tx, company_id, upload.upload_id, &counts, &summary_json).await?;
    if let Some(chosen) = &request.columns {
        remember_column_choice(tx, company_id, &summary.columns, chosen, &upload.now).await?;
    }
    if let Some(token_id) = request.token_id {
        let address = request.client_address.as_deref();
        super::queries::tokens::touch(tx, company_id, token_id, &upload.now, address).await?;
    }
    if probing && !request.dry_run {
        queries::count_probing_upload(tx, company_id, &upload.day).await?;
    }
    if request.dry_run {
        // Everything was checked and written inside the transaction: undoing it leaves no trace,
        // the quota slot included.
        upload.tx.rollback().await?;
    } else {
        queries::refresh_device_summaries(&mut upload.tx, company_id).await?;
        upload.tx.commit().await?;
    }
    if probing {
        // A dry run answers coverage too: it counts (outside the undone transaction) as well.
        if request.dry_run {
            let mut conn = state.db.conn().await?;
            queries::count_probing_upload(&mut conn, company_id, &upload.day).await?;
        }
        let detail = format!(
            "{} of {} devices have a serial number the registry does not know (upload #{}{})",
            tally.unknown_serials,
            summary.accepted,
            summary.upload_id,
            if request.dry_run { ", a dry run" } else { "" }
        );
        let event = NewEvent::new(EventKind::UnknownSerialsUploaded, uploader(request))
            .company(company_id)
            .detail(detail)
            .from(request.client_address.as_deref().unwrap_or(""));
        security_log::record(state, event).await;
    }
    Ok(summary)
}

/// Who sent an upload, as the security log names them.
fn uploader(request: &UploadRequest) -> String {
    match (request.token_id, request.account_id) {
        (Some(token), _) => format!("collector token #{token}"),
        (None, Some(account)) => format!("account #{account}"),
        (None, None) => "unknown".to_owned(),
    }
}

/// A replace's retirement: the collector's devices missing from this upload are marked no longer
/// seen; `(retired, held back)`. Nothing is retired when rows were rejected (their devices may be
/// among the missing), and a retirement of more than the configured share of the company's
/// inventory is refused unless forced.
async fn retire_missing(
    state: &AppState,
    upload: &mut OpenUpload,
    request: &UploadRequest,
    tally: &Tally,
) -> Result<(u64, bool), UploadError> {
    let write = device_write(state, request, upload.upload_id, &upload.now);
    let missing = queries::count_missing_from_upload(&mut upload.tx, &write).await?;
    if missing == 0 {
        return Ok((0, false));
    }
    if tally.rejected > 0 {
        return Ok((0, true));
    }
    let inventory = queries::devices_seen(&mut upload.tx, &request.company_id).await?;
    let limit_percent = state.settings.replace_retire_limit_percent;
    if !request.force && missing * 100 > inventory * u64::from(limit_percent) {
        return Err(UploadError::ReplaceRetiresTooMuch {
            would_retire: missing,
            inventory,
            limit_percent,
        });
    }
    let retired = queries::mark_no_longer_seen(&mut upload.tx, &write).await?;
    Ok((retired, false))
}

/// PostgreSQL plans the Library's queries from table statistics, which a bulk load leaves stale
/// until autovacuum comes by; they are refreshed after a large upload (SQLite needs no such step).
async fn analyze_after_large_upload(state: &AppState, summary: &UploadSummary) {
    if state.db.backend() == Backend::Postgres && summary.added >= 10_000 {
        if let Err(err) = queries::analyze_devices(state.db.pool()).await {
            tracing::warn!(error = %err, "ANALYZE devices after a large upload failed");
        }
    }
}

/// Remembers what a person chose each column of this file layout to hold, for the company's next
/// file like it; a choice equal to the guess from the headers forgets any earlier one.
async fn remember_column_choice(
    tx: &mut sqlx::AnyConnection,
    company_id: &str,
    headers: &[String],
    chosen: &[Option<Field>],
    now: &str,
) -> Result<(), UploadError> {
    let signature = super::columns::header_signature(headers);
    let guessed = super::columns::map_header(headers)
        .ok()
        .map(|map| map.fields);
    if guessed.as_deref() == Some(chosen) {
        queries::forget_column_choice(tx, company_id, &signature).await?;
    } else {
        let text = super::columns::column_choice_text(chosen);
        queries::remember_column_choice(tx, company_id, &signature, &text, now).await?;
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    rows: u64,
    accepted: u64,
    added: u64,
    rejected: u64,
    rejected_rows: Vec<RejectedRow>,
    warned: u64,
    warnings: Vec<RowWarning>,
    coverage: CoverageCounts,
    /// Accepted devices whose serial number (or MAC address) the registry does not know.
    unknown_serials: u64,
}

impl Tally {
    fn reject(&mut self, row: RejectedRow) {
        self.rejected += 1;
        if self.rejected_rows.len() < MAX_LISTED_REJECTIONS {
            self.rejected_rows.push(row);
        }
    }

    /// An accepted device that lost optional values.
    fn warn(&mut self, line: u64, messages: &[String]) {
        if messages.is_empty() {
            return;
        }
        self.warned += 1;
        for message in messages {
            if self.warnings.len() < MAX_LISTED_REJECTIONS {
                self.warnings.push(RowWarning {
                    line,
                    message: message.clone(),
                });
            }
        }
    }

    fn count_status(&mut self, status: Status) {
        let counter = match status {
            Status::Covered => &mut self.coverage.covered,
            Status::Expiring => &mut self.coverage.expiring,
            Status::Future => &mut self.coverage.future,
            Status::Expired => &mut self.coverage.expired,
            Status::NotCovered => &mut self.coverage.not_covered,
        };
        *counter += 1;
    }
}

/// One chunk of rows, checked and decided, ready to write.
struct DecidedChunk {
    rows: u64,
    rejected: Vec<RejectedRow>,
    /// Repeats inside the chunk: (line, device, line of the first occurrence).
    duplicates: Vec<(u64, CheckedDevice, u64)>,
    decided: Vec<DecidedDevice>,
}

/// The middle stage: takes the reader's chunks, decides each accepted device's coverage from the
/// registry (read on a connection of its own), and hands the chunks on in order. On SQLite the
/// registry is read through SQLite's own API on a blocking thread: sqlx's driver hands every line
/// to the async side through a channel, a thread wake-up per row.
fn spawn_decide_stage(
    db: crate::platform::Database,
    clock: Clock,
    pieces: mpsc::Receiver<Piece>,
    corrections: PidCorrections,
    decided: mpsc::Sender<Result<DecidedChunk, sqlx::Error>>,
) {
    match UploadLines::open(&db) {
        Some(lines) => {
            tokio::task::spawn_blocking(move || {
                decide_on_sqlite(lines, clock, pieces, corrections, decided)
            });
        }
        None => {
            tokio::spawn(decide_stage(db, clock, pieces, corrections, decided));
        }
    }
}

fn decide_on_sqlite(
    lines: rusqlite::Result<UploadLines>,
    clock: Clock,
    mut pieces: mpsc::Receiver<Piece>,
    corrections: PidCorrections,
    decided: mpsc::Sender<Result<DecidedChunk, sqlx::Error>>,
) {
    let mut lines = match lines {
        Ok(lines) => lines,
        Err(err) => {
            let _ = decided.blocking_send(Err(sqlite_read_failure(err)));
            return;
        }
    };
    while let Some(piece) = pieces.blocking_recv() {
        let Piece::Rows(rows) = piece else { continue };
        let (mut chunk, unique) = deduplicate(rows, &corrections);
        let keys = ChunkKeys::of(&unique);
        let chunk = match lines.candidate_lines(&keys.serials, &keys.macs) {
            Ok(found) => {
                chunk.decided = decide_each(unique, &found, &clock);
                Ok(chunk)
            }
            Err(err) => Err(sqlite_read_failure(err)),
        };
        let failed = chunk.is_err();
        if decided.blocking_send(chunk).is_err() || failed {
            return; // the upload ended, or cannot go on
        }
    }
}

/// The pooled-driver stage (PostgreSQL).
async fn decide_stage(
    db: crate::platform::Database,
    clock: Clock,
    mut pieces: mpsc::Receiver<Piece>,
    corrections: PidCorrections,
    decided: mpsc::Sender<Result<DecidedChunk, sqlx::Error>>,
) {
    let mut conn = match db.dedicated_connection().await {
        Ok(conn) => conn,
        Err(err) => {
            let _ = decided.send(Err(err)).await;
            return;
        }
    };
    while let Some(piece) = pieces.recv().await {
        let Piece::Rows(rows) = piece else { continue };
        let chunk = decide_chunk(&mut conn, db.backend(), &clock, &corrections, rows).await;
        let failed = chunk.is_err();
        if decided.send(chunk).await.is_err() || failed {
            return; // the upload ended, or cannot go on
        }
    }
}

async fn decide_chunk(
    conn: &mut sqlx::AnyConnection,
    backend: crate::platform::Backend,
    clock: &Clock,
    corrections: &PidCorrections,
    rows: Vec<RowOutcome>,
) -> Result<DecidedChunk, sqlx::Error> {
    let (mut chunk, unique) = deduplicate(rows, corrections);
    if unique.is_empty() {
        return Ok(chunk);
    }
    let keys = ChunkKeys::of(&unique);
    let lines = candidate_lines(conn, backend, &keys.serials, &keys.macs).await?;
    chunk.decided = decide_each(unique, &lines, clock);
    Ok(chunk)
}

/// Sorts a chunk's rows into rejected ones, repeats inside the chunk (the first one is kept) and
/// the unique devices to decide, each read as the company corrected it.
fn deduplicate(
    rows: Vec<RowOutcome>,
    corrections: &PidCorrections,
) -> (DecidedChunk, Vec<(u64, CheckedDevice)>) {
    let mut chunk = DecidedChunk {
        rows: rows.len() as u64,
        rejected: Vec::new(),
        duplicates: Vec::new(),
        decided: Vec::new(),
    };
    let mut first_line: HashMap<String, u64> = HashMap::with_capacity(rows.len());
    let mut unique = Vec::with_capacity(rows.len());
    for row in rows {
        match row {
            RowOutcome::Rejected(row) => chunk.rejected.push(row),
            RowOutcome::Accepted { line, device } => {
                let device = corrections.apply(device);
                match first_line.get(&device.identity_key) {
                    Some(first) => chunk.duplicates.push((line, device, *first)),
                    None => {
                        first_line.insert(device.identity_key.clone(), line);
                        unique.push((line, device));
                    }
                }
            }
        }
    }
    (chunk, unique)
}

/// The distinct serial keys of a chunk's devices, and the MAC keys of those without a serial.
struct ChunkKeys<'a> {
    serials: Vec<&'a str>,
    macs: Vec<&'a str>,
}

impl<'a> ChunkKeys<'a> {
    fn of(unique: &'a [(u64, CheckedDevice)]) -> Self {
        let serials: HashSet<&str> = unique
            .iter()
            .filter(|(_, d)| !d.serial_key.is_empty())
            .map(|(_, d)| d.serial_key.as_str())
            .collect();
        let macs: HashSet<&str> = unique
            .iter()
            .filter(|(_, d)| d.serial_key.is_empty())
            .map(|(_, d)| d.mac_key.as_str())
            .collect();
        Self {
            serials: serials.into_iter().collect(),
            macs: macs.into_iter().collect(),
        }
    }
}

fn decide_each(
    unique: Vec<(u64, CheckedDevice)>,
    lines: &CandidateLines,
    clock: &Clock,
) -> Vec<DecidedDevice> {
    unique
        .into_iter()
        .map(|(line, device)| {
            let keys = DeviceKeys {
                serial_key: device.serial_key.clone(),
                pid_key: device.pid_key.clone(),
                mac_key: device.mac_key.clone(),
            };
            let decision = lines.decide(&keys, clock);
            DecidedDevice {
                line,
                device,
                decision,
            }
        })
        .collect()
}

/// Writes one decided chunk; a device an earlier chunk of this upload already wrote (the same
/// serial and PID, or MAC and PID, twice in one file) is rejected as a duplicate.
async fn write_chunk(
    conn: &mut sqlx::AnyConnection,
    write: &DeviceWrite<'_>,
    chunk: DecidedChunk,
    tally: &mut Tally,
) -> Result<(), UploadError> {
    tally.rows += chunk.rows;
    let mut duplicates = chunk.duplicates;
    let mut rejected = chunk.rejected;
    let decided = chunk.decided;
    let written = if decided.is_empty() {
        Written::Each(Vec::new())
    } else {
        queries::upsert_devices(conn, write, &decided).await?
    };
    let (added, earlier) = written_earlier(conn, write, &decided, written).await?;
    for decided in &decided {
        let identity = decided.device.identity_key.as_str();
        match earlier.get(identity) {
            Some(first) => duplicates.push((decided.line, decided.device.clone(), *first as u64)),
            None => {
                tally.accepted += 1;
                if let Some(added) = &added {
                    tally.added += u64::from(added.get(identity).copied().unwrap_or(false));
                }
                tally.count_status(decided.decision.status);
                if matches!(decided.decision.reason, Some(Reason::UnknownSerial)) {
                    tally.unknown_serials += 1;
                }
                tally.warn(decided.line, &decided.device.warnings);
            }
        }
    }
    for (line, device, first) in duplicates {
        let what = if device.serial_key.is_empty() {
            "MAC address and product ID"
        } else {
            "serial number and product ID"
        };
        rejected.push(RejectedRow {
            line,
            reason: format!("duplicate: the same {what} as line {first}"),
            values: super::columns::Field::ALL
                .iter()
                .map(|f| device.fields.get(*f).to_owned())
                .collect(),
        });
    }
    rejected.sort_by_key(|row| row.line);
    if !rejected.is_empty() {
        queries::rejections::insert(conn, write, &rejected).await?;
    }
    for row in rejected {
        tally.reject(row);
    }
    Ok(())
}

/// Whether this upload added each written device (`None` where the upload counts that as a whole,
/// see [`Written::Count`]), and the devices of the chunk an earlier line of the upload had already
/// written, each with that line.
async fn written_earlier(
    conn: &mut sqlx::AnyConnection,
    write: &DeviceWrite<'_>,
    decided: &[DecidedDevice],
    written: Written,
) -> Result<(Option<HashMap<String, bool>>, HashMap<String, i64>), sqlx::Error> {
    match written {
        Written::Each(rows) => {
            let added: HashMap<String, bool> = rows.into_iter().collect();
            let missing: HashSet<&str> = decided
                .iter()
                .map(|d| d.device.identity_key.as_str())
                .filter(|identity| !added.contains_key(*identity))
                .collect();
            let lines = if missing.is_empty() {
                HashMap::new()
            } else {
                queries::upload_lines(conn, write, &missing).await?
            };
            let earlier = missing
                .into_iter()
                .map(|identity| {
                    let line = lines.get(identity).copied().unwrap_or_default();
                    (identity.to_owned(), line)
                })
                .collect();
            Ok((Some(added), earlier))
        }
        Written::Count(count) if count == decided.len() as u64 => Ok((None, HashMap::new())),
        Written::Count(_) => {
            // Some were written before: each device's row names the line it was written from.
            let own_lines: HashMap<&str, i64> = decided
                .iter()
                .map(|d| (d.device.identity_key.as_str(), d.line as i64))
                .collect();
            let identities: HashSet<&str> = own_lines.keys().copied().collect();
            let mut stored = queries::upload_lines(conn, write, &identities).await?;
            stored.retain(|identity, line| own_lines.get(identity.as_str()) != Some(line));
            Ok((None, stored))
        }
    }
}

async fn finished(
    reader: tokio::task::JoinHandle<Result<(), FileProblem>>,
) -> Result<(), FileProblem> {
    reader
        .await
        .map_err(|err| FileProblem::Unreadable(err.to_string()))?
}

/// The reading thread: parses the source and sends the columns, then chunks of row outcomes.
fn read_rows(
    format: UploadFormat,
    columns: Option<Vec<Option<Field>>>,
    source: Box<dyn Read + Send>,
    pieces: mpsc::Sender<Piece>,
) -> Result<(), FileProblem> {
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
    let mut stopped = false;
    let mut each = |outcome: RowOutcome| {
        chunk.push(outcome);
        if chunk.len() == CHUNK_ROWS {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
            if pieces.blocking_send(Piece::Rows(full)).is_err() {
                stopped = true; // the upload ended (refused or failed): stop reading
                return false;
            }
        }
        true
    };
    match format {
        UploadFormat::Csv => {
            let mut reader = InventoryReader::open_as(source, columns.as_deref())?;
            if pieces
                .blocking_send(Piece::Columns(reader.columns().headers.clone()))
                .is_err()
            {
                return Ok(());
            }
            while let Some(row) = reader.next_row() {
                if !each(row?) {
                    break;
                }
            }
        }
        UploadFormat::Json => {
            if pieces
                .blocking_send(Piece::Columns(json::columns()))
                .is_err()
            {
                return Ok(());
            }
            let result = json::read_devices(source, &mut each);
            if !stopped {
                result?;
            }
        }
    }
    if !chunk.is_empty() {
        let _ = pieces.blocking_send(Piece::Rows(chunk));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn the_quota_day_follows_the_configured_offset() {
        let at = datetime!(2026-11-24 23:30 UTC);
        assert_eq!(
            quota_day(at, UtcOffset::UTC),
            ("2026-11-24".into(), "2026-11-25T00:00:00.000000Z".into())
        );
        assert_eq!(
            quota_day(at, offset!(+2)),
            ("2026-11-25".into(), "2026-11-25T22:00:00.000000Z".into())
        );
    }
}
