//! The spec's response links (OpenAPI `links`, which schemathesis's stateful phase follows),
//! checked before anything is generated: each names an operation of the spec by `operationId`,
//! passes only parameters that operation has, and takes its values from places that exist: a
//! `$response.body#/..` pointer that the answer's schema reaches, a `$request.path.X` or
//! `$request.query.X` the linking operation has, a `$request.body#/..` its body's schema reaches.
//! A link that cannot resolve is never followed, so the calls it was meant to reach go
//! untested without a word.

use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::{GenerateError, err};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Refuses the first link that does not resolve, naming the operation, answer and link.
pub(crate) fn check_links(spec: &OpenAPI, spec_path: &Path) -> Result<(), GenerateError> {
    let doc = serde_json::to_value(spec).map_err(|e| err(spec_path, e.to_string()))?;
    let ops = operations(&doc);
    for (_, item, op) in &ops {
        let id = op["operationId"].as_str().unwrap_or("?");
        let responses = op["responses"].as_object().into_iter().flatten();
        for (status, response) in responses {
            let response = resolve(&doc, response);
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                let from = Source {
                    doc: &doc,
                    item,
                    op,
                    response,
                };
                check_link(&from, &ops, resolve(&doc, link)).map_err(|why| {
                    err(
                        spec_path,
                        format!("operation `{id}`: answer {status}: link `{name}`: {why}"),
                    )
                })?;
            }
        }
    }
    Ok(())
}

/// Every operation: its path, its path item and itself.
fn operations(doc: &Value) -> Vec<(&str, &Value, &Value)> {
    let paths = doc["paths"].as_object().into_iter().flatten();
    paths
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |m| item.get(*m).map(|op| (path.as_str(), item, op)))
        })
        .collect()
}

/// The operation a link is on, and the answer that carries it.
struct Source<'a> {
    doc: &'a Value,
    item: &'a Value,
    op: &'a Value,
    response: &'a Value,
}

fn check_link(
    from: &Source<'_>,
    ops: &[(&str, &Value, &Value)],
    link: &Value,
) -> Result<(), String> {
    let Some(target) = link["operationId"].as_str() else {
        return Err("name the operation by `operationId` (no `operationRef`)".to_owned());
    };
    let Some((_, item, op)) = ops.iter().find(|(_, _, op)| op["operationId"] == target) else {
        return Err(format!(
            "`operationId: {target}` names no operation of the spec"
        ));
    };
    let takes = parameters(from.doc, item, op);
    for (key, value) in link["parameters"].as_object().into_iter().flatten() {
        // A key may say where the parameter goes: `path.id`.
        let (place, name) = match key.split_once('.') {
            Some((place, name)) => (Some(place), name),
            None => (None, key.as_str()),
        };
        if !takes
            .iter()
            .any(|(i, n)| *n == name && place.is_none_or(|p| p == *i))
        {
            return Err(format!("{target} has no parameter `{key}`"));
        }
        if let Some(expression) = value.as_str().filter(|v| v.starts_with('$')) {
            resolves(from, expression).map_err(|why| format!("`{key}: {expression}`: {why}"))?;
        }
    }
    Ok(())
}

/// Whether a runtime expression names something the linking operation has.
fn resolves(from: &Source<'_>, expression: &str) -> Result<(), String> {
    let doc = from.doc;
    let (schema, pointer) = if let Some(pointer) = expression.strip_prefix("$response.body#") {
        (media_schema(doc, from.response), pointer)
    } else if let Some(pointer) = expression.strip_prefix("$request.body#") {
        (
            media_schema(doc, resolve(doc, &from.op["requestBody"])),
            pointer,
        )
    } else {
        let own = parameters(doc, from.item, from.op);
        let named = ["path", "query", "header"].iter().find_map(|place| {
            let name = expression.strip_prefix(&format!("$request.{place}."))?;
            Some(own.iter().any(|(i, n)| i == place && *n == name))
        });
        return match named {
            Some(true) => Ok(()),
            Some(false) => Err("the linking operation has no such parameter".to_owned()),
            None => Err(
                "not an expression this check reads ($response.body#/.., $request.path.X, \
                 $request.query.X, $request.header.X, $request.body#/..)"
                    .to_owned(),
            ),
        };
    };
    let schema = schema.ok_or("the linking operation has no JSON schema there")?;
    reaches(doc, schema, pointer)
}

/// The `(in, name)` of every parameter an operation takes (its path item's and its own).
fn parameters<'a>(doc: &'a Value, item: &'a Value, op: &'a Value) -> Vec<(String, &'a str)> {
    let shared = item["parameters"].as_array().into_iter().flatten();
    let own = op["parameters"].as_array().into_iter().flatten();
    shared
        .chain(own)
        .map(|p| resolve(doc, p))
        .filter_map(|p| Some((p["in"].as_str()?.to_owned(), p["name"].as_str()?)))
        .collect()
}

/// The schema of the first media type of a response or request body.
fn media_schema<'a>(doc: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    let (_, media) = holder["content"].as_object()?.iter().next()?;
    Some(resolve(doc, &media["schema"]))
}

/// Walks a JSON pointer (`/data/0/id`) through a schema: a name steps into an object's
/// property, a number into an array's items.
fn reaches(doc: &Value, schema: &Value, pointer: &str) -> Result<(), String> {
    let mut at = schema;
    for step in pointer.split('/').skip(1) {
        let step = step.replace("~1", "/").replace("~0", "~");
        let next = match at["properties"].get(&step) {
            Some(property) => Some(property),
            None if step.parse::<usize>().is_ok() => at.get("items"),
            None => None,
        };
        at = match next {
            Some(next) => resolve(doc, next),
            None => return Err(format!("the schema has nothing at `{step}` of `{pointer}`")),
        };
    }
    Ok(())
}

/// A `$ref` (`#/components/..`) followed (a chain of them, up to 16), or the value itself.
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => match doc.pointer(pointer) {
                Some(target) => value = target,
                None => break,
            },
            None => break,
        }
    }
    value
}
