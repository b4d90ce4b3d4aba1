//! Versions, their review, and topology checks.

use axum::response::Response;
use secmaster::bindings::types::{
    AopworkflowVersionValidateRes, CreateAopWorkflowVersionApprovelResponse,
    CreateAopWorkflowVersionInfo, CreateAopWorkflowVersionResponse,
    DeleteAopWorkflowVersionResponse, ListAopWorkflowVersionsResponse,
    ModifyAopWorkflowVersionInfo, ShowAopWorkflowVersionResponse, UpdateAopWorkflowVersionResponse,
    ValidateAopWorkflowVersionResponse,
};

use super::{Ctx, OK, Request, envelope, json};
use crate::query::Query;
use crate::store::{self, Rejection};

pub(super) fn answer(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    let (id, rid, caller) = (ctx.id, r.request_id, r.caller);
    Ok(match r.op.id {
        "ListAopWorkflowVersions" => {
            let status = query.text("status");
            let versions = ctx.read(|s| s.versions(id, status.as_deref()))?;
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
            let body: CreateAopWorkflowVersionInfo = store::body(r.body)?;
            store::check_new(&body)?;
            let created = ctx.change(|s| s.create_version(id, body, caller))?;
            json(&envelope!(CreateAopWorkflowVersionResponse, rid, created))
        }
        "ShowAopWorkflowVersion" => {
            let v = ctx.read(|s| s.version(id))?;
            json(&envelope!(ShowAopWorkflowVersionResponse, rid, v))
        }
        "UpdateAopWorkflowVersion" => {
            let body: ModifyAopWorkflowVersionInfo = store::body(r.body)?;
            let checked = store::check_edit(&body);
            let updated = ctx.change(|s| s.update_version(id, body, checked, caller))?;
            json(&envelope!(UpdateAopWorkflowVersionResponse, rid, updated))
        }
        "DeleteAopWorkflowVersion" => {
            let deleted = ctx.change(|s| s.delete_version(id))?;
            json(&envelope!(DeleteAopWorkflowVersionResponse, rid, deleted))
        }
        "CreateAopWorkflowVersionApprovel" => {
            let body = store::body(r.body)?;
            let review = ctx.change(|s| s.review(id, body, caller))?;
            json(&CreateAopWorkflowVersionApprovelResponse {
                code: Some(OK.to_owned()),
                message: Some(String::new()),
                data: Some(review),
            })
        }
        "ValidateAopWorkflowVersion" => {
            let body: AopworkflowVersionValidateRes = store::body(r.body)?;
            store::check_validation(&body)?;
            ctx.read(|s| s.flow(&body.aopworkflow_id).map(drop))?;
            json(&ValidateAopWorkflowVersionResponse {
                code: Some(OK.to_owned()),
                message: Some(String::new()),
                success: Some(true),
                request_id: Some(rid.to_owned()),
                data: store::validate(&body),
            })
        }
        _ => unreachable!("dispatched by run"),
    })
}
