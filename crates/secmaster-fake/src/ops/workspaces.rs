//! The Workspace Management chapter: workspaces of a project (`crate::store` keeps them, each
//! scoping what it holds). Bodies and answers go through the generic family's checks and
//! shapes; ShowWorkspace wraps the workspace in `{workspace}`, its item schema.

use axum::response::Response;
use secmaster::bindings::Family;
use serde_json::json;

use super::generic::{fields, list, listing_of_query, one};
use super::{Ctx, Request, unserved};
use crate::query::Query;
use crate::store::Rejection;

pub(super) fn answer(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    query: &Query,
    family: &'static Family,
    role: &str,
) -> Result<Response, Rejection> {
    let (project, id) = (ctx.project, ctx.workspace);
    // The body is read and checked before the store is locked.
    let body = match role {
        "create" | "update" => fields(r)?.0,
        _ => Default::default(),
    };
    let mut store = crate::lock(ctx.store);
    let (seq, value) = match role {
        "list" => {
            let listing = listing_of_query(query, None);
            let (page, total) = store.list_workspaces(project, &listing);
            drop(store);
            return list(r, family, page, total, &listing);
        }
        "show" => return one(r, json!({"workspace": store.show_workspace(project, id)?})),
        "create" => store.create_workspace(project, body, r.caller)?,
        "update" => store.update_workspace(project, id, body, r.caller)?,
        "delete" => (store.delete_workspace(project, id)?, json!(null)),
        _ => return Ok(unserved(r.op.id)),
    };
    drop(store);
    ctx.seq.set(Some(seq));
    one(r, value)
}
