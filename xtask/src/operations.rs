//! Operations as data: one `Operation` constant per operation of the spec (method, path segments,
//! query parameters with bounds, body, response shape, retry class, paging) and one
//! `operation_types!` entry tying it to its Rust types. The types they are made of are
//! hand-written in `generated/src/lib.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use openapiv3::{
    MediaType, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StatusCode, Type,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::{GenerateError, err};

/// What the generator emits for one operation.
pub(crate) struct Emitted {
    /// `UPDATE_AOP_WORKFLOW`.
    pub const_name: syn::Ident,
    /// `pub const UPDATE_AOP_WORKFLOW: Operation = Operation { .. };`
    pub descriptor: TokenStream,
    /// `UpdateAopWorkflow = UPDATE_AOP_WORKFLOW { body: .., data: .. }` (an `operation_types!` entry).
    pub types: TokenStream,
}

/// One operation as read from the spec, before its reserved segments are known.
struct Read<'a> {
    id: &'a str,
    method: String,
    path: &'a str,
    summary: String,
    op: &'a Operation,
    params: Vec<Parameter>,
}

/// Every operation of the spec, in the spec's order (paths, then methods).
pub(crate) fn operations(spec: &OpenAPI, spec_path: &Path) -> Result<Vec<Emitted>, GenerateError> {
    let mut read = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let mut params = Vec::new();
            for p in item.parameters.iter().chain(&op.parameters) {
                params.push(resolve_parameter(spec, p, spec_path, id)?);
            }
            read.push(Read {
                id,
                method: method.to_uppercase(),
                path,
                summary: op.summary.clone().unwrap_or_else(|| id.to_owned()),
                op,
                params,
            });
        }
    }
    // Paths of the API the spec does not describe yet (`x-paths-not-described` at its root):
    // their literal segments are reserved too, so that no ID sends a request to one of them.
    let undescribed: Vec<&str> = spec
        .extensions
        .get("x-paths-not-described")
        .and_then(|v| v.as_array())
        .map(|paths| paths.iter().filter_map(|p| p.as_str()).collect())
        .unwrap_or_default();
    let reserved = reserved_segments(&read, &undescribed);
    read.iter()
        .map(|r| emit(spec, spec_path, r, &reserved))
        .collect()
}

fn emit(
    spec: &OpenAPI,
    spec_path: &Path,
    r: &Read<'_>,
    reserved: &BTreeMap<(String, usize), Vec<String>>,
) -> Result<Emitted, GenerateError> {
    let bad = |what: String| err(spec_path, format!("operation `{}`: {what}", r.id));
    let const_name = format_ident!("{}", crate::screaming_snake(r.id));
    let type_name = format_ident!("{}", r.id);
    let (id, method, path) = (r.id, &r.method, r.path);
    let segments = segments(path, reserved);
    let (query, paged) = query(spec, r).map_err(bad)?;
    let (request, body_type) = match request_body(spec, r.op) {
        Some((media_type, schema)) => {
            let ty = format_ident!("{schema}");
            (
                quote!(Some(RequestBody { media_type: #media_type, schema: #schema })),
                quote!(types::#ty),
            )
        }
        None => (quote!(None), quote!(())),
    };
    let (response, data_type) = response(spec, r.op).map_err(bad)?;
    let retry = retry_class(r.op).map_err(bad)?;
    let doc = format!("`{method} {path}`: {}", r.summary);
    let descriptor = quote! {
        #[doc = #doc]
        pub const #const_name: Operation = Operation {
            id: #id,
            method: #method,
            path: #path,
            segments: &[#(#segments),*],
            query: &[#(#query),*],
            request: #request,
            response: #response,
            retry: #retry,
            paged: #paged,
        };
    };
    let types = quote! {
        #[doc = #doc]
        #type_name = #const_name { body: #body_type, data: #data_type }
    };
    Ok(Emitted {
        const_name,
        descriptor,
        types,
    })
}

/// The path's segments, with the literals other operations have in each parameter's place.
fn segments(path: &str, reserved: &BTreeMap<(String, usize), Vec<String>>) -> Vec<TokenStream> {
    split(path)
        .into_iter()
        .enumerate()
        .map(
            |(i, segment)| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let words = reserved
                        .get(&(path.to_owned(), i))
                        .cloned()
                        .unwrap_or_default();
                    quote!(Segment::Param { name: #name, reserved: &[#(#words),*] })
                }
                None => quote!(Segment::Literal(#segment)),
            },
        )
        .collect()
}

/// The query parameters, and whether they page (`offset` and `limit`).
fn query(spec: &OpenAPI, r: &Read<'_>) -> Result<(Vec<TokenStream>, bool), String> {
    let mut query = Vec::new();
    let mut names = Vec::new();
    for p in &r.params {
        let Parameter::Query { parameter_data, .. } = p else {
            continue;
        };
        let name = &parameter_data.name;
        let required = parameter_data.required;
        let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
            return Err(format!("query parameter `{name}` needs a schema"));
        };
        let kind = query_kind(spec, schema).ok_or_else(|| {
            format!(
                "query parameter `{name}` must be an integer, a boolean, a string or a named string enum"
            )
        })?;
        names.push(name.as_str());
        query.push(quote!(QueryParam { name: #name, kind: #kind, required: #required }));
    }
    let paged = names.contains(&"offset") && names.contains(&"limit");
    Ok((query, paged))
}

/// The 2xx answer's descriptor, and the Rust type of its result.
fn response(spec: &OpenAPI, op: &Operation) -> Result<(TokenStream, TokenStream), String> {
    let (media_type, media) =
        success_response(spec, op).ok_or("needs a 2xx response with one media type")?;
    let schema_name = media.schema.as_ref().and_then(|s| match s {
        ReferenceOr::Reference { reference } => Some(ref_name(reference).to_owned()),
        ReferenceOr::Item(_) => None,
    });
    let (shape, data_type) = if !media_type.starts_with("application/json") {
        (quote!(Shape::Binary), quote!(crate::Binary))
    } else {
        let name = schema_name
            .as_deref()
            .ok_or("its 2xx JSON schema must be a $ref to a named schema")?;
        let object = object_properties(spec, name)
            .ok_or_else(|| format!("its 2xx schema `{name}` must be an object"))?;
        if object.contains_key("code") && object.contains_key("message") {
            envelope(object.get("data"))?
        } else {
            let ty = format_ident!("{name}");
            (quote!(Shape::Bare), quote!(types::#ty))
        }
    };
    let schema = match &schema_name {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let response = quote!(Response { media_type: #media_type, schema: #schema, shape: #shape });
    Ok((response, data_type))
}

/// An envelope's shape and the Rust type of its `data` (`()` when it has none).
fn envelope(data: Option<&ReferenceOr<Box<Schema>>>) -> Result<(TokenStream, TokenStream), String> {
    let has_data = data.is_some();
    let (list, ty) = match data {
        None => (false, quote!(())),
        Some(ReferenceOr::Reference { reference }) => {
            let ty = format_ident!("{}", ref_name(reference));
            (false, quote!(types::#ty))
        }
        Some(ReferenceOr::Item(item)) => match &item.schema_kind {
            SchemaKind::Type(Type::Array(array)) => match array.items.as_ref() {
                Some(ReferenceOr::Reference { reference }) => {
                    let ty = format_ident!("{}", ref_name(reference));
                    (true, quote!(::std::vec::Vec<types::#ty>))
                }
                _ => return Err("`data` items must be a $ref".to_owned()),
            },
            _ => (false, quote!(::serde_json::Value)),
        },
    };
    Ok((quote!(Shape::Envelope { data: #has_data, list: #list }), ty))
}

/// `x-retry-class`, required on every operation.
fn retry_class(op: &Operation) -> Result<TokenStream, String> {
    match op.extensions.get("x-retry-class").and_then(|v| v.as_str()) {
        Some("idempotent") => Ok(quote!(RetryClass::Idempotent)),
        Some("not-idempotent") => Ok(quote!(RetryClass::NotIdempotent)),
        Some(other) => Err(format!(
            "`x-retry-class: {other}` is neither `idempotent` nor `not-idempotent`"
        )),
        None => Err(
            "has no `x-retry-class` (`idempotent` if a repeat after an ambiguous failure \
                     cannot act twice, else `not-idempotent`)"
                .to_owned(),
        ),
    }
}

/// `/v1/{project_id}/x` → `["v1", "{project_id}", "x"]`.
fn split(path: &str) -> Vec<&str> {
    path.trim_start_matches('/').split('/').collect()
}

/// For each (path, segment index) holding a parameter, the literal segments other paths (of
/// the operations, and `undescribed`) have at that index after the same prefix (a parameter
/// matches any segment), sorted.
fn reserved_segments(
    read: &[Read<'_>],
    undescribed: &[&str],
) -> BTreeMap<(String, usize), Vec<String>> {
    let is_param = |s: &str| s.starts_with('{');
    let mut out: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    for a in read {
        let sa = split(a.path);
        for (i, segment) in sa.iter().enumerate().filter(|(_, s)| is_param(s)) {
            let _ = segment;
            for b in read
                .iter()
                .map(|r| r.path)
                .chain(undescribed.iter().copied())
            {
                let sb = split(b);
                let Some(literal) = sb.get(i).filter(|s| !is_param(s)) else {
                    continue;
                };
                let same_prefix = sa[..i]
                    .iter()
                    .zip(&sb[..i])
                    .all(|(x, y)| x == y || is_param(x) || is_param(y));
                if same_prefix {
                    let words = out.entry((a.path.to_owned(), i)).or_default();
                    if !words.iter().any(|w| w == literal) {
                        words.push((*literal).to_owned());
                        words.sort();
                    }
                }
            }
        }
    }
    out
}

fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

fn resolve_parameter(
    spec: &OpenAPI,
    p: &ReferenceOr<Parameter>,
    spec_path: &Path,
    id: &str,
) -> Result<Parameter, GenerateError> {
    match p {
        ReferenceOr::Item(p) => Ok(p.clone()),
        ReferenceOr::Reference { reference } => spec
            .components
            .as_ref()
            .and_then(|c| c.parameters.get(ref_name(reference)))
            .and_then(ReferenceOr::as_item)
            .cloned()
            .ok_or_else(|| {
                err(
                    spec_path,
                    format!(
                        "operation `{id}`: parameter `{reference}` is not in components.parameters"
                    ),
                )
            }),
    }
}

fn schema<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

fn object_properties<'a>(
    spec: &'a OpenAPI,
    name: &str,
) -> Option<&'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match &schema(spec, name)?.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some(&object.properties),
        _ => None,
    }
}

fn query_kind(spec: &OpenAPI, s: &ReferenceOr<Schema>) -> Option<TokenStream> {
    let item = match s {
        ReferenceOr::Reference { reference } => {
            let name = ref_name(reference);
            return match &schema(spec, name)?.schema_kind {
                SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                    Some(quote!(QueryKind::Enum(#name)))
                }
                _ => None,
            };
        }
        ReferenceOr::Item(item) => item,
    };
    let bound = |b: Option<i64>| match b {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    match &item.schema_kind {
        SchemaKind::Type(Type::Integer(int)) => {
            let (min, max) = (bound(int.minimum), bound(int.maximum));
            Some(quote!(QueryKind::Integer { min: #min, max: #max }))
        }
        SchemaKind::Type(Type::Boolean(_)) => Some(quote!(QueryKind::Boolean)),
        SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty() => {
            Some(quote!(QueryKind::String))
        }
        _ => None,
    }
}

/// The request body's media type and schema name.
fn request_body(spec: &OpenAPI, op: &Operation) -> Option<(String, String)> {
    let body = match op.request_body.as_ref()? {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => spec
            .components
            .as_ref()?
            .request_bodies
            .get(ref_name(reference))?
            .as_item()?,
    };
    let (media_type, media) = body.content.iter().next()?;
    let name = match media.schema.as_ref()? {
        ReferenceOr::Reference { reference } => ref_name(reference).to_owned(),
        ReferenceOr::Item(_) => return None,
    };
    Some((media_type.clone(), name))
}

/// The first 2xx response's media type and content.
fn success_response<'a>(
    spec: &'a OpenAPI,
    op: &'a Operation,
) -> Option<(&'a String, &'a MediaType)> {
    let response = op
        .responses
        .responses
        .iter()
        .find_map(|(status, r)| match status {
            StatusCode::Code(code) if (200..300).contains(code) => Some(r),
            StatusCode::Range(2) => Some(r),
            _ => None,
        })?;
    let response = match response {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => spec
            .components
            .as_ref()?
            .responses
            .get(ref_name(reference))?
            .as_item()?,
    };
    response.content.iter().next()
}
