//! Exports, imports and templates of alerts, incidents and indicators, in the fake's CSV
//! (`crate::store` documents the format). A family's columns are the fields of its create body
//! (the template is their header row); an export's `title` picks and orders them, and its
//! `data_object_filters_form` is a search's body (conditions, window, sort; every match, or
//! its `offset` and `limit`). An import (multipart `uploadFile`, at most 4 MiB) reads each row
//! as that create's body, checked as a create is (mandatory fields, bounds, enums, rules),
//! into the importing workspace (the row's `id` and times are the fake's); one bad row refuses
//! the whole file, naming the row.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use secmaster::bindings::{Family, FieldKind, Operation, RequestBody};
use serde_json::{Map, Value, json};

use super::generic::{body_fields, fields, kept, listing_of_filters, one};
use super::{Ctx, Request, unserved};
use crate::server::plain;
use crate::store::{Rejection, codes, csv, lookup, reject};

/// The largest file an import takes.
const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Cells the fake fills itself on import.
const NOT_IMPORTED: &[&str] = &["id", "create_time", "update_time", "project_id"];

fn file(name: &str, body: String) -> Response {
    let mut response = plain(StatusCode::OK, "application/octet-stream", body);
    let disposition = format!("attachment; filename=\"{name}\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub(super) fn answer(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    family: &'static Family,
    role: &str,
) -> Result<Response, Rejection> {
    let create = family.operation("create").and_then(Operation::find);
    let Some(body) = create.and_then(|op| op.request.as_ref()) else {
        return Ok(unserved(r.op.id));
    };
    let columns: Vec<&str> = body
        .fields
        .iter()
        .filter(|f| !f.outer)
        .map(|f| f.name)
        .collect();
    let name = family.name;
    match role {
        "template" => Ok(file(
            &format!("{name}-template.csv"),
            csv::write(&columns, &[]),
        )),
        "export" => {
            let (asked, _) = fields(r)?;
            let titles: Vec<String> = match asked.get("title").and_then(Value::as_array) {
                Some(titles) => titles
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
                None => columns.iter().map(|c| (*c).to_owned()).collect(),
            };
            if let Some(odd) = titles.iter().find(|t| !columns.contains(&t.as_str())) {
                return Err(reject(
                    codes::INVALID_PARAMETER,
                    format!("title: `{odd}` is not a column of {name}"),
                ));
            }
            let listing =
                listing_of_filters(asked.get("data_object_filters_form"), r.limits.max_objects)?;
            let wrap = body.wrap;
            let (found, _) = ctx.read(|s| Ok(s.list_records(name, wrap, &listing)))?;
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|v| {
                    titles
                        .iter()
                        .map(|t| csv::cell(lookup(v, wrap, t)))
                        .collect()
                })
                .collect();
            let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
            Ok(file(&format!("{name}.csv"), csv::write(&titles, &rows)))
        }
        "import" => import(ctx, r, family, create.expect("found"), body),
        _ => Ok(unserved(r.op.id)),
    }
}

/// A cell as the field's JSON value.
fn value(kind: FieldKind, text: &str) -> Result<Value, String> {
    let parsed = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
    match kind {
        FieldKind::Integer { .. }
        | FieldKind::IntegerEnum { .. }
        | FieldKind::Number
        | FieldKind::Boolean => parsed(text.trim()),
        FieldKind::Object | FieldKind::Map { .. } | FieldKind::Array { .. } => parsed(text),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// The rows of an uploaded file, each as the create body's object.
fn rows(
    bytes: &[u8],
    body: &RequestBody,
    workspace: &str,
) -> Result<Vec<Map<String, Value>>, Rejection> {
    let mut rows = csv::read(bytes)?.into_iter();
    let header = rows.next().unwrap_or_default();
    let bad = |why: String| reject(codes::MALFORMED_FILE, why);
    let mut kinds = Vec::new();
    for column in &header {
        let field = body.fields.iter().find(|f| f.name == column && !f.outer);
        kinds.push(
            field
                .ok_or_else(|| bad(format!("`{column}` is not a column of the template")))?
                .kind,
        );
    }
    let mut objects = Vec::new();
    for (i, row) in rows.enumerate() {
        let mut object = Map::new();
        for ((column, kind), text) in header.iter().zip(&kinds).zip(&row) {
            if text.is_empty() || NOT_IMPORTED.contains(&column.as_str()) {
                continue;
            }
            let value =
                value(*kind, text).map_err(|e| bad(format!("row {}: {column}: {e}", i + 2)))?;
            object.insert(column.clone(), value);
        }
        if object.contains_key("workspace_id") {
            object.insert("workspace_id".to_owned(), json!(workspace));
        }
        objects.push(object);
    }
    if objects.is_empty() {
        return Err(bad("the file holds no row to import".to_owned()));
    }
    Ok(objects)
}

fn import(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    family: &'static Family,
    create: &'static Operation,
    body: &RequestBody,
) -> Result<Response, Rejection> {
    let upload = r.upload.ok_or_else(|| {
        reject(
            codes::MALFORMED_BODY,
            "the body is not a multipart/form-data form with an uploadFile part",
        )
    })?;
    if upload.len() > MAX_FILE_BYTES {
        let message = format!(
            "the file has {} bytes; the fake imports at most {MAX_FILE_BYTES}",
            upload.len()
        );
        return Err(reject(codes::FILE_TOO_LARGE, message));
    }
    let mut checked = Vec::new();
    for (i, object) in rows(upload, body, ctx.workspace)?.into_iter().enumerate() {
        let wrapped = match body.wrap {
            Some(member) => json!({ member: object }),
            None => Value::Object(object),
        };
        let (fields, _) = body_fields(create, wrapped.to_string().as_bytes())
            .map_err(|e| reject(e.code, format!("row {}: {}", i + 2, e.message)))?;
        checked.push(fields);
    }
    let kept = kept(family, create);
    let start = super::playbooks::start(r);
    let ids = ctx.change(|s| {
        let mut ids = Vec::new();
        for (i, fields) in checked.into_iter().enumerate() {
            let made = s.create_record(kept, None, fields, (ctx.project, ctx.workspace), r.caller);
            let made = made.map_err(|e| reject(e.code, format!("row {}: {}", i + 2, e.message)))?;
            // An imported alert or incident is created: it triggers playbooks as one.
            s.trigger(
                kept.name,
                &made.value,
                crate::store::Change::Created,
                &start,
            );
            ids.push(made.id);
        }
        Ok(ids)
    })?;
    one(r, json!({ "ids": ids }))
}
