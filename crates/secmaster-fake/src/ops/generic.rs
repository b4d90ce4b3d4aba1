//! The operations of the families the fake serves from the spec alone
//! (`secmaster::bindings::families`): each request read through the bindings' types (the
//! operation's generated codec) and checked against its descriptor (mandatory fields, bounds,
//! enum values), one step of the generic store ([`crate::store::Record`]), the answer written in
//! the operation's shape and list envelope, through the bindings' types again. A role the store
//! does not serve (an export, an import, an action) is the fake's 501.

use axum::response::Response;
use secmaster::bindings::{Codec, Family, ListStyle, Shape};
use serde_json::{Map, Value, json};

use super::{Ctx, OK, Request, acknowledged, unserved};
use crate::query::Query;
use crate::server::{JSON_UTF8, plain};
use crate::store::{self, Listing, Plain, Rejection, codes, reject};

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

pub(super) fn answer(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    query: &Query,
    family: &'static Family,
    role: &str,
) -> Result<Response, Rejection> {
    let value = |name: Option<&str>| {
        let name = name?;
        let i = r.op.path_params().position(|p| p == name)?;
        r.params.get(i).cloned()
    };
    let id = value(family.id_param).unwrap_or_default();
    let parent = family
        .parent_param
        .and_then(|p| value(Some(p)).map(|v| (p, v)));
    let name = family.name;
    let ids = (ctx.project, ctx.workspace);
    match role {
        "create" => {
            let fields = fields(r)?;
            let parent = parent.as_ref().map(|(p, v)| (*p, v.clone()));
            let created =
                ctx.change(|s| s.create_record(name, parent, fields, ids, r.caller, &Plain))?;
            one(r, created.value)
        }
        "show" => one(r, ctx.read(|s| Ok(s.record(name, &id)?.value.clone()))?),
        "update" => {
            let change = fields(r)?;
            let updated = ctx.change(|s| s.update_record(name, &id, change, r.caller, &Plain))?;
            one(r, updated.value)
        }
        "delete" => {
            let mut deleted = ctx.change(|s| s.delete_records(name, &[id], &Plain))?;
            one(r, deleted.pop().map_or(Value::Null, |d| d.value))
        }
        "delete-many" => {
            let ids = listed_ids(r)?;
            ctx.change(|s| s.delete_records(name, &ids, &Plain))?;
            Ok(match r.op.response.shape {
                Shape::Empty => no_content(),
                _ => acknowledged(r.request_id),
            })
        }
        "list" => {
            let listing = listing_of_query(query, parent.map(|(_, v)| v));
            let (page, total) = ctx.read(|s| Ok(s.list_records(name, &listing)))?;
            list(r, family, page, total)
        }
        "search" => {
            let listing = listing_of_body(r, parent.map(|(_, v)| v))?;
            let (page, total) = ctx.read(|s| Ok(s.list_records(name, &listing)))?;
            list(r, family, page, total)
        }
        _ => Ok(unserved(r.op.id)),
    }
}

/// The body's fields, read through the operation's body type and checked against its
/// descriptor; a body that only wraps an object gives the object's.
fn fields(r: &Request<'_>) -> Result<Map<String, Value>, Rejection> {
    store::parse_object(r.body)?;
    let codec = Codec::find(r.op.id).and_then(|c| c.body);
    let typed = match codec {
        Some(read) => read(r.body).map_err(|e| {
            let code = if e.starts_with("missing field") {
                codes::MISSING_FIELD
            } else {
                codes::WRONG_TYPE
            };
            reject(code, e)
        })?,
        None => serde_json::from_slice(r.body).unwrap_or(Value::Null),
    };
    let request = r.op.request;
    let inner = match request.and_then(|b| b.wrap) {
        Some(member) => typed.get(member).cloned().unwrap_or(Value::Null),
        None => typed,
    };
    let Value::Object(fields) = inner else {
        return Err(reject(codes::MALFORMED_BODY, "the body holds no object"));
    };
    for field in request.map(|b| b.fields).unwrap_or_default() {
        if let Some(problem) = fields.get(field.name).and_then(|v| field.problem(v)) {
            return Err(reject(
                codes::INVALID_PARAMETER,
                format!("{} {problem}", field.name),
            ));
        }
    }
    Ok(fields)
}

/// The IDs a batch names: the body's first list of text.
fn listed_ids(r: &Request<'_>) -> Result<Vec<String>, Rejection> {
    let body = store::parse_object(r.body)?;
    let found = body.as_object().into_iter().flatten().find_map(|(_, v)| {
        let items = v.as_array()?;
        items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
    });
    found.ok_or_else(|| reject(codes::MISSING_FIELD, "the body lists no IDs"))
}

fn listing_of_query(query: &Query, parent: Option<String>) -> Listing {
    let sort = ["sort_by", "sortby", "sort_key"]
        .iter()
        .find_map(|k| query.text(k))
        .map(|field| {
            let order = query.text("order").or_else(|| query.text("sort_dir"));
            (field, order.as_deref() == Some("DESC"))
        });
    Listing {
        parent,
        filters: query
            .pairs()
            .iter()
            .filter(|(n, _)| !NOT_FILTERS.contains(&n.as_str()))
            .cloned()
            .collect(),
        sort,
        offset: query
            .text("offset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        limit: query
            .text("limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10),
    }
}

/// A search's paging, sort and conditions, from its body (`{offset, limit, sort_by, order,
/// condition: {conditions: [{name, data: [field, operator, value]}]}}`): every condition must
/// hold; the operators are `=` (also `==`, `EQUAL`) and `!=`.
fn listing_of_body(r: &Request<'_>, parent: Option<String>) -> Result<Listing, Rejection> {
    let body = store::parse_object(r.body)?;
    let number = |k: &str, default: usize| {
        body.get(k)
            .and_then(Value::as_u64)
            .map_or(default, |n| n as usize)
    };
    let mut filters = Vec::new();
    let conditions = body["condition"]["conditions"].as_array().cloned();
    for c in conditions.unwrap_or_default() {
        let data = c["data"].as_array().cloned().unwrap_or_default();
        let [field, operator, value] = data.as_slice() else {
            return Err(reject(
                codes::INVALID_PARAMETER,
                "a condition's data is [field, operator, value]",
            ));
        };
        let text = |v: &Value| {
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string())
        };
        match operator.as_str() {
            Some("=" | "==" | "EQUAL") => filters.push((text(field), text(value))),
            other => {
                return Err(reject(
                    codes::NOT_SERVED,
                    format!("the fake does not serve the search operator {other:?}"),
                ));
            }
        }
    }
    let sort = body.get("sort_by").and_then(Value::as_str).map(|field| {
        let desc = body.get("order").and_then(Value::as_str) == Some("DESC");
        (field.to_owned(), desc)
    });
    Ok(Listing {
        parent,
        filters,
        sort,
        offset: number("offset", 0),
        limit: number("limit", 10),
    })
}

/// `value` as the operation's result type (the bindings' type keeps the fields it knows).
fn typed(r: &Request<'_>, value: Value) -> Result<Value, Rejection> {
    match Codec::find(r.op.id).and_then(|c| c.data) {
        Some(check) => check(value).map_err(|e| reject(codes::WRONG_TYPE, e)),
        None => Ok(value),
    }
}

/// The answer with one object, in the operation's shape.
fn one(r: &Request<'_>, value: Value) -> Result<Response, Rejection> {
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

/// The answer with a page of objects, in the family's list envelope.
fn list(
    r: &Request<'_>,
    family: &Family,
    page: Vec<Value>,
    total: usize,
) -> Result<Response, Rejection> {
    match family.list {
        Some(ListStyle::Envelope { total: with_total }) => {
            let mut answer = envelope(r.request_id, typed(r, Value::Array(page))?);
            if with_total {
                answer["total"] = json!(total);
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

/// A success without a body.
fn no_content() -> Response {
    plain(axum::http::StatusCode::NO_CONTENT, JSON_UTF8, String::new())
}

fn envelope(request_id: &str, data: Value) -> Value {
    json!({"code": OK, "message": "", "success": true, "request_id": request_id, "data": data})
}

fn json_answer(value: &Value) -> Response {
    plain(axum::http::StatusCode::OK, JSON_UTF8, value.to_string())
}
