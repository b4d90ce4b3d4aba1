//! The admin path: the journal over HTTP, for tools that run the fake as a binary.
//!
//! `GET /_fake/journal` answers `{"stats": {..}, "entries": [..]}` (credentials in headers read
//! `***`); `DELETE /_fake/journal` clears it (204). Both need the credentials any operation
//! needs, and are not journaled themselves. Both are scoped to the credentials' projects: an
//! entry whose path names another project is neither shown nor cleared (nor counted in
//! `stats.entries` and `stats.bytes`); an entry whose path names no project (`/nowhere`) is
//! any caller's. Credentials for every project see and clear the whole journal.
//!
//! `POST /_fake/playbooks/{playbook_id}/fire` fires a playbook as its `TIMER` would
//! ([`crate::FakeSecMaster::fire_playbook`]), in whichever workspace of the credentials'
//! projects holds it: `{"instance_id": ..}`, or the API's refusal (`{code, message}`, 400; 404
//! when no workspace the credentials see holds the playbook).

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use crate::admit::admit;
use crate::server::{JSON_UTF8, gateway_error, plain};
use crate::store::{self, Rejection};
use crate::{Inner, JournalEntry, JournalStats};

/// Where the journal is served.
pub(crate) const JOURNAL_PATH: &str = "/_fake/journal";

#[derive(Serialize)]
struct Journal {
    stats: JournalStats,
    entries: Vec<JournalEntry>,
}

/// The gateway's 405 for an admin path called with a method it does not take (one journal
/// line): `(allow, message)`, the methods it takes and what the answer says.
fn wrong_method(
    fake: &Inner,
    parts: &Parts,
    request_id: &str,
    (allow, message): (&'static str, &str),
) -> Response {
    fake.record(JournalEntry::line(parts, 0));
    let status = StatusCode::METHOD_NOT_ALLOWED;
    let mut r = gateway_error(status, "APIGW.0101", message, request_id);
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

pub(crate) async fn journal(fake: &Inner, parts: Parts, body: Body, request_id: &str) -> Response {
    if parts.method != Method::GET && parts.method != Method::DELETE {
        let message = "Only GET and DELETE are published on this path";
        return wrong_method(fake, &parts, request_id, ("GET, DELETE", message));
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

/// Where a playbook is fired: `/_fake/playbooks/{playbook_id}/fire`; the playbook's ID.
pub(crate) fn fire_path(path: &str) -> Option<&str> {
    let id = path
        .strip_prefix("/_fake/playbooks/")?
        .strip_suffix("/fire")?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

pub(crate) async fn fire(
    fake: &Inner,
    parts: Parts,
    body: Body,
    request_id: &str,
    playbook: &str,
) -> Response {
    if parts.method != Method::POST {
        let message = "Only POST is published on this path";
        return wrong_method(fake, &parts, request_id, ("POST", message));
    }
    let identity = match admit(fake, &parts, body, request_id).await {
        Ok((_, identity, _)) => identity,
        Err(refused) => return refused,
    };
    let found = fake.with_store(|s| s.find_playbook(playbook, |p| identity.sees(Some(p))));
    let answer =
        |status: StatusCode, body: serde_json::Value| plain(status, JSON_UTF8, body.to_string());
    let Some((project, workspace)) = found else {
        let message = format!("playbook {playbook} does not exist");
        return answer(
            StatusCode::NOT_FOUND,
            serde_json::json!({"code": crate::codes::UNKNOWN_OBJECT, "message": message}),
        );
    };
    match fake.fire((&project, &workspace), playbook) {
        Ok(instance) => answer(StatusCode::OK, serde_json::json!({"instance_id": instance})),
        Err(r) => answer(
            StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST),
            serde_json::json!({"code": r.code, "message": r.message}),
        ),
    }
}

impl Inner {
    /// Fires playbook `id` of `(project, workspace)` (its runs settled first): the instance's
    /// ID, or the refusal.
    pub(crate) fn fire(
        &self,
        (project, workspace): (&str, &str),
        id: &str,
    ) -> Result<String, Rejection> {
        let caller = store::Caller {
            id: "fake-admin".to_owned(),
            name: "fake-admin".to_owned(),
            now: self.page_time(),
        };
        let now = self.now();
        let ends = now.checked_add(self.run_time).unwrap_or(now);
        let start = store::Start {
            caller: &caller,
            ends,
            limits: &self.limits,
        };
        self.with_store(|s| {
            let ended = s.space_mut(project, workspace)?.settle(now, &caller.now);
            s.number(ended);
            s.change(project, workspace, |ws| ws.fire(id, &start))
                .map(|(_, instance)| instance)
        })
    }
}

impl crate::FakeSecMaster {
    /// Fires playbook `playbook_id` of the workspace as its `TIMER` would: it must be enabled,
    /// its active version triggered by `TIMER`. Returns the playbook instance's ID. Over HTTP:
    /// `POST /_fake/playbooks/{playbook_id}/fire` (see the crate docs).
    ///
    /// # Errors
    /// The refusal, as the API would answer it: the workspace or playbook does not exist, the
    /// playbook is disabled or not triggered by `TIMER`, or the workspace holds all the
    /// instances or runs it may.
    pub fn fire_playbook(
        &self,
        project_id: &str,
        workspace_id: &str,
        playbook_id: &str,
    ) -> Result<String, Rejection> {
        self.inner.fire((project_id, workspace_id), playbook_id)
    }
}
