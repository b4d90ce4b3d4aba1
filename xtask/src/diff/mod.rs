//! The API change report: what an edit of the spec means on the wire (for a client built before
//! it) and for the Rust API of `secmaster-bindings`, change by change, each marked additive or
//! breaking. `cargo xtask generate` prints it whenever its output changes; `cargo xtask diff-spec`
//! prints it for any two revisions, as text or JSON.

mod model;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use model::{Api, type_of};

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

/// A paging window (`x-paging-window`) changed: set or narrowed, it refuses pages the service
/// took before.
fn window_change(id: &str, old: Option<u64>, new: Option<u64>) -> Option<Change> {
    if old == new {
        return None;
    }
    let show = |w: Option<u64>| w.map_or("none".to_owned(), |w| format!("below {w}"));
    let narrower = new.unwrap_or(u64::MAX) < old.unwrap_or(u64::MAX);
    let what = format!(
        "paging window (offset + limit) from {} to {}",
        show(old),
        show(new)
    );
    let wire = if narrower { Breaking } else { Additive };
    Some(change(format!("operation {id}"), what, wire, Additive))
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
        if o.deprecated != n.deprecated {
            // A warning where it is called, nothing that stops compiling or working.
            let what = if n.deprecated {
                "deprecated by the service"
            } else {
                "no longer deprecated"
            };
            out.push(change(format!("operation {id}"), what, Additive, Additive));
        }
        out.extend(window_change(id, o.paging_window, n.paging_window));
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
    let (request, response) = used;
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
                    // An old client may count on it in answers.
                    let wire = if response { Breaking } else { Additive };
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

/// `x-required-when` rules and `x-from-path` marks: one added to a schema that was there
/// refuses bodies an old client may send; one that comes with a new schema breaks nothing.
fn rules(old: &Api<'_>, new: &Api<'_>, out: &mut Vec<Change>) {
    let of = |api: &Api<'_>| -> BTreeSet<(String, String)> {
        let required_when = api.schemas.iter().flat_map(|(name, s)| {
            let rules = s["x-required-when"].as_array().into_iter().flatten();
            rules.map(move |r| {
                let rule = format!(
                    "`{}` required when `{}` is {}",
                    r["field"].as_str().unwrap_or("?"),
                    r["when"]["field"].as_str().unwrap_or("?"),
                    r["when"]["equals"]
                );
                (name.clone(), rule)
            })
        });
        let from_path = api.schemas.iter().flat_map(|(name, s)| {
            let fields = s["properties"].as_object().into_iter().flatten();
            fields.filter_map(move |(field, f)| {
                let param = f["x-from-path"].as_str()?;
                Some((name.clone(), format!("`{field}` is the path's `{param}`")))
            })
        });
        required_when.chain(from_path).collect()
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
        let wire = if old.schemas.contains_key(name) {
            Breaking
        } else {
            Additive
        };
        out.push(change(
            format!("{name}: rule {rule}"),
            "added",
            wire,
            Additive,
        ));
    }
}
