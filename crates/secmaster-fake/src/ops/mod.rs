//! Each operation: its request read with the bindings' types (query checked against the
//! generated descriptor), the store's step, and the answer written with the bindings' response
//! types, in the shape the API pages give.
//!
//! The store is locked for its step alone: reading and checking the request (JSON, Base64,
//! topologies) comes before, writing the answer after. The whole runs on a blocking thread
//! (`server.rs`), never on the threads that serve connections.

mod body;
mod dataclasses;
mod files;
mod generic;
mod playbook_io;
mod playbooks;
mod relations;
mod runs;
mod versions;
mod workflows;
mod workspaces;

use std::cell::Cell;
use std::sync::Mutex;

use axum::http::StatusCode;
use axum::response::Response;
use secmaster::bindings::Operation;
use serde::Serialize;

use crate::Limits;
use crate::query::Query;
use crate::server::{JSON_UTF8, plain};
use crate::store::{Caller, Rejection, Store, Workspace, codes};

/// The success code of every answer.
const OK: &str = "00000000";

/// What a request asks of an operation, as read off the wire.
pub(crate) struct Request<'a> {
    pub op: &'static Operation,
    /// The path parameters, decoded, in path order (project, workspace, then the resource).
    pub params: &'a [String],
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub caller: &'a Caller,
    pub request_id: &'a str,
    /// The file of an upload (ImportAopworkflow's `uploadFile`), read from its form.
    pub upload: Option<&'a [u8]>,
    /// The form's other fields its descriptor names, each with its text (ImportPlaybook's
    /// `upload_model`); checked against the descriptor before the operation runs.
    pub texts: &'a [(&'static str, String)],
    /// The fake's clock.
    pub now: std::time::SystemTime,
    /// When a run started or retried now ends by itself, and when one terminated now is
    /// `TERMINATED`.
    pub ends: crate::store::Ends,
    pub limits: &'a Limits,
}

impl Request<'_> {
    /// The text of the form's field `name`, when it was sent (checked: [`body::form_texts`]).
    fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| text.as_str())
    }
}

/// An envelope with `data`: `{code, message, success, request_id, data}` of response type `$ty`.
macro_rules! envelope {
    ($ty:ident, $request_id:expr, $data:expr) => {
        $ty {
            code: Some($crate::ops::OK.to_owned()),
            message: Some(String::new()),
            success: Some(true),
            request_id: Some($request_id.to_owned()),
            data: Some($data),
        }
    };
}
use envelope;

/// Runs the request's operation and answers it. Every change is one step under the store's
/// lock: applied whole, with the next sequence number, or refused whole.
///
/// A change's answer carries `X-Fake-Sequence`, the number the store gave it: the order in
/// which concurrent changes were applied.
pub(crate) fn answer(store: &Mutex<Store>, r: &Request<'_>) -> Response {
    let ctx = Ctx {
        project: r.params.first().map_or("", String::as_str),
        // `""` for an operation of the project (ListWorkspaces, CreateWorkspace).
        workspace: r.params.get(1).map_or("", String::as_str),
        id: r.params.get(2).map_or("", String::as_str),
        store,
        seq: Cell::new(None),
    };
    let mut response = match run(&ctx, r) {
        Ok(response) => response,
        Err(rejection) => refusal(r.op, &rejection),
    };
    if let Some(seq) = ctx.seq.get() {
        response
            .headers_mut()
            .insert(SEQUENCE, axum::http::HeaderValue::from(seq));
    }
    response
}

/// The header that numbers the changes in the order the store applied them.
pub const SEQUENCE: &str = "x-fake-sequence";

/// What every operation reads off its request, and its way to the store.
struct Ctx<'a> {
    project: &'a str,
    workspace: &'a str,
    /// The resource of the path (workflow, version or instance), `""` when it has none.
    id: &'a str,
    store: &'a Mutex<Store>,
    /// The sequence number of the change made, or of the last run ended, if any.
    seq: Cell<Option<u64>>,
}

impl Ctx<'_> {
    /// Reads the workspace under the lock.
    fn read<T>(&self, f: impl FnOnce(&Workspace) -> Result<T, Rejection>) -> Result<T, Rejection> {
        let store = crate::lock(self.store);
        f(store.space(self.project, self.workspace)?)
    }

    /// Changes the workspace under the lock, as one step with the next sequence number.
    fn change<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<T, Rejection>,
    ) -> Result<T, Rejection> {
        let mut store = crate::lock(self.store);
        let (seq, out) = store.change(self.project, self.workspace, f)?;
        self.seq.set(Some(seq));
        Ok(out)
    }

    /// Runs `f` on the workspace as [`Ctx::change`] would, held to the same limits, and keeps
    /// nothing.
    fn trial<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<T, Rejection>,
    ) -> Result<T, Rejection> {
        let mut store = crate::lock(self.store);
        Ok(store.apply(self.project, self.workspace, f, false)?.1)
    }

    /// Ends the runs whose time has come (each end takes a sequence number), then reads the
    /// workspace, under one lock.
    fn settled<T>(
        &self,
        r: &Request<'_>,
        f: impl FnOnce(&Workspace) -> Result<T, Rejection>,
    ) -> Result<T, Rejection> {
        let mut store = crate::lock(self.store);
        let ended = store
            .space_mut(self.project, self.workspace)?
            .settle(r.now, &r.caller.now);
        if let Some(seq) = store.number(ended) {
            self.seq.set(Some(seq));
        }
        f(store.space(self.project, self.workspace)?)
    }
}

/// The operations the fake serves, by the module that answers them.
#[derive(Debug, PartialEq, Eq)]
enum Family {
    Workflows,
    Versions,
    Runs,
    Playbooks,
}

/// Who answers operation `id`; `None` for one routed from the generated operations but not
/// served by the fake.
fn family(id: &str) -> Option<Family> {
    Some(match id {
        "ListWorkflows" | "CreateAopWorkflow" | "ShowAopWorkflow" | "UpdateAopWorkflow"
        | "DeleteAopWorkflow" | "ExportAopworkflow" | "ImportAopworkflow" => Family::Workflows,
        "ListAopWorkflowVersions"
        | "CreateAopWorkflowVersion"
        | "ShowAopWorkflowVersion"
        | "UpdateAopWorkflowVersion"
        | "DeleteAopWorkflowVersion"
        | "CreateAopWorkflowVersionApprovel"
        | "ValidateAopWorkflowVersion" => Family::Versions,
        "CreateWorkflowInstance"
        | "ListAopWorkflowInstance"
        | "ShowAopWorkflowInstance"
        | "UpdateWorkflowInstance" => Family::Runs,
        id if playbooks::OPERATIONS.contains(&id) => Family::Playbooks,
        _ => return None,
    })
}

fn run(ctx: &Ctx<'_>, r: &Request<'_>) -> Result<Response, Rejection> {
    // A missing workspace is the service's 403 before anything else of the request is read.
    if r.op.path_params().any(|p| p == "workspace_id") {
        crate::lock(ctx.store).space(ctx.project, ctx.workspace)?;
    }
    body::form_texts(r)?;
    let Some(family) = family(r.op.id) else {
        // A family the spec alone describes: served by the generic store.
        return match generic::role(r.op.id) {
            Some((family, role)) => {
                let query = Query::read(r.op, r.query)?;
                generic::answer(ctx, r, &query, family, role)
            }
            None => Ok(unserved(r.op.id)),
        };
    };
    let query = Query::read(r.op, r.query)?;
    match family {
        Family::Workflows => workflows::answer(ctx, r, &query),
        Family::Versions => versions::answer(ctx, r, &query),
        Family::Runs => runs::answer(ctx, r, &query),
        Family::Playbooks => playbooks::answer(ctx, r, &query),
    }
}

/// The answer to an operation the fake does not serve: 501 `{code, message}` with
/// [`codes::NOT_SERVED`], naming it.
fn unserved(id: &str) -> Response {
    let message = format!("the fake does not serve {id}");
    let body = serde_json::json!({"code": codes::NOT_SERVED, "message": message});
    plain(StatusCode::NOT_IMPLEMENTED, JSON_UTF8, body.to_string())
}

/// The envelope without `data` of a command or an import.
fn acknowledged(request_id: &str) -> Response {
    json(&serde_json::json!({"code": OK, "message": "", "success": true, "request_id": request_id}))
}

/// Pages of `limit` in `total`.
fn pages(total: usize, limit: usize) -> i64 {
    if limit == 0 {
        0
    } else {
        total.div_ceil(limit) as i64
    }
}

fn json(body: &impl Serialize) -> Response {
    let mut value = serde_json::to_value(body).expect("the bindings' types serialize");
    // The bindings leave an empty list out; the service sends it (`"data": []`), and a client
    // that requires `data` must get it.
    if let Some(fields) = value.as_object_mut()
        && fields.contains_key("total")
    {
        fields
            .entry("data")
            .or_insert_with(|| serde_json::json!([]));
    }
    plain(StatusCode::OK, JSON_UTF8, value.to_string())
}

/// The families whose pages answer a refusal as `{error_code, error_msg}` (the Workspace and
/// Data Class Management chapters); the others' is `{code, message}`. The generated operations
/// do not carry their error schemas, so this is the one list kept by hand.
const ERROR_CODE_FAMILIES: &[&str] = &["workspaces", "dataclasses", "fields", "types"];

/// The pages' refusal (400, or 403 for a missing workspace), in `op`'s chapter's shape.
pub(crate) fn refusal(op: &Operation, rejection: &Rejection) -> Response {
    let gateway_shape =
        generic::role(op.id).is_some_and(|(f, _)| ERROR_CODE_FAMILIES.contains(&f.name));
    let body = if gateway_shape {
        serde_json::json!({"error_code": rejection.code, "error_msg": rejection.message})
    } else {
        serde_json::json!({"code": rejection.code, "message": rejection.message})
    };
    let status = StatusCode::from_u16(rejection.status).unwrap_or(StatusCode::BAD_REQUEST);
    plain(status, JSON_UTF8, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_operation_the_fake_does_not_serve_is_a_501_naming_it() {
        assert_eq!(family("DeleteTheUniverse"), None);
        let answer = unserved("DeleteTheUniverse");
        assert_eq!(answer.status(), StatusCode::NOT_IMPLEMENTED);
        let body = axum::body::to_bytes(answer.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "FAKE.0501");
        assert_eq!(body["message"], "the fake does not serve DeleteTheUniverse");
    }
}
