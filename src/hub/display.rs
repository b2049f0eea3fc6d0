//! The display wall as a web page, `GET /display`: one self-contained HTML
//! page (inline CSS and JavaScript, nothing else fetched but the hub's own
//! API) for TVs that have a browser and nothing else. It follows the public
//! event stream without credentials and mirrors the rules of
//! [`crate::domain::display`].
//!
//! The hall's name, notices and counters are written into the page when it
//! is served, escaped for where they go.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Hub;
use crate::config::Config;
use crate::domain::display::voice::{DEFAULT_BACKLOG, DEFAULT_REPEATS};
use crate::domain::display::{FLASH_SECONDS, RECENT_CALLS};

/// The page, with `{{NAME}}` where the hall's own words go.
const TEMPLATE: &str = include_str!("display.html");

/// The display wall page.
pub async fn page(State(hub): State<Arc<Hub>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // A TV that reloads picks up a new hub's page.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        render(&hub.config),
    )
        .into_response()
}

/// The page for this hall.
fn render(config: &Config) -> String {
    let setup = json!({
        "hall": config.setup.name,
        "zone": config.setup.day_rule.zone.name(),
        "counters": config.setup.counters.iter().map(|c| (c.number, &c.name)).collect::<Vec<_>>(),
        "recent_calls": RECENT_CALLS,
        "flash_seconds": FLASH_SECONDS,
        "repeats": DEFAULT_REPEATS,
        "backlog": DEFAULT_BACKLOG,
    });
    let notices: String = config
        .notices
        .iter()
        .map(|n| format!("<span>{}</span>", escape_html(n)))
        .collect();
    fill(TEMPLATE, |name| match name {
        "HALL" => Some(escape_html(&config.setup.name)),
        "NOTICES" => Some(notices.clone()),
        "SETUP" => Some(script_json(&setup.to_string())),
        _ => None,
    })
}

/// Replaces each `{{NAME}}` that `value` knows, in one pass, so that a value
/// containing `{{…}}` is never filled in again.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 1024);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        match value(&after[..end]) {
            Some(v) => {
                out.push_str(&rest[..start]);
                out.push_str(&v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text made safe as HTML element content or a quoted attribute.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON made safe inside a `<script>` element: nothing in it can close the
/// element or start a comment, and it stays the same JSON.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_halls_words_are_escaped_where_they_go() {
        let filled = fill("<h1>{{A}}</h1>{{B}}{{C}}", |name| match name {
            "A" => Some(escape_html("<b>\"A&B\"</b>")),
            "B" => Some("{{A}}".into()),
            _ => None,
        });
        assert_eq!(
            filled,
            "<h1>&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;</h1>{{A}}{{C}}"
        );
        let json = script_json(r#"{"n":"</script><!--&"}"#);
        assert!(!json.contains('<') && !json.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["n"], "</script><!--&");
    }
}
