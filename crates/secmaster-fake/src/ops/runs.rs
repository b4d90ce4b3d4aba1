//! Runs and the commands to them. Runs end by themselves when their time is up, settled when a
//! request looks at them; each end takes a sequence number.

use axum::response::Response;
use secmaster::bindings::types::{AopInstanceEventData, ListAopWorkflowInstanceResponse};

use super::{Ctx, Request, acknowledged, json};
use crate::query::Query;
use crate::store::{self, Rejection};

pub(super) fn answer(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    let (id, caller, ends) = (ctx.id, r.caller, r.ends.run);
    let max_context = r.limits.max_run_context_bytes;
    Ok(match r.op.id {
        "CreateWorkflowInstance" => {
            let body: AopInstanceEventData = store::body(r.body)?;
            let input = store::run_context(&body, max_context)?;
            let started = ctx.change(|s| s.run(id, body, input, caller, ends))?;
            json(&started)
        }
        "ListAopWorkflowInstance" => {
            let list = query.instance_list();
            let (instances, total) = ctx.settled(r, |s| Ok(s.instances(&list)))?;
            json(&ListAopWorkflowInstanceResponse {
                count: Some(total as i64),
                instances,
            })
        }
        "ShowAopWorkflowInstance" => {
            let topology = query.text("show_topology").as_deref() == Some("true");
            json(&ctx.settled(r, |s| s.instance(id, topology))?)
        }
        "UpdateWorkflowInstance" => {
            ctx.settled(r, |_| Ok(()))?;
            let command = store::parse_command(r.body, max_context)?;
            ctx.change(|s| s.command(id, command, caller, r.ends))?;
            acknowledged(r.request_id)
        }
        _ => unreachable!("dispatched by run"),
    })
}
