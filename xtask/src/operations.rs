//! Operations as data: one `Operation` constant per operation of the spec (method, path segments,
//! query parameters with bounds, body, response shape, retry class, paging) and one
//! `operation_types!` entry tying it to its Rust types. The types they are made of are
//! hand-written in `generated/src/lib.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::paths::{reserved_segments, segments};
use crate::query::{query, query_info};
pub(crate) use crate::shapes::{bare_list, object_properties, ref_name, response_schema, schema};
use crate::shapes::{request_body, response};
use crate::{GenerateError, err};

/// What the generator emits for one operation.
pub(crate) struct Emitted {
    /// What the client's layer is generated from.
    pub info: OpInfo,
    /// `impl ListAnswer for ..` when the answer is a list with no envelope.
    pub list_answer: Option<TokenStream>,
    /// `Codec { .. }`: the body and result read through the bindings' types.
    pub codec: TokenStream,
    /// `UPDATE_AOP_WORKFLOW`.
    pub const_name: syn::Ident,
    /// `pub const UPDATE_AOP_WORKFLOW: Operation = Operation { .. };`
    pub descriptor: TokenStream,
    /// `UpdateAopWorkflow = UPDATE_AOP_WORKFLOW { body: .., data: .. }` (an `operation_types!` entry).
    pub types: TokenStream,
}

/// An operation as the client's generated layer needs it.
pub(crate) struct OpInfo {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// `x-source`: the API page (or SDK model) the entry follows.
    pub source: String,
    pub path_params: Vec<String>,
    pub query: Vec<QueryInfo>,
    pub body: Option<BodyInfo>,
    pub shape: ShapeInfo,
    /// The schema of the result (of a list's items), when it is a named object.
    pub result_schema: Option<String>,
    pub paged: bool,
    /// Whether its result is a batch's (`x-batch-result`): failed IDs make the call an error.
    pub batch: bool,
    pub not_idempotent: bool,
    /// `Some` when the service deprecates it, with the operationId it names instead.
    pub deprecation: Option<Option<String>>,
    pub extensions: indexmap::IndexMap<String, serde_json::Value>,
    /// The request body's first example, as the spec gives it.
    pub request_example: Option<serde_json::Value>,
    /// The 2xx answer's first example, as the spec gives it.
    pub response_example: Option<serde_json::Value>,
}

/// A query parameter as the client's setter needs it.
pub(crate) struct QueryInfo {
    pub name: String,
    pub required: bool,
    pub description: String,
    /// `integer`, `boolean`, `string`, or an enum's schema name.
    pub kind: QueryType,
    /// The value the wire test sends: the parameter's example, else its schema's, else an
    /// integer's minimum (or 0).
    pub example: Option<serde_json::Value>,
}

/// A query parameter's type.
pub(crate) enum QueryType {
    Integer,
    Boolean,
    String,
    Enum(String),
}

/// A request body as the client's setters need it.
pub(crate) struct BodyInfo {
    pub multipart: bool,
    /// The member a body that only wraps an object puts it in.
    pub wrap: Option<String>,
    pub fields: Vec<crate::fields::BodyField>,
}

/// How a success carries its result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShapeInfo {
    Envelope {
        data: bool,
        list: bool,
    },
    Bare,
    BareList,
    /// A bare JSON array of named items.
    BareArray,
    Binary,
    Empty,
}

/// One operation as read from the spec, before its reserved segments are known.
pub(crate) struct Read<'a> {
    id: &'a str,
    method: String,
    path: &'a str,
    summary: String,
    op: &'a Operation,
    pub params: Vec<Parameter>,
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
            let params: Vec<Parameter> = (item.parameters.iter().chain(&op.parameters))
                .map(|p| resolve_parameter(spec, p, spec_path, id))
                .collect::<Result<_, _>>()?;
            crate::paths::in_path_order(id, path, &params).map_err(|e| err(spec_path, e))?;
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
    let paths: Vec<&str> = read.iter().map(|r| r.path).collect();
    let reserved = reserved_segments(&paths, &undescribed);
    let ids: Vec<&str> = read.iter().map(|r| r.id).collect();
    read.iter()
        .map(|r| emit(spec, spec_path, r, &reserved, &ids))
        .collect()
}

fn emit(
    spec: &OpenAPI,
    spec_path: &Path,
    r: &Read<'_>,
    reserved: &BTreeMap<(String, usize), Vec<String>>,
    ids: &[&str],
) -> Result<Emitted, GenerateError> {
    let bad = |what: String| err(spec_path, format!("operation `{}`: {what}", r.id));
    let const_name = format_ident!("{}", crate::screaming_snake(r.id));
    let type_name = format_ident!("{}", r.id);
    let (id, method, path) = (r.id, &r.method, r.path);
    let segments = segments(path, reserved, &takes_literals(r));
    let (query, paged) = query(spec, r).map_err(bad)?;
    let (request, body_type, body_info, multipart) = body(spec, r).map_err(bad)?;
    crate::marks::from_path(body_info.as_ref(), path).map_err(bad)?;
    let (response, data_type, shape, result_schema, list_answer) =
        response(spec, r.op).map_err(bad)?;
    let retry = crate::marks::retry_class(r.op).map_err(bad)?;
    let not_found = crate::marks::not_found(r.op).map_err(bad)?;
    let read_only = crate::marks::read_only(r.op, method);
    let deprecation = crate::marks::deprecation(r.op, &|id| ids.contains(&id)).map_err(bad)?;
    let (deprecated, replaced_by) = (deprecation.is_some(), deprecation.clone().flatten());
    let replaced_by = crate::marks::option(replaced_by);
    // Only query paging takes a window (no search needs one yet).
    let paging_window = crate::marks::paging_window(r.op, paged, crate::query::smallest_limit(r));
    let paging_window = paging_window.map_err(bad)?;
    let pages_in_body = !paged && crate::marks::pages_in_body(shape, body_info.as_ref());
    let paged = paged || pages_in_body;
    let batch = result_schema
        .as_deref()
        .is_some_and(|s| crate::normalize::batch_members(spec, s).is_some());
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
            pages_in_body: #pages_in_body,
            paging_window: #paging_window,
            not_found: &[#(#not_found),*],
            read_only: #read_only,
            batch: #batch,
            deprecated: #deprecated,
            replaced_by: #replaced_by,
        };
    };
    let types = quote! {
        #[doc = #doc]
        #type_name = #const_name { body: #body_type, data: #data_type }
    };
    let info = OpInfo {
        body: body_info,
        shape,
        result_schema,
        paged,
        batch,
        not_idempotent: retry.to_string().contains("NotIdempotent"),
        deprecation,
        ..op_info(spec, r)
    };
    let codec = codec(spec, r, multipart, &data_type);
    Ok(Emitted {
        info,
        list_answer,
        codec,
        const_name,
        descriptor,
        types,
    })
}

/// The path parameters whose values are literal segments of other paths (a data class type:
/// `alerts`, `incidents`), as `x-takes-literals` says: `true` (it reserves none) or the list of
/// the literals it takes (it reserves the others).
fn takes_literals<'a>(r: &'a Read<'_>) -> Vec<(&'a str, Option<Vec<String>>)> {
    r.params
        .iter()
        .filter_map(|p| match p {
            Parameter::Path { parameter_data, .. } => {
                let takes = match parameter_data.extensions.get("x-takes-literals")? {
                    serde_json::Value::Bool(true) => None,
                    serde_json::Value::Array(words) => Some(
                        words
                            .iter()
                            .filter_map(|w| w.as_str().map(str::to_owned))
                            .collect(),
                    ),
                    _ => return None,
                };
                Some((parameter_data.name.as_str(), takes))
            }
            _ => None,
        })
        .collect()
}

/// The operation's codec: its body and result read through the bindings' types.
fn codec(spec: &OpenAPI, r: &Read<'_>, multipart: bool, data_type: &TokenStream) -> TokenStream {
    let id = r.id;
    let codec_body = match (&request_body(spec, r.op), multipart) {
        (Some((_, schema)), false) => {
            let ty = format_ident!("{schema}");
            quote!(Some(crate::read_as::<types::#ty>))
        }
        _ => quote!(None),
    };
    let codec_data = if data_type.to_string().contains("types ::") {
        quote!(Some(crate::value_as::<#data_type>))
    } else {
        quote!(None)
    };
    quote!(Codec { id: #id, body: #codec_body, data: #codec_data })
}

/// The request body's descriptor tokens, its Rust type, what the client's setters need of it,
/// and whether it is a form.
fn body(
    spec: &OpenAPI,
    r: &Read<'_>,
) -> Result<(TokenStream, TokenStream, Option<BodyInfo>, bool), String> {
    let mut body_info = None;
    let mut multipart = false;
    let (request, body_type) = match request_body(spec, r.op) {
        Some((media_type, schema)) => {
            let ty = format_ident!("{schema}");
            let array = crate::nested::array_body(spec, &schema)?;
            let is_array = array.is_some();
            let (wrap, fields, min_fields) = match array {
                Some(field) => (None, vec![field], 0),
                None => crate::fields::body_fields(spec, &schema)?,
            };
            let field_tokens: Vec<_> = fields
                .iter()
                .map(crate::fields::BodyField::descriptor)
                .collect();
            let (wrap_tokens, fields_schema) = match &wrap {
                Some((member, inner)) => (quote!(Some(#member)), inner.clone()),
                None => (quote!(None), schema.clone()),
            };
            let wrap = wrap.map(|(member, _)| member);
            multipart = media_type.starts_with("multipart/");
            body_info = Some(BodyInfo {
                multipart,
                wrap,
                fields,
            });
            (
                quote!(Some(RequestBody {
                    media_type: #media_type,
                    schema: #schema,
                    wrap: #wrap_tokens,
                    fields_schema: #fields_schema,
                    fields: &[#(#field_tokens),*],
                    min_fields: #min_fields,
                    array: #is_array,
                })),
                quote!(types::#ty),
            )
        }
        None => (quote!(None), quote!(())),
    };
    Ok((request, body_type, body_info, multipart))
}

/// What the client's layer needs of an operation besides its body and answer (filled in by
/// [`emit`]).
fn op_info(spec: &OpenAPI, r: &Read<'_>) -> OpInfo {
    let ext = |name: &str| {
        r.op.extensions
            .get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    OpInfo {
        id: r.id.to_owned(),
        method: r.method.clone(),
        path: r.path.to_owned(),
        summary: r.summary.clone(),
        description: r.op.description.clone().unwrap_or_default(),
        source: ext("x-source"),
        path_params: r
            .params
            .iter()
            .filter_map(|p| match p {
                Parameter::Path { parameter_data, .. } => Some(parameter_data.name.clone()),
                _ => None,
            })
            .collect(),
        query: query_info(spec, r),
        body: None,
        shape: ShapeInfo::Bare,
        result_schema: None,
        paged: false,
        batch: false,
        not_idempotent: false,
        deprecation: None,
        extensions: r.op.extensions.clone(),
        request_example: r
            .op
            .request_body
            .as_ref()
            .and_then(ReferenceOr::as_item)
            .and_then(|b| b.content.values().next())
            .and_then(crate::shapes::first_example),
        response_example: crate::shapes::success_response(spec, r.op)
            .and_then(|(_, media)| crate::shapes::first_example(media)),
    }
}

/// `x-retry-class`, required on every operation.
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
