//! Each operation: its request read with the bindings' types (query checked against the
//! generated descriptor), the store's step, and the answer written with the bindings' response
//! types, in the shape the API pages give.

use axum::http::StatusCode;
use axum::response::Response;
use secmaster::VersionStatus;
use secmaster::bindings::Operation;
use secmaster::bindings::types::ListAopWorkflowInstanceResponse;
use secmaster::bindings::types::{
    CreateAopWorkflowResponse, CreateAopWorkflowVersionApprovelResponse,
    CreateAopWorkflowVersionResponse, DeleteAopWorkflowResponse, DeleteAopWorkflowVersionResponse,
    ExportAopworkflowInfo, ListAopWorkflowVersionsResponse, ListWorkflowsResponse,
    ShowAopWorkflowResponse, ShowAopWorkflowVersionResponse, UpdateAopWorkflowResponse,
    UpdateAopWorkflowVersionResponse, ValidateAopWorkflowVersionResponse,
};
use serde::Serialize;

use crate::query::Query;
use crate::server::{JSON_UTF8, plain};
use crate::store::{self, Caller, Rejection, Store, codes, listed, reject};

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
    /// The fake's clock, and when a run started now ends by itself.
    pub now: std::time::SystemTime,
    pub run_ends: std::time::SystemTime,
}

/// An envelope with `data`: `{code, message, success, request_id, data}` of response type `$ty`.
macro_rules! envelope {
    ($ty:ident, $request_id:expr, $data:expr) => {
        $ty {
            code: Some(OK.to_owned()),
            message: Some(String::new()),
            success: Some(true),
            request_id: Some($request_id.to_owned()),
            data: Some($data),
        }
    };
}

/// Runs the request's operation on `store` and answers it. Every change is one step under the
/// store's lock (the caller's): applied whole, with the next sequence number, or refused whole.
///
/// A change's answer carries `X-Fake-Sequence`, the number the store gave it: the order in
/// which concurrent changes were applied.
pub(crate) fn answer(store: &mut Store, r: &Request<'_>) -> Response {
    let mut seq = None;
    let mut response = match run(store, r, &mut seq) {
        Ok(response) => response,
        Err(rejection) => refusal(&rejection),
    };
    if let Some(seq) = seq {
        response
            .headers_mut()
            .insert(SEQUENCE, axum::http::HeaderValue::from(seq));
    }
    response
}

/// The header that numbers the changes in the order the store applied them.
pub const SEQUENCE: &str = "x-fake-sequence";

/// What every operation reads off its request.
struct Ctx<'a> {
    project: &'a str,
    workspace: &'a str,
    /// The resource of the path (workflow, version or instance), `""` when it has none.
    id: &'a str,
    query: Query,
}

fn run(store: &mut Store, r: &Request<'_>, seq: &mut Option<u64>) -> Result<Response, Rejection> {
    let ctx = Ctx {
        project: r.params[0].as_str(),
        workspace: r.params[1].as_str(),
        id: r.params.get(2).map_or("", String::as_str),
        query: Query::read(r.op, r.query)?,
    };
    let family = match r.op.id {
        "ListWorkflows" | "CreateAopWorkflow" | "ShowAopWorkflow" | "UpdateAopWorkflow"
        | "DeleteAopWorkflow" | "ExportAopworkflow" | "ImportAopworkflow" => workflows,
        "ListAopWorkflowVersions"
        | "CreateAopWorkflowVersion"
        | "ShowAopWorkflowVersion"
        | "UpdateAopWorkflowVersion"
        | "DeleteAopWorkflowVersion"
        | "CreateAopWorkflowVersionApprovel"
        | "ValidateAopWorkflowVersion" => versions,
        "CreateWorkflowInstance"
        | "ListAopWorkflowInstance"
        | "ShowAopWorkflowInstance"
        | "UpdateWorkflowInstance" => runs,
        other => {
            return Err(reject(
                codes::MALFORMED_BODY,
                format!("the fake does not serve {other} yet"),
            ));
        }
    };
    family(store, r, &ctx, seq)
}

/// Workflows, and moving them in and out as files.
fn workflows(
    store: &mut Store,
    r: &Request<'_>,
    ctx: &Ctx<'_>,
    seq: &mut Option<u64>,
) -> Result<Response, Rejection> {
    let (project, workspace, id, query) = (ctx.project, ctx.workspace, ctx.id, &ctx.query);
    let (rid, caller) = (r.request_id, r.caller);
    Ok(match r.op.id {
        "ListWorkflows" => {
            let list = query.workflow_list()?;
            let (page, total) = store.space(project, workspace)?.list(&list);
            json(&ListWorkflowsResponse {
                code: Some(OK.to_owned()),
                message: Some(String::new()),
                success: Some(true),
                request_id: Some(rid.to_owned()),
                total: Some(total as i64),
                offset: Some(list.offset as i64),
                limit: Some(list.limit as i64),
                size: Some(page.len() as i64),
                page: Some(pages(total, list.limit)),
                data: page,
            })
        }
        "CreateAopWorkflow" => {
            let body = store::body(r.body)?;
            let ids = (project, workspace);
            let created = changed(
                seq,
                store.change(project, workspace, |s| s.create(body, caller, ids))?,
            );
            json(&envelope!(CreateAopWorkflowResponse, rid, created))
        }
        "ShowAopWorkflow" => {
            let w = store.space(project, workspace)?.flow(id)?.info.clone();
            json(&envelope!(ShowAopWorkflowResponse, rid, w))
        }
        "UpdateAopWorkflow" => {
            let updated = changed(
                seq,
                store.change(project, workspace, |s| s.update(id, r.body, caller))?,
            );
            json(&envelope!(UpdateAopWorkflowResponse, rid, updated))
        }
        "DeleteAopWorkflow" => {
            let deleted = changed(seq, store.change(project, workspace, |s| s.delete(id))?);
            json(&envelope!(DeleteAopWorkflowResponse, rid, deleted))
        }
        "ExportAopworkflow" => {
            let body: ExportAopworkflowInfo = store::body(r.body)?;
            let file = store.space(project, workspace)?.export(&body.id)?;
            let mut response = plain(StatusCode::OK, "application/octet-stream", file);
            response.headers_mut().insert(
                axum::http::header::CONTENT_DISPOSITION,
                axum::http::HeaderValue::from_static("attachment; filename=\"workflows.json\""),
            );
            response
        }
        "ImportAopworkflow" => {
            let file = r.upload.ok_or_else(|| {
                reject(
                    codes::MALFORMED_BODY,
                    "the body is not a multipart/form-data form with an uploadFile part",
                )
            })?;
            let ids = (project, workspace);
            changed(
                seq,
                store.change(project, workspace, |s| s.import(file, caller, ids))?,
            );
            acknowledged(rid)
        }
        _ => unreachable!("dispatched by run"),
    })
}

/// Versions, their review, and topology checks.
fn versions(
    store: &mut Store,
    r: &Request<'_>,
    ctx: &Ctx<'_>,
    seq: &mut Option<u64>,
) -> Result<Response, Rejection> {
    let (project, workspace, id, query) = (ctx.project, ctx.workspace, ctx.id, &ctx.query);
    let (rid, caller) = (r.request_id, r.caller);
    Ok(match r.op.id {
        "ListAopWorkflowVersions" => {
            let status = query.text("status");
            if let Some(status) = &status {
                listed!(
                    "status",
                    VersionStatus::from(status.as_str()),
                    VersionStatus
                );
            }
            let space = store.space(project, workspace)?;
            let versions = space.versions(id, status.as_deref())?;
            let n = versions.len() as i64;
            json(&ListAopWorkflowVersionsResponse {
                code: Some(OK.to_owned()),
                message: Some(String::new()),
                success: Some(true),
                request_id: Some(rid.to_owned()),
                total: Some(n),
                offset: Some(0),
                limit: Some(n),
                size: Some(n),
                page: Some(1),
                data: versions,
            })
        }
        "CreateAopWorkflowVersion" => {
            let body = store::body(r.body)?;
            let created = changed(
                seq,
                store.change(project, workspace, |s| s.create_version(id, body, caller))?,
            );
            json(&envelope!(CreateAopWorkflowVersionResponse, rid, created))
        }
        "ShowAopWorkflowVersion" => {
            let v = store.space(project, workspace)?.version(id)?;
            json(&envelope!(ShowAopWorkflowVersionResponse, rid, v))
        }
        "UpdateAopWorkflowVersion" => {
            let body = store::body(r.body)?;
            let updated = changed(
                seq,
                store.change(project, workspace, |s| s.update_version(id, body, caller))?,
            );
            json(&envelope!(UpdateAopWorkflowVersionResponse, rid, updated))
        }
        "DeleteAopWorkflowVersion" => {
            let deleted = changed(
                seq,
                store.change(project, workspace, |s| s.delete_version(id))?,
            );
            json(&envelope!(DeleteAopWorkflowVersionResponse, rid, deleted))
        }
        "CreateAopWorkflowVersionApprovel" => {
            let body = store::body(r.body)?;
            let review = changed(
                seq,
                store.change(project, workspace, |s| s.review(id, body, caller))?,
            );
            json(&CreateAopWorkflowVersionApprovelResponse {
                code: Some(OK.to_owned()),
                message: Some(String::new()),
                data: Some(review),
            })
        }
        "ValidateAopWorkflowVersion" => {
            let body = store::body(r.body)?;
            let result = store.space(project, workspace)?.validate(body)?;
            json(&ValidateAopWorkflowVersionResponse {
                code: Some(OK.to_owned()),
                message: Some(String::new()),
                success: Some(true),
                request_id: Some(rid.to_owned()),
                data: result,
            })
        }
        _ => unreachable!("dispatched by run"),
    })
}

/// Runs and the commands to them.
fn runs(
    store: &mut Store,
    r: &Request<'_>,
    ctx: &Ctx<'_>,
    seq: &mut Option<u64>,
) -> Result<Response, Rejection> {
    let (project, workspace, id, query) = (ctx.project, ctx.workspace, ctx.id, &ctx.query);
    let (rid, caller) = (r.request_id, r.caller);
    Ok(match r.op.id {
        "CreateWorkflowInstance" => {
            let body = store::body(r.body)?;
            let ends = r.run_ends;
            let started = changed(
                seq,
                store.change(project, workspace, |s| s.run(id, body, caller, ends))?,
            );
            json(&started)
        }
        "ListAopWorkflowInstance" => {
            let list = query.instance_list()?;
            let space = store.space_mut(project, workspace)?;
            space.settle(r.now, &caller.now);
            let (instances, total) = space.instances(&list);
            json(&ListAopWorkflowInstanceResponse {
                count: Some(total as i64),
                instances,
            })
        }
        "ShowAopWorkflowInstance" => {
            let topology = query.text("show_topology").as_deref() == Some("true");
            let space = store.space_mut(project, workspace)?;
            space.settle(r.now, &caller.now);
            json(&space.instance(id, topology)?)
        }
        "UpdateWorkflowInstance" => {
            store
                .space_mut(project, workspace)?
                .settle(r.now, &caller.now);
            let ends = r.run_ends;
            changed(
                seq,
                store.change(project, workspace, |s| s.command(id, r.body, caller, ends))?,
            );
            acknowledged(rid)
        }
        _ => unreachable!("dispatched by run"),
    })
}

/// The envelope without `data` of a command or an import.
fn acknowledged(request_id: &str) -> Response {
    json(&serde_json::json!({"code": OK, "message": "", "success": true, "request_id": request_id}))
}

/// A change's result, its sequence number kept for the answer.
fn changed<T>(seq: &mut Option<u64>, (n, out): (u64, T)) -> T {
    *seq = Some(n);
    out
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

/// The pages' 400: `{code, message}`.
pub(crate) fn refusal(rejection: &Rejection) -> Response {
    let body = serde_json::json!({"code": rejection.code, "message": rejection.message});
    plain(StatusCode::BAD_REQUEST, JSON_UTF8, body.to_string())
}
