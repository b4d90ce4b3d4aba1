//! A request body as the generic families read it: through the operation's body type (its
//! generated codec), checked against its descriptor (mandatory fields, bounds and enum values
//! at any depth, no `null`), split into the wrapped object's fields and those beside it; and a
//! batch's IDs.

use secmaster::bindings::{Codec, FieldKind, Operation};
use serde_json::{Map, Value};

use super::Request;
use crate::store::{self, Rejection, codes, reject};

/// A body's fields: those of the object it wraps (or its own), and those beside it.
pub(super) type Fields = (Map<String, Value>, Map<String, Value>);

/// The body's fields, read through the operation's body type and checked against its
/// descriptor: those of the object a body wraps (or the body's own), and those beside it.
pub(super) fn fields(r: &Request<'_>) -> Result<Fields, Rejection> {
    body_fields(r.op, r.body)
}

/// As [`fields`], for a body of operation `op` (an import's rows are CreateAlert's bodies). A
/// body that is a JSON array (`RequestBody::array`) is its one field's value, checked as the
/// field.
pub(super) fn body_fields(op: &Operation, body: &[u8]) -> Result<Fields, Rejection> {
    let array = op
        .request
        .filter(|b| b.array)
        .and_then(|b| b.fields.first());
    let raw = match array {
        Some(field) => as_field(field.name, parse_array(body)?),
        None => store::parse_object(body)?,
    };
    // Bounds are checked on the body as sent (the typed round trip leaves an empty list out).
    let (inner, outer) = split(op, raw);
    for field in op.request.map(|b| b.fields).unwrap_or_default() {
        let from = if field.outer { &outer } else { &inner };
        if let Some(problem) = from.get(field.name).and_then(|v| field.problem(v)) {
            let message = format!("{} {problem}", field.name);
            // A mandatory field inside an object is missing, as at the top.
            let code = if problem.contains("is required") {
                codes::MISSING_FIELD
            } else {
                codes::INVALID_PARAMETER
            };
            return Err(reject(code, message));
        }
    }
    let codec = Codec::find(op.id).and_then(|c| c.body);
    let typed = match codec {
        Some(read) => read(body).map_err(|e| {
            let code = if e.starts_with("missing field") {
                codes::MISSING_FIELD
            } else {
                codes::WRONG_TYPE
            };
            reject(code, e)
        })?,
        None => serde_json::from_slice(body).unwrap_or(Value::Null),
    };
    Ok(match array {
        Some(field) => split(op, as_field(field.name, typed)),
        None => split(op, typed),
    })
}

/// An array body as the object of its one field.
fn as_field(name: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(name.to_owned(), value)]))
}

/// A body that must be a JSON array.
fn parse_array(body: &[u8]) -> Result<Value, Rejection> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let message = format!("the request body is not valid JSON: {e}");
        reject(codes::MALFORMED_BODY, message)
    })?;
    if !value.is_array() {
        return Err(reject(
            codes::MALFORMED_BODY,
            "the body must be a JSON array",
        ));
    }
    Ok(value)
}

/// A form's text fields checked against the descriptor of its operation, as a JSON body's are:
/// no part sent twice, a mandatory one sent and not blank, each value of its kind and within the
/// spec's bounds and enums (a number or boolean field's text read as its JSON). A body that is
/// no form has none.
pub(super) fn form_texts(r: &Request<'_>) -> Result<(), Rejection> {
    let Some(request) =
        r.op.request
            .filter(|b| b.media_type.starts_with("multipart/"))
    else {
        return Ok(());
    };
    // A part sent twice is ambiguous (servers join, keep the first or the last): refused.
    for (i, (name, _)) in r.texts.iter().enumerate() {
        let file = request
            .fields
            .iter()
            .any(|f| f.name == *name && matches!(f.kind, FieldKind::Binary));
        if file || r.texts[..i].iter().any(|(n, _)| n == name) {
            let message = format!("{name} is sent twice");
            return Err(reject(codes::INVALID_PARAMETER, message));
        }
    }
    for field in request.fields {
        if matches!(field.kind, FieldKind::Binary) {
            continue;
        }
        let Some(text) = r.text(field.name) else {
            if field.required {
                let message = format!("{} is required", field.name);
                return Err(reject(codes::MISSING_FIELD, message));
            }
            continue;
        };
        if field.required && text.trim().is_empty() {
            let message = format!("{} is required and is empty", field.name);
            return Err(reject(codes::MISSING_FIELD, message));
        }
        // A number or boolean field's text read as its JSON (`null` is no value of theirs).
        let scalar = serde_json::from_str(text)
            .ok()
            .filter(|v: &Value| !v.is_null());
        let value = match (&field.kind, scalar) {
            (
                FieldKind::Integer { .. }
                | FieldKind::IntegerEnum { .. }
                | FieldKind::Number
                | FieldKind::Boolean,
                Some(value),
            ) => value,
            _ => Value::String(text.to_owned()),
        };
        if let Some(problem) = field.problem(&value) {
            let message = format!("{} {problem}", field.name);
            return Err(reject(codes::INVALID_PARAMETER, message));
        }
    }
    Ok(())
}

/// A body's fields: the wrapped object's (or the body's own), and those beside it.
fn split(op: &Operation, body: Value) -> Fields {
    let Value::Object(mut outer) = body else {
        return Fields::default();
    };
    let inner = match op.request.and_then(|b| b.wrap) {
        Some(member) => match outer.remove(member) {
            Some(Value::Object(inner)) => inner,
            _ => Map::new(),
        },
        None => std::mem::take(&mut outer),
    };
    (inner, outer)
}

/// The IDs a batch names: the body's first list of text, not empty, and no more than a family
/// holds ([`crate::Limits::max_objects`]: what bounds a batch's work).
pub(super) fn listed_ids(r: &Request<'_>, body: &Value) -> Result<Vec<String>, Rejection> {
    let found = body.as_object().into_iter().flatten().find_map(|(_, v)| {
        let items = v.as_array()?;
        items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
    });
    let ids = found
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| reject(codes::MISSING_FIELD, "the body lists no IDs"))?;
    within_batch(r, ids.len())?;
    Ok(ids)
}

/// A body's list of `n` IDs is no longer than a family holds ([`crate::Limits::max_objects`]:
/// what bounds a batch's work).
pub(super) fn within_batch(r: &Request<'_>, n: usize) -> Result<(), Rejection> {
    let max = r.limits.max_objects;
    if n > max {
        let message = format!("the body lists {n} IDs; the fake takes at most {max}");
        return Err(reject(codes::LIMIT_EXCEEDED, message));
    }
    Ok(())
}
