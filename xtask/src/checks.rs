//! Shapes progenitor 0.15 would panic on, or refuse with an unhelpful message, found first so
//! that the maintainer is told which operation and what to change.

use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::{GenerateError, err};

/// Shapes progenitor 0.15 rejects by panicking or by an unhelpful error; named here first.
pub(crate) fn check_progenitor_limits(
    spec: &OpenAPI,
    spec_path: &Path,
) -> Result<(), GenerateError> {
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(err(
                spec_path,
                format!("path `{path}` is a $ref; progenitor needs path items inline"),
            ));
        };
        for (method, op) in item.iter() {
            let at = format!("{} {path}", method.to_uppercase());
            if op.operation_id.as_deref().is_none_or(str::is_empty) {
                return Err(err(
                    spec_path,
                    format!(
                        "operation `{at}` has no operationId; progenitor needs one to name the method"
                    ),
                ));
            }
            if let Some(ReferenceOr::Item(body)) = &op.request_body
                && body.content.len() > 1
            {
                let types: Vec<_> = body.content.keys().map(String::as_str).collect();
                return Err(err(
                    spec_path,
                    format!(
                        "operation `{at}` has {} request media types ({}); progenitor supports exactly one",
                        types.len(),
                        types.join(", ")
                    ),
                ));
            }
            let error_schemas = error_schemas(op);
            if error_schemas.len() > 1 {
                let list: Vec<_> = error_schemas
                    .iter()
                    .map(|(c, s)| format!("{c} → {s}"))
                    .collect();
                return Err(err(
                    spec_path,
                    format!(
                        "operation `{at}` has {} different error schemas ({}); progenitor needs all error \
                     responses of an operation to share one schema",
                        error_schemas.len(),
                        list.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Each non-2xx response's status and schema (its `$ref`, "an inline schema" or "no body"),
/// one entry per distinct schema.
fn error_schemas(op: &openapiv3::Operation) -> Vec<(String, String)> {
    let mut error_schemas: Vec<(String, String)> = Vec::new();
    let statuses = op
        .responses
        .responses
        .iter()
        .map(|(status, r)| (status.to_string(), r));
    let default = op
        .responses
        .default
        .iter()
        .map(|r| ("default".to_owned(), r));
    for (code, response) in statuses.chain(default) {
        if code.starts_with('2') {
            continue;
        }
        let schema = match response {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(r) => r
                .content
                .values()
                .next()
                .and_then(|m| m.schema.as_ref())
                .map(|s| match s {
                    ReferenceOr::Reference { reference } => reference.clone(),
                    ReferenceOr::Item(_) => "an inline schema".to_owned(),
                })
                .unwrap_or_else(|| "no body".to_owned()),
        };
        if error_schemas.iter().all(|(_, s)| *s != schema) {
            error_schemas.push((code, schema));
        }
    }
    error_schemas
}
