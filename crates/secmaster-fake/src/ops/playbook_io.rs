//! What the playbook chapter's operations share: bodies read and checked against the
//! operation's descriptor, answers in the operation's shape (envelope or bare, paged), the
//! store's not-found refusals in the codes the spec's `x-not-found` gives, and the export and
//! import of playbooks (`store/playbook_files.rs`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use secmaster::bindings::{Operation, Shape};
use serde_json::{Map, Value, json};

use super::generic::{body_fields, json_answer, path_value, typed};
use super::{Ctx, OK, Request, acknowledged};
use crate::query::Query;
use crate::server::plain;
use crate::store::playbooks::Obj;
use crate::store::{Imported, Rejection, codes, read_playbooks, reject};

/// The body as an object, checked against the descriptor.
///
/// The spec's `x-required-when` rules hold too: a version ID left out is
/// [`codes::VERSION_REQUIRED`] (as the workflow chapter's), another field [`codes::MISSING_FIELD`].
pub(super) fn body(r: &Request<'_>) -> Result<Obj, Rejection> {
    if r.body.is_empty() && r.op.request.is_none() {
        return Ok(Map::new());
    }
    let (inner, mut outer) = body_fields(r.op, r.body)?;
    let rules = r.op.request.into_iter().flat_map(|b| b.rules());
    let get = |n: &str| inner.get(n).or_else(|| outer.get(n));
    if let Some(rule) = rules.into_iter().find(|rule| rule.is_broken_by_fields(get)) {
        let code = if rule.field.ends_with("version_id") {
            codes::VERSION_REQUIRED
        } else {
            codes::MISSING_FIELD
        };
        let message = format!(
            "{} is mandatory when {} is {}: {}",
            rule.field, rule.when_field, rule.equals, rule.reason
        );
        return Err(reject(code, message));
    }
    Ok(match r.op.request.and_then(|b| b.wrap) {
        // The body as sent (CreatePlaybookRule's `{"rule": {..}}`), the wrapped object checked.
        Some(member) => {
            outer.insert(member.to_owned(), Value::Object(inner));
            outer
        }
        None => inner,
    })
}

/// A body that is a JSON array (CreatePlaybookAction's actions, `RequestBody::array`), read and
/// checked as any body ([`body_fields`]: its one field's items, bounds and enums, through the
/// operation's body type); at most [`crate::Limits::max_objects`] items, whatever the spec
/// allows.
pub(super) fn items(r: &Request<'_>) -> Result<Vec<Value>, Rejection> {
    let (mut fields, _) = body_fields(r.op, r.body)?;
    let name = r.op.request.and_then(|b| b.fields.first()).map(|f| f.name);
    let items = match name.and_then(|name| fields.remove(name)) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    if items.len() > r.limits.max_objects {
        let message = format!(
            "the body has {} items; the fake takes at most {}",
            items.len(),
            r.limits.max_objects
        );
        return Err(reject(codes::LIMIT_EXCEEDED, message));
    }
    Ok(items)
}

/// The answer with `data` (an object or a list), in the operation's shape.
pub(super) fn data(r: &Request<'_>, value: Value) -> Result<Response, Rejection> {
    match r.op.response.shape {
        Shape::Envelope { data: false, .. } => Ok(acknowledged(r.request_id)),
        Shape::Envelope { .. } => Ok(json_answer(&envelope(r, typed(r, value)?))),
        _ => Ok(json_answer(&typed(r, value)?)),
    }
}

pub(super) fn envelope(r: &Request<'_>, data: Value) -> Value {
    json!({"code": OK, "message": "", "success": true, "request_id": r.request_id, "data": data})
}

/// A page of `all` in the envelope with `total`, `size` and `page`.
pub(super) fn paged(
    r: &Request<'_>,
    query: &Query,
    all: Vec<Value>,
) -> Result<Response, Rejection> {
    let (offset, limit) = query.page();
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
    let size = page.len();
    let mut answer = envelope(r, typed(r, Value::Array(page))?);
    answer["total"] = json!(total);
    answer["size"] = json!(size);
    answer["page"] = json!(offset.checked_div(limit).unwrap_or(0));
    Ok(json_answer(&answer))
}

/// A bare list `{count, <items>: [..]}` of one page of `all`.
/// Without `limit` in the query, the whole list (a topology).
pub(super) fn bare(
    r: &Request<'_>,
    query: &Query,
    items: &str,
    all: Vec<Value>,
) -> Result<Response, Rejection> {
    let (offset, limit) = query.page();
    let limit = if query.text("limit").is_some() {
        limit
    } else {
        usize::MAX
    };
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
    let mut answer = typed(r, json!({"count": total, items: page}))?;
    // The bindings leave an empty list out; the service sends it.
    if let Some(fields) = answer.as_object_mut() {
        fields.entry(items).or_insert_with(|| json!([]));
    }
    Ok(json_answer(&answer))
}

/// The value of path parameter `name` (`""` when the path has none).
pub(super) fn path(r: &Request<'_>, name: &str) -> String {
    path_value(r, name).unwrap_or_default()
}

/// A refusal of `op` saying that what its path names does not exist, in the first code the
/// spec's `x-not-found` gives it besides the missing workspace's (a refusal in one of those
/// codes, or of another kind, stays as it is).
pub(super) fn not_found(op: &Operation, e: Rejection) -> Rejection {
    let ours = [codes::UNKNOWN_OBJECT, codes::UNKNOWN_INSTANCE];
    if !ours.contains(&e.code) || op.not_found.iter().any(|n| n.code == e.code) {
        return e;
    }
    match op.not_found.iter().find(|n| n.status != 403) {
        Some(n) => Rejection {
            status: n.status,
            code: n.code,
            ..e
        },
        None => e,
    }
}

/// ExportPlaybook (a file of the playbooks its body's `id` lists, every one when it lists
/// none) and ImportPlaybook (the `uploadFile` of its form; `upload_model` `verify` only checks it).
pub(super) fn files(ctx: &Ctx<'_>, r: &Request<'_>) -> Result<Response, Rejection> {
    if r.op.id == "ExportPlaybook" {
        let body = body(r)?;
        let ids: Vec<String> = body
            .get("id")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        super::body::within_batch(r, ids.len())?;
        // Each playbook once, in the order first listed.
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<String> = ids
            .into_iter()
            .filter(|id| seen.insert(id.clone()))
            .collect();
        let most = r.limits.max_workspace_bytes;
        let file = ctx.read(|s| s.export_playbooks(&ids, most))?;
        let mut response = plain(StatusCode::OK, "application/octet-stream", file.to_string());
        response.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"playbooks.json\""),
        );
        return Ok(response);
    }
    let upload = r.upload.ok_or_else(|| {
        let message = "the body is not a multipart/form-data form with an uploadFile part";
        reject(codes::MALFORMED_BODY, message)
    })?;
    let file: Value = serde_json::from_slice(upload)
        .map_err(|e| reject(codes::MALFORMED_FILE, format!("the file is not JSON: {e}")))?;
    let read = checked(read_playbooks(&file)?, ctx.workspace)?;
    let ids = (ctx.project, ctx.workspace);
    // `verify` checks the file as an import would (names taken and the workspace's limits
    // included) and keeps nothing; `import` is the default.
    if r.text("upload_model") == Some("verify") {
        ctx.trial(|s| s.import_playbooks(&read, ids, r.caller))?;
    } else {
        ctx.change(|s| s.import_playbooks(&read, ids, r.caller))?;
    }
    Ok(acknowledged(r.request_id))
}

/// The playbooks and versions of a file, each checked (before the store is locked) against the
/// descriptor of the operation that creates it, CreatePlaybook's or CreatePlaybookVersion's (a
/// version's rule and actions with it), and read through its body type; the first that fails
/// refuses the whole file.
fn checked(read: Vec<Imported>, workspace: &str) -> Result<Vec<Imported>, Rejection> {
    let op = |id: &str| {
        Operation::find(id).ok_or_else(|| reject(codes::MALFORMED_FILE, format!("no {id}")))
    };
    let (create, version) = (op("CreatePlaybook")?, op("CreatePlaybookVersion")?);
    let check = |op: &Operation, body: &Obj, what: String| {
        let (fields, _) = body_fields(op, Value::Object(body.clone()).to_string().as_bytes())
            .map_err(|e| reject(e.code, format!("{what}: {}", e.message)))?;
        Ok::<_, Rejection>(fields)
    };
    let mut out = Vec::new();
    for (i, (mut p, versions)) in read.into_iter().enumerate() {
        // The workspace is the import's (CreatePlaybook's body names it).
        p.insert("workspace_id".to_owned(), json!(workspace));
        let p = check(create, &p, format!("playbook {}", i + 1))?;
        let mut kept = Vec::new();
        for (j, v) in versions.iter().enumerate() {
            kept.push(check(
                version,
                v,
                format!("playbook {}, version {}", i + 1, j + 1),
            )?);
        }
        out.push((p, kept));
    }
    Ok(out)
}
