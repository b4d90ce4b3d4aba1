//! The rows of the client's spec-driven wire test (`crates/secmaster/tests/spec_table.rs` runs
//! them): for every operation whose request example the generated setters can express, the call
//! with the example's fields, the request it must put on the wire (method, path, the example as
//! the body) and the 2xx example to answer it with. An operation whose example needs a field an
//! intent method owns (`x-rust-hide`), or without a 2xx example, is left to its own tests.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{Names, fields, ident, strings};
use crate::fields::Kind;
use crate::operations::{OpInfo, QueryType, ShapeInfo};

/// The value a row gives path parameter `name`: the examples' own IDs where a body repeats the
/// path's (a body naming another workspace or playbook than its path is refused).
fn path_value(name: &str) -> String {
    match name {
        "project_id" => "f69081793d9e4ea8a2f479dcef961989".to_owned(),
        "workspace_id" => "f44065f5-557b-4376-ae02-8c65ef1960f4".to_owned(),
        "playbook_id" => "909494e3-558e-46b6-a9eb-07a8e18ca62f".to_owned(),
        other => format!("{}-1", other.replace('_', "-")),
    }
}

/// The expression that passes example `value` to a setter of `kind`, when there is one.
fn literal(kind: &Kind, value: &Value) -> Option<TokenStream> {
    let bindings = quote!(secmaster::bindings);
    let json = value.to_string();
    Some(match (kind, value) {
        (Kind::String { .. }, Value::String(s)) => quote!(#s),
        (Kind::Boolean, Value::Bool(b)) => quote!(#b),
        (Kind::Integer { .. }, Value::Number(n)) => {
            let n: proc_macro2::TokenStream = n.to_string().parse().ok()?;
            quote!(#n)
        }
        (Kind::Number, Value::Number(n)) => {
            let n = n.as_f64()?;
            quote!(#n)
        }
        (Kind::Enum { schema, .. }, Value::String(s)) => {
            let ty = format_ident!("{schema}");
            quote!(#bindings::open_enums::#ty::from(#s))
        }
        (Kind::Object(name), Value::Object(_)) => {
            let ty = format_ident!("{name}");
            quote!(serde_json::from_str::<#bindings::types::#ty>(#json).unwrap())
        }
        (Kind::Map { .. }, Value::Object(_)) => quote!(serde_json::from_str(#json).unwrap()),
        (Kind::Array { items, .. }, Value::Array(_)) => match items.as_ref() {
            Kind::String { .. } => quote!(serde_json::from_str::<Vec<String>>(#json).unwrap()),
            Kind::Enum { schema, .. } | Kind::Object(schema) => {
                let ty = if matches!(items.as_ref(), Kind::Enum { .. }) {
                    quote!(#bindings::open_enums::)
                } else {
                    quote!(#bindings::types::)
                };
                let name = format_ident!("{schema}");
                quote!(serde_json::from_str::<Vec<#ty #name>>(#json).unwrap())
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// The expression that passes example `value` to a query setter of `kind`.
fn query_literal(kind: &QueryType, value: &Value) -> Option<TokenStream> {
    Some(match (kind, value) {
        (QueryType::Integer, Value::Number(n)) => {
            let n: TokenStream = n.to_string().parse().ok()?;
            quote!(#n)
        }
        (QueryType::Boolean, Value::Bool(b)) => quote!(#b),
        (QueryType::String, Value::String(s)) => quote!(#s),
        (QueryType::Enum(schema), Value::String(s)) => {
            let ty = format_ident!("{schema}");
            quote!(secmaster::bindings::open_enums::#ty::from(#s))
        }
        _ => return None,
    })
}

/// `text` as a query value on the wire (unreserved characters kept, the rest %-encoded).
fn url_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The request example as the setters set it: a wrapped body's object fields and those beside
/// it, alike.
fn flat_example(op: &OpInfo) -> Option<Option<Value>> {
    let example = op.request_example.clone();
    // An array body is its one field's value.
    if let (Some(Value::Array(_)), [field]) = (&example, fields(op)) {
        let mut object = serde_json::Map::new();
        object.insert(field.name.clone(), example?);
        return Some(Some(Value::Object(object)));
    }
    let wrap = op.body.as_ref().and_then(|b| b.wrap.as_ref());
    let (Some(member), Some(Value::Object(outer))) = (wrap, &example) else {
        return Some(example);
    };
    let mut fields = outer.get(member).and_then(Value::as_object).cloned();
    for (name, value) in outer.iter().filter(|(name, _)| *name != member) {
        fields.as_mut()?.insert(name.clone(), value.clone());
    }
    Some(fields.map(Value::Object))
}

/// The request target of `op`'s row: the path with the row's IDs, and its mandatory query
/// parameters with their examples, sorted by name (their setters added to `setters`).
fn target(op: &OpInfo, setters: &mut Vec<TokenStream>) -> Option<String> {
    let mut target = op.path.clone();
    for p in &op.path_params {
        target = target.replace(&format!("{{{p}}}"), &path_value(p));
    }
    let mut required: Vec<_> = op.query.iter().filter(|q| q.required).collect();
    required.sort_by(|a, b| a.name.cmp(&b.name));
    for (i, q) in required.iter().enumerate() {
        let example = q.example.as_ref()?;
        let (setter, value) = (ident(&q.name), query_literal(&q.kind, example)?);
        setters.push(quote!(.#setter(#value)));
        let text = example
            .as_str()
            .map_or_else(|| example.to_string(), str::to_owned);
        let separator = if i == 0 { '?' } else { '&' };
        target.push_str(&format!("{separator}{}={}", q.name, url_encoded(&text)));
    }
    Some(target)
}

/// The row of `op`, or `None` when its example needs a field no generated setter sets.
pub(super) fn row(op: &OpInfo, names: &Names) -> Option<TokenStream> {
    let hide = strings(op, "x-rust-hide");
    let args = strings(op, "x-rust-args");
    let multipart = op.body.as_ref().is_some_and(|b| b.multipart);
    let wrap = op.body.as_ref().and_then(|b| b.wrap.clone());
    let whole = op.request_example.clone();
    let example = flat_example(op)?;
    let mut call_args: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let v = path_value(p);
            quote!(#v)
        })
        .collect();
    let mut setters = Vec::new();
    let body = match (&op.body, multipart) {
        (Some(_), false) => {
            let Some(Value::Object(object)) = &example else {
                return None;
            };
            for name in &args {
                let field = fields(op).iter().find(|f| &f.name == name)?;
                call_args.push(literal(&field.kind, object.get(name)?)?);
            }
            for (name, value) in object {
                let field = fields(op).iter().find(|f| &f.name == name)?;
                if hide.contains(name) {
                    return None;
                }
                let one_value = field.required
                    && matches!(&field.kind, Kind::Enum { values, .. } if values.len() == 1);
                if args.contains(name) || one_value {
                    continue;
                }
                let setter = ident(&field.setter);
                let value = literal(&field.kind, value)?;
                setters.push(quote!(.#setter(#value)));
            }
            let sent = match (&wrap, &whole) {
                (Some(_), _) | (None, Some(Value::Array(_))) => whole.clone()?,
                (None, _) => Value::Object(object.clone()),
            };
            let text = sent.to_string();
            quote!(Some(#text))
        }
        (Some(_), true) => {
            call_args.push(quote!("example.json"));
            call_args.push(quote!(b"{}".to_vec()));
            quote!(None)
        }
        (None, _) => quote!(None),
    };
    let target = target(op, &mut setters)?;
    let answer = match op.shape {
        ShapeInfo::Binary | ShapeInfo::Empty => String::new(),
        _ => op.response_example.as_ref()?.to_string(),
    };
    let (id, method, not_idempotent) = (&op.id, &op.method, op.not_idempotent);
    let deprecated = op.deprecation.is_some();
    let binary = op.shape == ShapeInfo::Binary;
    let call = &names.method;
    Some(quote! {
        Row {
            id: #id,
            method: #method,
            target: #target,
            answer: #answer,
            binary: #binary,
            body: #body,
            not_idempotent: #not_idempotent,
            deprecated: #deprecated,
            call: |c| Box::pin(async move {
                c.#call(#(#call_args),*) #(#setters)* .send().await.map(|out| out.deprecation)
            }),
        }
    })
}
