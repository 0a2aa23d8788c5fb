//! Email. Every message is written to the `outbox` table in the transaction of the change that
//! causes it; the server's sender task delivers it over SMTP with retries (server/src/mail_sender.rs).
//! Without SMTP it stays in the outbox, where the developer mailbox (`/dev/mailbox`) shows it.

pub mod outbox;
pub mod templates;

/// One message, ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}
