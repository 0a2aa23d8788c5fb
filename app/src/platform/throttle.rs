//! Throttles on repeated failures (sign-in, registration, reset requests), kept in the database so
//! every server process sees the same counts. Past `free_attempts` failures within `window`, each
//! further attempt must wait, twice as long each time up to `max_wait`: attempts slow down, no
//! account is locked for good.

use std::time::Duration;

use sqlx::AnyConnection;
use time::OffsetDateTime;

use super::clock::timestamp_text;

#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub free_attempts: i64,
    /// The wait after the first attempt past the free ones; each further one doubles it.
    pub first_wait: Duration,
    pub window: Duration,
    pub max_wait: Duration,
}

pub const SIGN_IN: Throttle = Throttle {
    free_attempts: 5,
    first_wait: Duration::from_secs(1),
    window: Duration::from_secs(3600),
    max_wait: Duration::from_secs(900),
};
pub const PER_ADDRESS: Throttle = Throttle {
    free_attempts: 30,
    first_wait: Duration::from_secs(1),
    window: Duration::from_secs(3600),
    max_wait: Duration::from_secs(900),
};
/// Emails with a link (verification, new address, password reset), per account and per recipient:
/// a few at once, then a cool-down from a minute doubling to an hour, so nobody can use NetCare to
/// flood a mailbox.
pub const MAIL_SENDS: Throttle = Throttle {
    free_attempts: 3,
    first_wait: Duration::from_secs(60),
    window: Duration::from_secs(3600),
    max_wait: Duration::from_secs(3600),
};

/// The wait after `failures` failures, if any.
pub fn wait_after(throttle: &Throttle, failures: i64) -> Option<Duration> {
    let over = failures - throttle.free_attempts;
    if over < 0 {
        return None;
    }
    let factor = 1u32.checked_shl(over.min(30) as u32).unwrap_or(u32::MAX);
    Some(
        throttle
            .first_wait
            .saturating_mul(factor)
            .min(throttle.max_wait),
    )
}

/// `Err(seconds to wait)` when `key` is blocked now.
pub async fn check(conn: &mut AnyConnection, key: &str) -> Result<Result<(), u64>, sqlx::Error> {
    let now = OffsetDateTime::now_utc();
    let blocked: Option<Option<String>> =
        sqlx::query_scalar("SELECT blocked_until FROM throttles WHERE key = $1")
            .bind(key)
            .fetch_optional(conn)
            .await?;
    let Some(Some(until)) = blocked else {
        return Ok(Ok(()));
    };
    let now_text = timestamp_text(now);
    if until <= now_text {
        return Ok(Ok(()));
    }
    let until = OffsetDateTime::parse(&until, &time::format_description::well_known::Rfc3339)
        .unwrap_or(now);
    Ok(Err((until - now).whole_seconds().max(1) as u64))
}

pub async fn record_failure(
    conn: &mut AnyConnection,
    throttle: &Throttle,
    key: &str,
) -> Result<(), sqlx::Error> {
    let now = OffsetDateTime::now_utc();
    let window_start = timestamp_text(now - throttle.window);
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT failures, window_start_at FROM throttles WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    // Failures older than the window are forgotten: the count starts again.
    let (failures, started) = match row {
        Some((failures, started)) if started > window_start => (failures + 1, started),
        _ => (1, timestamp_text(now)),
    };
    let blocked_until = wait_after(throttle, failures).map(|wait| timestamp_text(now + wait));
    sqlx::query(
        "INSERT INTO throttles (key, failures, window_start_at, blocked_until, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start_at = excluded.window_start_at,
         blocked_until = excluded.blocked_until, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(failures)
    .bind(started)
    .bind(blocked_until)
    .bind(timestamp_text(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts an attempt against `key` before it is tried (a password verified, a code checked), in
/// one step no concurrent attempt can slip between: `Err(seconds to wait)` while `key` is blocked,
/// else the attempt is counted (and, past the free attempts, the next one blocked for a while).
/// Call it inside a write transaction; an attempt that succeeds is given back with [`refund`].
pub async fn take_attempt(
    conn: &mut AnyConnection,
    throttle: &Throttle,
    key: &str,
) -> Result<Result<(), u64>, sqlx::Error> {
    let now = OffsetDateTime::now_utc();
    let now_text = timestamp_text(now);
    let window_start = timestamp_text(now - throttle.window);
    for _ in 0..2 {
        // The row lock (PostgreSQL) or the write lock (SQLite) makes the check and the count one
        // step: a concurrent attempt waits, then sees this one's count and block.
        let counted: Option<i64> = sqlx::query_scalar(
            "UPDATE throttles SET
                 failures = CASE WHEN window_start_at > $2 THEN failures + 1 ELSE 1 END,
                 window_start_at = CASE WHEN window_start_at > $2 THEN window_start_at ELSE $3 END,
                 updated_at = $3
             WHERE key = $1 AND (blocked_until IS NULL OR blocked_until <= $3)
             RETURNING failures",
        )
        .bind(key)
        .bind(&window_start)
        .bind(&now_text)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(attempts) = counted {
            let blocked_until =
                wait_after(throttle, attempts).map(|wait| timestamp_text(now + wait));
            sqlx::query("UPDATE throttles SET blocked_until = $2 WHERE key = $1")
                .bind(key)
                .bind(blocked_until)
                .execute(&mut *conn)
                .await?;
            return Ok(Ok(()));
        }
        if let Err(wait) = check(conn, key).await? {
            return Ok(Err(wait));
        }
        // No row yet: make one, then count on it.
        sqlx::query(
            "INSERT INTO throttles (key, failures, window_start_at, blocked_until, updated_at)
             VALUES ($1, 0, $2, NULL, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(&now_text)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Ok(()))
}

/// Gives back an attempt [`take_attempt`] counted, once it succeeded: it was not a failure.
pub async fn refund(
    conn: &mut AnyConnection,
    throttle: &Throttle,
    key: &str,
) -> Result<(), sqlx::Error> {
    let left: Option<i64> = sqlx::query_scalar(
        "UPDATE throttles SET failures = failures - 1 WHERE key = $1 AND failures > 0
         RETURNING failures",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    if left.is_some_and(|failures| wait_after(throttle, failures).is_none()) {
        sqlx::query("UPDATE throttles SET blocked_until = NULL WHERE key = $1")
            .bind(key)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn clear(conn: &mut AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM throttles WHERE key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_past_the_free_attempts_and_are_capped() {
        let seconds = |n| Some(Duration::from_secs(n));
        for (throttle, attempts, wait) in [
            (SIGN_IN, 4, None),
            (SIGN_IN, 5, seconds(1)),
            (SIGN_IN, 8, seconds(8)),
            (SIGN_IN, 40, seconds(900)),
            (SIGN_IN, i64::MAX, seconds(900)),
            // Mail cools down from a minute to an hour.
            (MAIL_SENDS, 2, None),
            (MAIL_SENDS, 3, seconds(60)),
            (MAIL_SENDS, 5, seconds(240)),
            (MAIL_SENDS, 12, seconds(3600)),
        ] {
            assert_eq!(
                wait_after(&throttle, attempts),
                wait,
                "{throttle:?} {attempts}"
            );
        }
    }
}
