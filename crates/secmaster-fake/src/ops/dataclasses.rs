//! The Data Class Management chapter: the workspace's data classes (`crate::store` holds the
//! built-in ones and their fields), listed and shown; their types created, deleted (the answer
//! lists the resources still associated: the fake tracks none, so `[]`; `is_delete: false`
//! deletes nothing) and enabled or disabled. A type ID the class does not have refuses the
//! whole request (these answers have no room for per-ID results).

use axum::response::Response;
use secmaster::bindings::Family;
use serde_json::{Value, json};

use super::generic::{fields, kept, list, listed_ids, listing_of_query, one, path_value};
use super::{Ctx, Request, unserved};
use crate::query::Query;
use crate::store::{Rejection, Workspace, codes, reject, select};

/// Refuses type IDs that class `class` does not have.
fn known_types(ws: &Workspace, class: &str, ids: &[String]) -> Result<(), Rejection> {
    let missing = ids.iter().find(|id| {
        ws.record("types", id)
            .map_or(true, |t| t.parent.as_deref() != Some(class))
    });
    match missing {
        Some(id) => Err(reject(
            codes::UNKNOWN_OBJECT,
            format!("type {id} of data class {class} does not exist"),
        )),
        None => Ok(()),
    }
}

pub(super) fn answer(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    query: &Query,
    family: &'static Family,
    role: &str,
) -> Result<Response, Rejection> {
    let class = path_value(r, "dataclass_id").unwrap_or_default();
    let ids = (ctx.project, ctx.workspace);
    match (family.name, role) {
        ("dataclasses" | "fields", "list") => {
            let listing = listing_of_query(query, None);
            let (page, total) = ctx.read(|s| {
                let all = match family.name {
                    "fields" => s.dataclass_fields(ids, &class)?,
                    _ => s.dataclass_views(ids),
                };
                Ok(select(all.iter().map(|v| (v, None)), None, &listing))
            })?;
            list(r, family, page, total, &listing)
        }
        ("dataclasses", "show") => one(r, ctx.read(|s| s.dataclass_view(ids, &class))?),
        ("types", "create") => {
            let (body, _) = fields(r)?;
            let kept = kept(family, r.op);
            let made = ctx.change(|s| {
                s.dataclass_view(ids, &class)?;
                s.create_record(
                    kept,
                    Some(("dataclass_id", class.clone())),
                    body,
                    ids,
                    r.caller,
                )
            })?;
            one(r, made.value)
        }
        ("types", "delete-many") => {
            let (body, _) = fields(r)?;
            let types = listed_ids(r, &json!({"ids": body.get("ids")}))?;
            let delete = body.get("is_delete") == Some(&Value::Bool(true));
            ctx.change(|s| {
                s.dataclass_view(ids, &class)?;
                known_types(s, &class, &types)?;
                if delete {
                    s.delete_records("types", &types);
                }
                Ok(())
            })?;
            one(r, json!([]))
        }
        ("types", "enable") => {
            let (body, _) = fields(r)?;
            let types = listed_ids(r, &json!({"ids": body.get("ids")}))?;
            let enabled =
                json!({"enabled": body.get("enable").cloned().unwrap_or(Value::Bool(true))});
            let kept = kept(family, r.op);
            ctx.change(|s| {
                s.dataclass_view(ids, &class)?;
                known_types(s, &class, &types)?;
                for id in &types {
                    let change = enabled.as_object().cloned().unwrap_or_default();
                    s.update_record(kept, id, change, r.caller)?;
                }
                Ok(())
            })?;
            one(r, json!("success"))
        }
        _ => Ok(unserved(r.op.id)),
    }
}
