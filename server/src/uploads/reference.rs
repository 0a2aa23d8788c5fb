//! `/api/v1/docs`: the API's OpenAPI document as a page people read, rendered on the server from
//! the same document (no script, nothing fetched from elsewhere), so it cannot say otherwise.

use std::{fmt::Write, sync::LazyLock};

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use serde_json::Value;

use super::openapi;

static PAGE: LazyLock<String> = LazyLock::new(|| {
    let document: Value =
        serde_json::from_str(openapi::document()).expect("the OpenAPI document is JSON");
    render(&document)
});

/// This document, to read
#[utoipa::path(get, path = "/api/v1/docs", operation_id = "reference",
    responses((status = 200, description = "This document as an HTML page.", body = String, content_type = "text/html")))]
pub async fn reference() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        PAGE.as_str(),
    )
        .into_response()
}

fn escape(text: &str) -> String {
    app::mail::templates::escape(text)
}

/// `text` with `code` spans for the document's backticks.
fn prose(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

/// A schema in a few words: its type (or `$ref`), format, range, pattern, enumeration, default.
fn schema_summary(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    let mut parts = Vec::new();
    match &schema["type"] {
        Value::String(kind) => parts.push(kind.clone()),
        Value::Array(kinds) => parts.push(
            kinds
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" or "),
        ),
        _ => {}
    }
    for (key, label) in [
        ("format", "format"),
        ("minimum", "min"),
        ("maximum", "max"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("default", "default"),
    ] {
        if let Some(value) = schema.get(key) {
            parts.push(format!("{label} {}", value.to_string().trim_matches('"')));
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values
            .iter()
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .collect();
        parts.push(format!("one of {}", values.join(", ")));
    }
    if let Some(pattern) = schema["pattern"].as_str() {
        parts.push(format!("pattern {pattern}"));
    }
    parts.join("; ")
}

fn render(document: &Value) -> String {
    let info = &document["info"];
    let title = escape(info["title"].as_str().unwrap_or("API"));
    let mut page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;line-height:1.5;max-width:60rem;margin:0 auto;padding:1rem;color:#1d2733}}\
         h2{{border-top:1px solid #ccd;padding-top:1rem;font-size:1.15rem;overflow-wrap:anywhere}}\
         code{{background:#f1f3f6;padding:0 .2rem;border-radius:3px;overflow-wrap:anywhere}}\
         table{{border-collapse:collapse;width:100%;font-size:.92rem}}td,th{{text-align:left;vertical-align:top;border-bottom:1px solid #e3e6ea;padding:.3rem .4rem;overflow-wrap:anywhere}}\
         .method{{font-family:monospace;font-weight:bold;text-transform:uppercase}}\
         </style></head><body><h1>{title}</h1><p>{}</p>\
         <p>The machine-readable description is <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>",
        prose(info["description"].as_str().unwrap_or(""))
    );
    let empty = serde_json::Map::new();
    let paths = document["paths"].as_object().unwrap_or(&empty);
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap_or(&empty) {
            let _ = write!(
                page,
                "<section><h2><span class=\"method\">{}</span> <code>{}</code></h2><p><strong>{}</strong></p>",
                escape(method),
                escape(path),
                prose(operation["summary"].as_str().unwrap_or(""))
            );
            if let Some(description) = operation["description"].as_str() {
                let _ = write!(page, "<p>{}</p>", prose(description));
            }
            if let Some(parameters) = operation["parameters"].as_array().filter(|p| !p.is_empty()) {
                page.push_str("<h3>Parameters</h3><table><thead><tr><th>Name</th><th>In</th><th>Schema</th><th>Meaning</th></tr></thead><tbody>");
                for parameter in parameters {
                    let required = if parameter["required"] == Value::Bool(true) {
                        " (required)"
                    } else {
                        ""
                    };
                    let _ = write!(
                        page,
                        "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(parameter["name"].as_str().unwrap_or("")),
                        escape(parameter["in"].as_str().unwrap_or("")),
                        escape(&schema_summary(&parameter["schema"])),
                        prose(parameter["description"].as_str().unwrap_or(""))
                    );
                }
                page.push_str("</tbody></table>");
            }
            if let Some(content) = operation["requestBody"]["content"].as_object() {
                page.push_str("<h3>Body</h3><ul>");
                for (media, body) in content {
                    let _ = write!(
                        page,
                        "<li><code>{}</code>: {}</li>",
                        escape(media),
                        prose(
                            body["schema"]["description"]
                                .as_str()
                                .unwrap_or(&schema_summary(&body["schema"]))
                        )
                    );
                }
                page.push_str("</ul>");
            }
            if let Some(responses) = operation["responses"].as_object() {
                page.push_str("<h3>Answers</h3><table><tbody>");
                for (status, response) in responses {
                    let _ = write!(
                        page,
                        "<tr><td><code>{}</code></td><td>{}</td></tr>",
                        escape(status),
                        prose(response["description"].as_str().unwrap_or(""))
                    );
                }
                page.push_str("</tbody></table>");
            }
            page.push_str("</section>");
        }
    }
    page.push_str("</body></html>");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_on_the_page_and_text_is_escaped() {
        let document: Value = serde_json::from_str(openapi::document()).unwrap();
        let page = render(&document);
        for (path, operations) in document["paths"].as_object().unwrap() {
            for method in operations.as_object().unwrap().keys() {
                let heading = format!(
                    "<span class=\"method\">{method}</span> <code>{}</code>",
                    escape(path)
                );
                assert!(page.contains(&heading), "{method} {path}");
            }
        }
        assert!(page.contains("<code>Idempotency-Key</code>"));
        let hostile = serde_json::json!({
            "info": {"title": "<script>", "description": "`a<b`"},
            "paths": {}
        });
        let page = render(&hostile);
        assert!(
            !page.contains("<script>") && page.contains("<code>a&lt;b</code>"),
            "{page}"
        );
    }
}
