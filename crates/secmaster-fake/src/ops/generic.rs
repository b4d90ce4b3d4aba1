//! The operations of the families the fake serves from the spec alone
//! (`secmaster::bindings::families`): each request read through the bindings' types (the
//! operation's generated codec) and checked against its descriptor (mandatory fields, bounds,
//! enum values, `x-required-when` rules), one step of the generic store
//! ([`crate::store::Record`]), the answer written in the operation's shape and list envelope,
//! through the bindings' types again. Batches answer per ID (`success_ids`, `error_ids`) where
//! their answer has room for it. A few families have a module of their own for what the spec
//! cannot say (`workspaces.rs`, `relations.rs`, `dataclasses.rs`, `files.rs`); a role no module
//! serves is the fake's 501.

use axum::response::Response;
use secmaster::bindings::{Codec, Family, ListStyle, Operation, Shape};
use serde_json::{Value, json};

pub(super) use super::body::{body_fields, fields, listed_ids};
use super::{Ctx, OK, Request, acknowledged, unserved};
use crate::query::Query;
use crate::server::{JSON_UTF8, plain};
use crate::store::{self, Change, Kept, Listing, Rejection, Search, codes, reject, rules};

/// The family and role of operation `id`, when the spec's families name it.
pub(super) fn role(id: &str) -> Option<(&'static Family, &'static str)> {
    secmaster::bindings::families::ALL.iter().find_map(|f| {
        f.operations
            .iter()
            .find(|(_, op)| *op == id)
            .map(|(role, _)| (f, *role))
    })
}

/// Query parameters that page or sort a list, not filters.
const NOT_FILTERS: &[&str] = &[
    "offset",
    "limit",
    "sort_by",
    "sortby",
    "sort_key",
    "order",
    "sort_dir",
    "from_date",
    "to_date",
];

/// How the store keeps `family` (the member its create wraps objects in, its rules), with the
/// `x-required-when` rules of `op`'s body.
pub(super) fn kept(family: &'static Family, op: &'static Operation) -> Kept<'static> {
    let create = family.operation("create").and_then(Operation::find);
    Kept {
        name: family.name,
        wrap: create.and_then(|c| c.request.as_ref()).and_then(|b| b.wrap),
        body: op.request.as_ref(),
        rules: rules::of(family.name),
    }
}

/// The value of path parameter `name`.
pub(super) fn path_value(r: &Request<'_>, name: &str) -> Option<String> {
    let i = r.op.path_params().position(|p| p == name)?;
    r.params.get(i).cloned()
}

pub(super) fn answer(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    query: &Query,
    family: &'static Family,
    role: &str,
) -> Result<Response, Rejection> {
    match family.name {
        "workspaces" => return super::workspaces::answer(ctx, r, query, family, role),
        "relations" => return super::relations::answer(ctx, r, family, role),
        "dataclasses" | "fields" | "types" => {
            return super::dataclasses::answer(ctx, r, query, family, role);
        }
        _ => {}
    }
    let id = family
        .id_param
        .and_then(|p| path_value(r, p))
        .unwrap_or_default();
    let parent = family
        .parent_param
        .and_then(|p| path_value(r, p).map(|v| (p, v)));
    let kept = kept(family, r.op);
    let ids = (ctx.project, ctx.workspace);
    match role {
        "create" => {
            let (fields, _) = fields(r)?;
            let start = super::playbooks::start(r);
            let created = ctx.change(|s| {
                let created = s.create_record(kept, parent, fields, ids, r.caller)?;
                s.trigger(family.name, &created.value, Change::Created, &start);
                Ok(created)
            })?;
            one(r, created.value)
        }
        "show" => one(
            r,
            ctx.read(|s| Ok(s.record(family.name, &id)?.value.clone()))?,
        ),
        "update" | "update-many" => {
            let (change, outer) = fields(r)?;
            let ids = match role {
                "update" => vec![id],
                _ => listed_ids(r, &Value::Object(outer))?,
            };
            one(r, update(ctx, r, kept, &ids, change)?)
        }
        "delete" | "delete-many" => {
            let ids = match role {
                "delete" => vec![id],
                _ => listed_ids(r, &Value::Object(fields(r)?.0))?,
            };
            delete(ctx, r, family, &ids)
        }
        "list" => {
            let listing = listing_of_query(query, parent.map(|(_, v)| v));
            let (page, total) =
                ctx.read(|s| Ok(s.list_records(family.name, kept.wrap, &listing)))?;
            list(r, family, page, total, &listing)
        }
        "search" => {
            let listing = listing_of_body(r, parent.map(|(_, v)| v))?;
            let (page, total) =
                ctx.read(|s| Ok(s.list_records(family.name, kept.wrap, &listing)))?;
            list(r, family, page, total, &listing)
        }
        "batch-order" => super::relations::convert(ctx, r),
        "export" | "import" | "template" => super::files::answer(ctx, r, family, role),
        _ => Ok(unserved(r.op.id)),
    }
}

/// Merges `change` into each of `ids` (each change may trigger a playbook): the last object
/// updated.
fn update(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    kept: Kept<'static>,
    ids: &[String],
    change: serde_json::Map<String, Value>,
) -> Result<Value, Rejection> {
    let start = super::playbooks::start(r);
    ctx.change(|s| {
        let mut last = Value::Null;
        for id in ids {
            last = s.update_record(kept, id, change.clone(), r.caller)?.value;
            s.trigger(kept.name, &last, Change::Updated, &start);
        }
        Ok(last)
    })
}

/// Deletes `ids` of `family`: answered per ID where the operation's answer has room for failed
/// IDs (`Operation::batch`); else every one must exist, and the answer is the object deleted (or
/// nothing, as the operation's shape says).
fn delete(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    family: &'static Family,
    ids: &[String],
) -> Result<Response, Rejection> {
    let start = super::playbooks::start(r);
    if r.op.batch {
        let outcome = ctx.change(|s| Ok(s.delete_triggering(family.name, ids, &start)))?;
        return batch(r, outcome);
    }
    let deleted = ctx.change(|s| {
        let first = ids.iter().try_fold(Value::Null, |first, id| {
            let value = s.record(family.name, id)?.value.clone();
            Ok::<_, Rejection>(if first.is_null() { value } else { first })
        })?;
        s.delete_triggering(family.name, ids, &start);
        Ok(first)
    })?;
    one(r, deleted)
}

/// A list's paging, sort and equality filters, from its query.
pub(super) fn listing_of_query(query: &Query, parent: Option<String>) -> Listing {
    let sort = ["sort_by", "sortby", "sort_key"]
        .iter()
        .find_map(|k| query.text(k))
        .map(|field| {
            let order = query.text("order").or_else(|| query.text("sort_dir"));
            (field, order.as_deref() == Some("DESC"))
        });
    let (offset, limit) = query.page();
    Listing {
        parent,
        filters: query
            .pairs()
            .iter()
            .filter(|(n, _)| !NOT_FILTERS.contains(&n.as_str()))
            .cloned()
            .collect(),
        sort,
        offset,
        limit,
        ..Listing::default()
    }
}

/// A search's paging, sort, time window and condition, from its body (checked against the
/// descriptor first): see [`crate::store::Search`] for the conditions and logics.
pub(super) fn listing_of_body(
    r: &Request<'_>,
    parent: Option<String>,
) -> Result<Listing, Rejection> {
    let (body, _) = fields(r)?;
    Ok(Listing {
        parent,
        ..listing_of_filters(Some(&Value::Object(body)), 10)?
    })
}

/// A search body's listing (an export's `data_object_filters_form`), `limit` by default.
pub(super) fn listing_of_filters(body: Option<&Value>, limit: usize) -> Result<Listing, Rejection> {
    let Some(body) = body else {
        return Ok(Listing {
            limit,
            ..Listing::default()
        });
    };
    let number = |k: &str, default: usize| {
        body.get(k)
            .and_then(Value::as_u64)
            .map_or(default, |n| n as usize)
    };
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let sort = text("sort_by").map(|field| (field, text("order").as_deref() == Some("DESC")));
    let ids = body.get("ids").and_then(Value::as_array).map(|ids| {
        let text = ids.iter().filter_map(Value::as_str);
        text.map(str::to_owned).collect()
    });
    Ok(Listing {
        ids,
        search: Search::parse(body.get("condition"))?,
        window: (text("from_date"), text("to_date")),
        sort,
        offset: number("offset", 0),
        limit: number("limit", limit),
        ..Listing::default()
    })
}

/// `value` as the operation's result type (the bindings' type keeps the fields it knows).
pub(super) fn typed(r: &Request<'_>, value: Value) -> Result<Value, Rejection> {
    match Codec::find(r.op.id).and_then(|c| c.data) {
        Some(check) => check(value).map_err(|e| reject(codes::WRONG_TYPE, e)),
        None => Ok(value),
    }
}

/// The answer with one object, in the operation's shape.
pub(super) fn one(r: &Request<'_>, value: Value) -> Result<Response, Rejection> {
    match r.op.response.shape {
        Shape::Envelope { data: false, .. } => Ok(acknowledged(r.request_id)),
        Shape::Envelope {
            data: true,
            list: false,
        } => {
            let data = typed(r, value)?;
            Ok(json_answer(&envelope(r.request_id, data)))
        }
        Shape::Bare => Ok(json_answer(&typed(r, value)?)),
        Shape::Empty => Ok(no_content()),
        _ => Ok(unserved(r.op.id)),
    }
}

/// The answer of a batch, per ID: `{success_ids, error_ids}` in the operation's shape (both
/// lists sent, even empty, which the bindings' types leave out).
pub(super) fn batch(
    r: &Request<'_>,
    (done, refused): store::Outcome,
) -> Result<Response, Rejection> {
    let mut data = typed(r, json!({"success_ids": done, "error_ids": refused}))?;
    if let Value::Object(fields) = &mut data {
        for name in ["success_ids", "error_ids"] {
            fields.entry(name).or_insert_with(|| json!([]));
        }
    }
    match r.op.response.shape {
        Shape::Envelope { data: true, .. } => Ok(json_answer(&envelope(r.request_id, data))),
        _ => Ok(json_answer(&data)),
    }
}

/// The answer with a page of objects, in the family's list envelope.
pub(super) fn list(
    r: &Request<'_>,
    family: &Family,
    page: Vec<Value>,
    total: usize,
    listing: &Listing,
) -> Result<Response, Rejection> {
    match family.list {
        Some(ListStyle::Envelope { total: with_total }) => {
            let size = page.len();
            let mut answer = envelope(r.request_id, typed(r, Value::Array(page))?);
            if with_total {
                answer["total"] = json!(total);
                // The SOC lists' `size` (this page's items) and `page` (its number, from 0).
                answer["size"] = json!(size);
                answer["page"] = json!(listing.offset.checked_div(listing.limit).unwrap_or(0));
            }
            Ok(json_answer(&answer))
        }
        Some(ListStyle::Bare { items, count }) => {
            let mut answer = json!({ items: page });
            if let Some(count) = count {
                answer[count] = json!(total);
            }
            Ok(json_answer(&typed(r, answer)?))
        }
        _ => Ok(unserved(r.op.id)),
    }
}

/// A success without a body (DeleteWorkspace's 200).
pub(super) fn no_content() -> Response {
    plain(axum::http::StatusCode::OK, JSON_UTF8, String::new())
}

fn envelope(request_id: &str, data: Value) -> Value {
    json!({"code": OK, "message": "", "success": true, "request_id": request_id, "data": data})
}

pub(super) fn json_answer(value: &Value) -> Response {
    plain(axum::http::StatusCode::OK, JSON_UTF8, value.to_string())
}
