//! The API change report: what an edit of the spec means on the wire (for a client built before
//! it) and for the Rust API of `secmaster-bindings`, change by change, each marked additive or
//! breaking. `cargo xtask generate` prints it whenever its output changes; `cargo xtask diff-spec`
//! prints it for any two revisions, as text or JSON.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Whether a change can break what existed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing that worked before stops working.
    Additive,
    /// Something that worked before may stop working.
    Breaking,
}

impl Impact {
    fn as_str(self) -> &'static str {
        match self {
            Self::Additive => "additive",
            Self::Breaking => "breaking",
        }
    }
}

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// What changed: `ListWorkflows: query parameter \`limit\``, `AopType: enum value \`EASE\``.
    pub subject: String,
    /// How: `added`, `removed`, `retyped from integer to string`, `now required`, ...
    pub what: String,
    /// For what a client built before the change sends or reads.
    pub wire: Impact,
    /// For code written against the `secmaster-bindings` of before the change.
    pub rust: Impact,
}

fn change(subject: String, what: impl Into<String>, wire: Impact, rust: Impact) -> Change {
    Change {
        subject,
        what: what.into(),
        wire,
        rust,
    }
}

use Impact::{Additive, Breaking};

/// Every change from `old` to `new` (two OpenAPI documents as JSON values), sorted.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let (old, new) = (Api::read(old), Api::read(new));
    let mut out = Vec::new();
    operations(&old, &new, &mut out);
    schemas(&old, &new, &mut out);
    rules(&old, &new, &mut out);
    out.sort();
    out
}

/// The report as a person reads it in a terminal.
pub fn text(changes: &[Change], from: &str, to: &str) -> String {
    let mut out = format!("API change report: {from} → {to}\n");
    if changes.is_empty() {
        out.push_str("  no change to operations, parameters, fields, enum values or rules\n");
        return out;
    }
    out.push_str("  wire      rust      change\n");
    for c in changes {
        out.push_str(&format!(
            "  {:<9} {:<9} {}: {}\n",
            c.wire.as_str(),
            c.rust.as_str(),
            c.subject,
            c.what
        ));
    }
    let count = |f: fn(&Change) -> Impact| changes.iter().filter(|c| f(c) == Breaking).count();
    out.push_str(&format!(
        "  {} change{}: {} breaking on the wire, {} breaking for the Rust API of secmaster-bindings\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        count(|c| c.wire),
        count(|c| c.rust),
    ));
    out
}

/// The report as JSON, for tools: `{"from", "to", "changes": [{subject, what, wire, rust}]}`.
pub fn json(changes: &[Change], from: &str, to: &str) -> String {
    let changes: Vec<Value> = changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "subject": c.subject,
                "what": c.what,
                "wire": c.wire.as_str(),
                "rust": c.rust.as_str(),
            })
        })
        .collect();
    let report = serde_json::json!({"from": from, "to": to, "changes": changes});
    serde_json::to_string_pretty(&report).expect("JSON")
}

/// What the report compares of a spec.
#[derive(Default)]
struct Api<'a> {
    /// By operationId: method, path, parameters, body schema, 2xx schema.
    ops: BTreeMap<String, Op>,
    schemas: BTreeMap<String, &'a Value>,
    /// Schemas reachable from request bodies, and from responses.
    in_requests: BTreeSet<String>,
    in_responses: BTreeSet<String>,
}

struct Op {
    method: String,
    path: String,
    /// `query parameter \`limit\`` → (type, required).
    params: BTreeMap<String, (String, bool)>,
    body: Option<String>,
    response: Option<String>,
}

impl<'a> Api<'a> {
    fn read(spec: &'a Value) -> Self {
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
                    params.insert(name, (type_of(&p["schema"]), required));
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
fn type_of(schema: &Value) -> String {
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

/// The schema names a type refers to.
fn refs_in(ty: &str) -> Option<String> {
    ty.rsplit('#')
        .next()
        .filter(|_| ty.contains('#'))
        .map(str::to_owned)
}

fn operations(old: &Api<'_>, new: &Api<'_>, out: &mut Vec<Change>) {
    for (id, o) in &old.ops {
        let Some(n) = new.ops.get(id) else {
            out.push(change(
                format!("operation {id}"),
                "removed",
                Breaking,
                Breaking,
            ));
            continue;
        };
        if (&o.method, &o.path) != (&n.method, &n.path) {
            let what = format!(
                "moved from {} {} to {} {}",
                o.method, o.path, n.method, n.path
            );
            out.push(change(format!("operation {id}"), what, Breaking, Additive));
        }
        for (name, (ty, required)) in &o.params {
            let subject = format!("{id}: {name}");
            match n.params.get(name) {
                None => out.push(change(subject, "removed", Breaking, Breaking)),
                Some((t, _)) if t != ty => {
                    out.push(change(
                        subject,
                        format!("retyped from {ty} to {t}"),
                        Breaking,
                        Breaking,
                    ));
                }
                Some((_, r)) if r != required => out.push(if *r {
                    change(subject, "now required", Breaking, Breaking)
                } else {
                    change(subject, "now optional", Additive, Additive)
                }),
                Some(_) => {}
            }
        }
        for (name, (_, required)) in n.params.iter().filter(|(k, _)| !o.params.contains_key(*k)) {
            let subject = format!("{id}: {name}");
            out.push(if *required {
                change(subject, "added, required", Breaking, Breaking)
            } else {
                change(subject, "added", Additive, Additive)
            });
        }
        for (part, before, after) in [
            ("request body", &o.body, &n.body),
            ("2xx answer", &o.response, &n.response),
        ] {
            if before != after {
                let name = |t: &Option<String>| t.clone().unwrap_or_else(|| "none".to_owned());
                let what = format!("changed from {} to {}", name(before), name(after));
                out.push(change(format!("{id}: {part}"), what, Breaking, Breaking));
            }
        }
    }
    for id in new.ops.keys().filter(|k| !old.ops.contains_key(*k)) {
        out.push(change(
            format!("operation {id}"),
            "added",
            Additive,
            Additive,
        ));
    }
}

fn schemas(old: &Api<'_>, new: &Api<'_>, out: &mut Vec<Change>) {
    for (name, o) in &old.schemas {
        match new.schemas.get(name) {
            None => out.push(change(
                format!("type {name}"),
                "removed",
                Additive,
                Breaking,
            )),
            Some(n) => {
                let request = old.in_requests.contains(name) || new.in_requests.contains(name);
                let response = old.in_responses.contains(name) || new.in_responses.contains(name);
                enum_values(name, o, n, out);
                fields(name, o, n, (request, response), out);
            }
        }
    }
    for name in new.schemas.keys().filter(|k| !old.schemas.contains_key(*k)) {
        out.push(change(format!("type {name}"), "added", Additive, Additive));
    }
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// Enum values: the bindings' enums are open (`Other` keeps what they do not list) and
/// non-exhaustive, so a value added breaks nobody; a value removed may be one an old client sends.
fn enum_values(name: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    let (o, n) = (strings(&old["enum"]), strings(&new["enum"]));
    for v in o.difference(&n) {
        out.push(change(
            format!("{name}: enum value `{v}`"),
            "removed",
            Breaking,
            Breaking,
        ));
    }
    for v in n.difference(&o) {
        out.push(change(
            format!("{name}: enum value `{v}`"),
            "added",
            Additive,
            Additive,
        ));
    }
}

/// Object fields. The generated structs have public fields and no `#[non_exhaustive]`, so any
/// field added or removed breaks code that builds them; on the wire, what breaks depends on
/// whether the type travels in requests, in responses, or both (`used`).
fn fields(name: &str, old: &Value, new: &Value, used: (bool, bool), out: &mut Vec<Change>) {
    let (request, _response) = used;
    let props = |v: &Value| -> BTreeMap<String, String> {
        v["properties"]
            .as_object()
            .map(|m| m.iter().map(|(k, s)| (k.clone(), type_of(s))).collect())
            .unwrap_or_default()
    };
    let (o, n) = (props(old), props(new));
    let (or, nr) = (strings(&old["required"]), strings(&new["required"]));
    for (field, ty) in &o {
        let subject = format!("{name}: field `{field}`");
        match n.get(field) {
            None => out.push(change(subject, "removed", Breaking, Breaking)),
            Some(t) if t != ty => {
                out.push(change(
                    subject,
                    format!("retyped from {ty} to {t}"),
                    Breaking,
                    Breaking,
                ));
            }
            Some(_) => match (or.contains(field), nr.contains(field)) {
                (false, true) => {
                    let wire = if request { Breaking } else { Additive };
                    out.push(change(subject, "now required", wire, Breaking));
                }
                (true, false) => {
                    let wire = if request { Additive } else { Breaking };
                    out.push(change(subject, "now optional", wire, Breaking));
                }
                _ => {}
            },
        }
    }
    for field in n.keys().filter(|k| !o.contains_key(*k)) {
        let required = nr.contains(field);
        let wire = if request && required {
            Breaking
        } else {
            Additive
        };
        let what = if required { "added, required" } else { "added" };
        out.push(change(
            format!("{name}: field `{field}`"),
            what,
            wire,
            Breaking,
        ));
    }
}

/// `x-required-when` rules: one added refuses bodies an old client may send.
fn rules(old: &Api<'_>, new: &Api<'_>, out: &mut Vec<Change>) {
    let of = |api: &Api<'_>| -> BTreeSet<(String, String)> {
        api.schemas
            .iter()
            .flat_map(|(name, s)| {
                s["x-required-when"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(move |r| {
                        let rule = format!(
                            "`{}` required when `{}` is {}",
                            r["field"].as_str().unwrap_or("?"),
                            r["when"]["field"].as_str().unwrap_or("?"),
                            r["when"]["equals"]
                        );
                        (name.clone(), rule)
                    })
            })
            .collect()
    };
    let (o, n) = (of(old), of(new));
    for (name, rule) in o.difference(&n) {
        out.push(change(
            format!("{name}: rule {rule}"),
            "removed",
            Additive,
            Additive,
        ));
    }
    for (name, rule) in n.difference(&o) {
        out.push(change(
            format!("{name}: rule {rule}"),
            "added",
            Breaking,
            Additive,
        ));
    }
}
