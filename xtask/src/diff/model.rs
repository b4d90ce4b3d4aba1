//! What the report compares of a spec: its operations (by operationId) with their parameters,
//! body and 2xx schemas, its component schemas, and which of those travel in requests and in
//! responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// What the report compares of a spec.
#[derive(Default)]
pub(super) struct Api<'a> {
    /// By operationId: method, path, parameters, body schema, 2xx schema.
    pub ops: BTreeMap<String, Op>,
    pub schemas: BTreeMap<String, &'a Value>,
    /// Schemas reachable from request bodies, and from responses.
    pub in_requests: BTreeSet<String>,
    pub in_responses: BTreeSet<String>,
}

pub(super) struct Op {
    pub method: String,
    pub path: String,
    /// `query parameter \`limit\`` → (type, required).
    pub params: BTreeMap<String, (String, bool)>,
    pub body: Option<String>,
    pub response: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `x-paging-window`: `offset + limit` stay below it.
    pub paging_window: Option<u64>,
}

impl<'a> Api<'a> {
    pub(super) fn read(spec: &'a Value) -> Self {
        let mut api = Api {
            schemas: spec["components"]["schemas"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
                .unwrap_or_default(),
            ..Api::default()
        };
        let empty = serde_json::Map::new();
        for (path, item) in spec["paths"].as_object().unwrap_or(&empty) {
            for (method, op) in item.as_object().unwrap_or(&empty) {
                let Some(id) = op["operationId"].as_str() else {
                    continue;
                };
                let mut params = BTreeMap::new();
                let shared = item["parameters"].as_array().into_iter().flatten();
                for p in shared.chain(op["parameters"].as_array().into_iter().flatten()) {
                    let p = resolve(spec, p);
                    let name = format!(
                        "{} parameter `{}`",
                        p["in"].as_str().unwrap_or("?"),
                        p["name"].as_str().unwrap_or("?")
                    );
                    let required = p["required"].as_bool().unwrap_or(false);
                    params.insert(name, (with_bounds(&p["schema"]), required));
                }
                let body = first_schema(&resolve(spec, &op["requestBody"])["content"]);
                let ok = op["responses"]
                    .as_object()
                    .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')))
                    .map(|(_, r)| first_schema(&resolve(spec, r)["content"]));
                let response = ok.flatten();
                api.mark(body.as_deref(), true);
                api.mark(response.as_deref(), false);
                api.ops.insert(
                    id.to_owned(),
                    Op {
                        method: method.to_uppercase(),
                        path: path.clone(),
                        params,
                        body,
                        response,
                        deprecated: op["deprecated"].as_bool().unwrap_or(false),
                        paging_window: op["x-paging-window"].as_u64(),
                    },
                );
            }
        }
        api
    }

    /// Marks the schema a type names, and every schema it reaches, as used in requests or
    /// responses.
    fn mark(&mut self, ty: Option<&str>, request: bool) {
        let mut todo: Vec<String> = ty.into_iter().flat_map(refs_in).collect();
        while let Some(name) = todo.pop() {
            let set = if request {
                &mut self.in_requests
            } else {
                &mut self.in_responses
            };
            if !set.insert(name.clone()) {
                continue;
            }
            if let Some(schema) = self.schemas.get(&name) {
                for prop in schema["properties"]
                    .as_object()
                    .into_iter()
                    .flat_map(|m| m.values())
                {
                    todo.extend(refs_in(&type_of(prop)));
                }
            }
        }
    }
}

/// A `$ref`'s target, or the value itself.
fn resolve(spec: &Value, v: &Value) -> Value {
    match v["$ref"].as_str() {
        Some(r) => {
            let mut target = spec;
            for part in r.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            target.clone()
        }
        None => v.clone(),
    }
}

/// The type of the first media type's schema of a `content` map.
fn first_schema(content: &Value) -> Option<String> {
    let (_, media) = content.as_object()?.iter().next()?;
    Some(type_of(&media["schema"]))
}

/// A schema's type in words: `#Name` for a reference, `array of …`, `integer (int32)`, `string`.
pub(super) fn type_of(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return format!("#{}", r.rsplit('/').next().unwrap_or(r));
    }
    match schema["type"].as_str() {
        Some("array") => format!("array of {}", type_of(&schema["items"])),
        Some(t) => match schema["format"].as_str() {
            Some(f) => format!("{t} ({f})"),
            None => t.to_owned(),
        },
        None => "any".to_owned(),
    }
}

/// A parameter's type with the bounds the client enforces from the spec (`integer 1..=100`), so
/// that a narrowed range shows as a retyping.
fn with_bounds(schema: &Value) -> String {
    let ty = type_of(schema);
    match (schema["minimum"].as_i64(), schema["maximum"].as_i64()) {
        (None, None) => ty,
        (min, max) => {
            let bound = |b: Option<i64>| b.map(|n| n.to_string()).unwrap_or_default();
            format!("{ty} {}..={}", bound(min), bound(max))
        }
    }
}

/// The schema names a type refers to.
fn refs_in(ty: &str) -> Option<String> {
    ty.rsplit('#')
        .next()
        .filter(|_| ty.contains('#'))
        .map(str::to_owned)
}
