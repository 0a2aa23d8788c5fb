//! Delivers the outbox over SMTP: claims due messages (a lease, so several server processes never
//! send one twice), sends each, records success or schedules a retry with backoff. Nothing is lost
//! when the SMTP server is down or the process restarts: unsent rows stay in the outbox.

use std::time::Duration;

use app::{mail::outbox, platform::AppState};
use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

const BATCH: i64 = 20;
const LEASE: Duration = Duration::from_secs(120);
const IDLE_POLL: Duration = Duration::from_millis(500);

pub fn transport(smtp_url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .map(|builder| builder.timeout(Some(Duration::from_secs(20))).build())
        .map_err(|err| format!("invalid SMTP URL: {err}"))
}

/// Runs until the process stops.
pub async fn run(state: AppState, transport: AsyncSmtpTransport<Tokio1Executor>) {
    loop {
        match deliver_due(&state, &transport).await {
            Ok(0) => tokio::time::sleep(IDLE_POLL).await,
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = %err, "mail sender: cannot read the outbox; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
}

/// Sends one batch of due messages; returns how many were attempted.
pub async fn deliver_due(
    state: &AppState,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
) -> Result<usize, sqlx::Error> {
    let pool = state.db.pool();
    let messages = outbox::claim_due(pool, state.db.backend(), BATCH, LEASE).await?;
    for message in &messages {
        match build(&state.settings.mail_from, message) {
            Ok(email) => match transport.send(email).await {
                Ok(_) => {
                    outbox::mark_sent(pool, message.id).await?;
                    tracing::info!(id = message.id, to = %message.to_address, "mail sent");
                }
                Err(err) => {
                    tracing::warn!(id = message.id, error = %err, "mail not sent; will retry");
                    outbox::mark_failed(pool, message.id, message.attempts, &err.to_string())
                        .await?;
                }
            },
            Err(err) => {
                tracing::error!(id = message.id, error = %err, "mail cannot be built; will retry");
                outbox::mark_failed(pool, message.id, message.attempts, &err).await?;
            }
        }
    }
    Ok(messages.len())
}

fn build(from: &str, message: &outbox::OutboxMessage) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("sender address: {e}"))?;
    let to: Mailbox = message
        .to_address
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    // The same Message-ID on every attempt: if a process dies between the SMTP server taking a
    // message and the outbox marking it sent, the copy sent again is recognisably the same one.
    let message_id = format!(
        "<outbox-{}-{}@{}>",
        message.id,
        message.created_at.replace([':', '.'], ""),
        from.email.domain()
    );
    Message::builder()
        .from(from)
        .to(to)
        .message_id(Some(message_id))
        .subject(&message.subject)
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(message.text_body.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(message.html_body.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}
