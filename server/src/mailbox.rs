//! `/dev/mailbox`: the outbox as a page, for trying NetCare locally without an SMTP server (only
//! when started with --dev-mailbox). Server-rendered, no script: it shows addresses and links.
//!
//! It lists live password-reset links, so it answers only this machine: a loopback peer whose
//! request was not forwarded by a proxy (a proxy on the same host would make every remote visitor
//! look local). Everyone else gets the same 404 as for a path that does not exist.

use std::net::SocketAddr;

use app::{mail::outbox, mail::templates::escape, platform::AppState};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, StatusCode},
    response::Html,
};

/// Headers a reverse proxy adds for the client it forwards.
const FORWARDING_HEADERS: [&str; 4] = ["forwarded", "x-forwarded-for", "x-real-ip", "via"];

/// Whether the request comes straight from this machine.
fn from_this_machine(peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    peer.is_some_and(|peer| peer.ip().to_canonical().is_loopback())
        && !FORWARDING_HEADERS
            .iter()
            .any(|name| headers.contains_key(*name))
}

pub async fn mailbox(
    State(state): State<AppState>,
    request: Request,
) -> Result<Html<String>, (StatusCode, &'static str)> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    if !from_this_machine(peer, request.headers()) {
        tracing::warn!(
            peer = ?peer,
            "/dev/mailbox refused: it is served to this machine only"
        );
        return Err((StatusCode::NOT_FOUND, "Not found."));
    }
    let messages = outbox::recent(state.db.pool(), 200).await.map_err(|err| {
        tracing::error!(error = %err, "mailbox: cannot read the outbox");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The outbox cannot be read right now.",
        )
    })?;
    let mut page = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Mailbox · NetCare</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}\
         article{border:1px solid #ccc;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}pre{white-space:pre-wrap;overflow-wrap:anywhere}\
         .meta{color:#555}</style></head><body><main><h1>Developer mailbox</h1>\
         <p>Every email NetCare queued, newest first. Shown because the server runs with --dev-mailbox.</p>",
    );
    if messages.is_empty() {
        page.push_str("<p>No messages yet.</p>");
    }
    for message in messages {
        let status = match (&message.sent_at, &message.last_error) {
            (Some(at), _) => format!("sent {at}"),
            (None, Some(error)) => format!(
                "not sent yet ({} attempts; last error: {})",
                message.attempts,
                escape(error)
            ),
            (None, None) => "queued (no SMTP server configured, or not sent yet)".to_owned(),
        };
        page.push_str(&format!(
            "<article aria-label=\"{subject}\"><h2>{subject}</h2><p class=\"meta\">To {to} · {created} · {status}</p><pre>{body}</pre></article>",
            subject = escape(&message.subject),
            to = escape(&message.to_address),
            created = escape(&message.created_at),
            body = linkify(&escape(&message.text_body)),
        ));
    }
    page.push_str("</main></body></html>");
    Ok(Html(page))
}

/// Turns http(s) URLs in already-escaped text into links.
fn linkify(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(start) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| c.is_whitespace()).unwrap_or(tail.len());
        let url = &tail[..end];
        out.push_str(&format!("<a href=\"{url}\">{url}</a>"));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{from_this_machine, linkify};
    use axum::http::HeaderMap;

    #[test]
    fn only_unforwarded_loopback_peers_are_this_machine() {
        let none = HeaderMap::new();
        for local in [
            "127.0.0.1:5000",
            "127.8.9.10:1",
            "[::1]:5000",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(
                from_this_machine(Some(local.parse().unwrap()), &none),
                "{local}"
            );
        }
        for remote in [
            "10.0.0.5:5000",
            "192.168.1.9:1",
            "[2001:db8::1]:80",
            "[::ffff:10.0.0.1]:1",
        ] {
            assert!(
                !from_this_machine(Some(remote.parse().unwrap()), &none),
                "{remote}"
            );
        }
        assert!(!from_this_machine(None, &none), "unknown peer");
        for header in ["forwarded", "x-forwarded-for", "x-real-ip", "via"] {
            let mut proxied = HeaderMap::new();
            proxied.insert(header, "203.0.113.7".parse().unwrap());
            assert!(
                !from_this_machine(Some("127.0.0.1:5000".parse().unwrap()), &proxied),
                "{header}"
            );
        }
    }

    #[test]
    fn links_become_anchors() {
        assert_eq!(
            linkify("Open: http://x.example/a?token=1 now"),
            "Open: <a href=\"http://x.example/a?token=1\">http://x.example/a?token=1</a> now"
        );
        assert_eq!(linkify("no links"), "no links");
    }
}
