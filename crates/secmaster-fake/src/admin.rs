//! The admin path: the journal over HTTP, for tools that run the fake as a binary.
//!
//! `GET /_fake/journal` answers `{"stats": {..}, "entries": [..]}` (credentials in headers read
//! `***`); `DELETE /_fake/journal` clears it (204). Both need the credentials any operation
//! needs, and are not journaled themselves. Both are scoped to the credentials' projects: an
//! entry whose path names another project is neither shown nor cleared (nor counted in
//! `stats.entries` and `stats.bytes`); an entry whose path names no project (`/nowhere`) is
//! any caller's. Credentials for every project see and clear the whole journal.

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use crate::admit::admit;
use crate::server::{JSON_UTF8, gateway_error, plain};
use crate::{Inner, JournalEntry, JournalStats};

/// Where the journal is served.
pub(crate) const JOURNAL_PATH: &str = "/_fake/journal";

#[derive(Serialize)]
struct Journal {
    stats: JournalStats,
    entries: Vec<JournalEntry>,
}

pub(crate) async fn journal(fake: &Inner, parts: Parts, body: Body, request_id: &str) -> Response {
    if parts.method != Method::GET && parts.method != Method::DELETE {
        fake.record(JournalEntry::line(&parts, 0));
        let mut r = gateway_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "APIGW.0101",
            "Only GET and DELETE are published on this path",
            request_id,
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, DELETE"));
        return r;
    }
    let identity = match admit(fake, &parts, body, request_id).await {
        Ok((_, identity, _)) => identity,
        Err(refused) => return refused,
    };
    let sees = |e: &JournalEntry| identity.sees(e.project().as_deref());
    if parts.method == Method::DELETE {
        if identity.projects.is_none() {
            fake.journal().clear();
        } else {
            fake.journal().forget(sees);
        }
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        return r;
    }
    let (stats, entries) = fake.journal().scoped(sees);
    let journal = Journal {
        stats,
        entries: entries.iter().map(JournalEntry::redacted).collect(),
    };
    // Up to the journal's bytes of JSON: written off the threads that serve connections.
    let text = tokio::task::spawn_blocking(move || serde_json::to_string(&journal))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    plain(StatusCode::OK, JSON_UTF8, text)
}
