//! Workflows, and moving them in and out as files.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use secmaster::bindings::types::{
    CreateAopWorkflowResponse, DeleteAopWorkflowResponse, ExportAopworkflowInfo,
    ListWorkflowsResponse, ShowAopWorkflowResponse, UpdateAopWorkflowResponse,
};

use super::{Ctx, OK, Request, acknowledged, envelope, json, pages};
use crate::query::Query;
use crate::server::plain;
use crate::store::{self, Rejection, codes, reject};

pub(super) fn answer(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    let (id, rid, caller) = (ctx.id, r.request_id, r.caller);
    let ids = (ctx.project, ctx.workspace);
    Ok(match r.op.id {
        "ListWorkflows" => {
            let list = query.workflow_list();
            let (page, total) = ctx.read(|s| Ok(s.list(&list)))?;
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
            let created = ctx.change(|s| s.create(body, caller, ids))?;
            json(&envelope!(CreateAopWorkflowResponse, rid, created))
        }
        "ShowAopWorkflow" => {
            let w = ctx.read(|s| Ok(s.flow(id)?.info.clone()))?;
            json(&envelope!(ShowAopWorkflowResponse, rid, w))
        }
        "UpdateAopWorkflow" => {
            ctx.read(|_| Ok(()))?;
            let change = store::parse_update(r.body)?;
            let updated = ctx.change(|s| s.update(id, change, caller))?;
            json(&envelope!(UpdateAopWorkflowResponse, rid, updated))
        }
        "DeleteAopWorkflow" => {
            let deleted = ctx.change(|s| s.delete(id))?;
            json(&envelope!(DeleteAopWorkflowResponse, rid, deleted))
        }
        "ExportAopworkflow" => {
            let body: ExportAopworkflowInfo = store::body(r.body)?;
            let flows = ctx.read(|s| s.exported(&body.id))?;
            let file = store::render_file(&flows);
            let mut response = plain(StatusCode::OK, "application/octet-stream", file);
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"workflows.json\""),
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
            let import = store::parse_file(file, r.limits)?;
            ctx.change(|s| s.import(import, caller, ids))?;
            acknowledged(rid)
        }
        _ => unreachable!("dispatched by run"),
    })
}
