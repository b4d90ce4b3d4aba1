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
    pub not_idempotent: bool,
    pub extensions: indexmap::IndexMap<String, serde_json::Value>,
}

/// A query parameter as the client's setter needs it.
pub(crate) struct QueryInfo {
    pub name: String,
    pub required: bool,
    pub description: String,
    /// `integer`, `boolean`, `string`, or an enum's schema name.
    pub kind: QueryType,
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
    pub fields: Vec<crate::fields::BodyField>,
}

/// How a success carries its result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShapeInfo {
    Envelope { data: bool, list: bool },
    Bare,
    BareList,
    Binary,
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
    let mut body_info = None;
    let mut multipart = false;
    let (request, body_type) = match request_body(spec, r.op) {
        Some((media_type, schema)) => {
            let ty = format_ident!("{schema}");
            let (wrap, fields, min_fields) =
                crate::fields::body_fields(spec, &schema).map_err(bad)?;
            let field_tokens: Vec<_> = fields
                .iter()
                .map(crate::fields::BodyField::descriptor)
                .collect();
            let wrap = match wrap {
                Some(member) => quote!(Some(#member)),
                None => quote!(None),
            };
            multipart = media_type.starts_with("multipart/");
            body_info = Some(BodyInfo { multipart, fields });
            (
                quote!(Some(RequestBody {
                    media_type: #media_type,
                    schema: #schema,
                    wrap: #wrap,
                    fields: &[#(#field_tokens),*],
                    min_fields: #min_fields,
                })),
                quote!(types::#ty),
            )
        }
        None => (quote!(None), quote!(())),
    };
    let (response, data_type, shape, result_schema, list_answer) =
        response(spec, r.op).map_err(bad)?;
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
    let info = OpInfo {
        body: body_info,
        shape,
        result_schema,
        paged,
        not_idempotent: retry.to_string().contains("NotIdempotent"),
        ..op_info(spec, r)
    };
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
    let codec = quote!(Codec { id: #id, body: #codec_body, data: #codec_data });
    Ok(Emitted {
        info,
        list_answer,
        codec,
        const_name,
        descriptor,
        types,
    })
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
        not_idempotent: false,
        extensions: r.op.extensions.clone(),
    }
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

/// What [`response`] reads of an operation's 2xx answer.
type ResponseRead = (
    TokenStream,
    TokenStream,
    ShapeInfo,
    Option<String>,
    Option<TokenStream>,
);

/// The 2xx answer's descriptor, the Rust type of its result, its shape, the schema of its
/// result (or of a list's items), and a list with no envelope's `ListAnswer` impl.
fn response(spec: &OpenAPI, op: &Operation) -> Result<ResponseRead, String> {
    let (media_type, media) =
        success_response(spec, op).ok_or("needs a 2xx response with one media type")?;
    let schema_name = media.schema.as_ref().and_then(|s| match s {
        ReferenceOr::Reference { reference } => Some(ref_name(reference).to_owned()),
        ReferenceOr::Item(_) => None,
    });
    let mut list_answer = None;
    let (shape, data_type, info, result) = if !media_type.starts_with("application/json") {
        (
            quote!(Shape::Binary),
            quote!(crate::Binary),
            ShapeInfo::Binary,
            None,
        )
    } else {
        let name = schema_name
            .as_deref()
            .ok_or("its 2xx JSON schema must be a $ref to a named schema")?;
        let object = object_properties(spec, name)
            .ok_or_else(|| format!("its 2xx schema `{name}` must be an object"))?;
        let ty = format_ident!("{name}");
        if object.contains_key("code") && object.contains_key("message") {
            let (shape, data, info, item) = envelope(object.get("data"))?;
            (shape, data, info, item)
        } else if let Some((items, item, count)) = bare_list(object) {
            let item_ty = format_ident!("{item}");
            let items_field = format_ident!("{}", items);
            let total = match count {
                Some(count) => {
                    let count = format_ident!("{count}");
                    quote!(self.#count.and_then(|n| u64::try_from(n).ok()))
                }
                None => quote!(None),
            };
            list_answer = Some(quote! {
                impl crate::ListAnswer for types::#ty {
                    type Item = types::#item_ty;
                    fn into_page(self) -> (::std::vec::Vec<types::#item_ty>, Option<u64>) {
                        (self.#items_field, #total)
                    }
                }
            });
            (
                quote!(Shape::BareList),
                quote!(types::#ty),
                ShapeInfo::BareList,
                Some(item),
            )
        } else {
            (
                quote!(Shape::Bare),
                quote!(types::#ty),
                ShapeInfo::Bare,
                Some(name.to_owned()),
            )
        }
    };
    let schema = match &schema_name {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let response = quote!(Response { media_type: #media_type, schema: #schema, shape: #shape });
    Ok((response, data_type, info, result, list_answer))
}

/// A bare answer that is a page of a list: one array of named items, and at most a count
/// (`count` or `total`) beside it. Its items' member, their schema, and the count's member.
pub(crate) fn bare_list(
    object: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
) -> Option<(String, String, Option<String>)> {
    let mut items = None;
    let mut count = None;
    for (name, s) in object {
        let ReferenceOr::Item(item) = s else {
            return None;
        };
        match &item.schema_kind {
            SchemaKind::Type(Type::Array(array)) if items.is_none() => {
                match array.items.as_ref()? {
                    ReferenceOr::Reference { reference } => {
                        items = Some((name.clone(), ref_name(reference).to_owned()));
                    }
                    ReferenceOr::Item(_) => return None,
                }
            }
            SchemaKind::Type(Type::Integer(_)) if name == "count" || name == "total" => {
                count = Some(name.clone());
            }
            _ => return None,
        }
    }
    let (items, item) = items?;
    Some((items, item, count))
}

/// An envelope's shape, the Rust type of its `data` (`()` when it has none), and the schema of
/// `data` (of its items).
fn envelope(
    data: Option<&ReferenceOr<Box<Schema>>>,
) -> Result<(TokenStream, TokenStream, ShapeInfo, Option<String>), String> {
    let has_data = data.is_some();
    let (list, ty, item) = match data {
        None => (false, quote!(()), None),
        Some(ReferenceOr::Reference { reference }) => {
            let name = ref_name(reference);
            let ty = format_ident!("{name}");
            (false, quote!(types::#ty), Some(name.to_owned()))
        }
        Some(ReferenceOr::Item(item)) => match &item.schema_kind {
            SchemaKind::Type(Type::Array(array)) => match array.items.as_ref() {
                Some(ReferenceOr::Reference { reference }) => {
                    let name = ref_name(reference);
                    let ty = format_ident!("{name}");
                    (
                        true,
                        quote!(::std::vec::Vec<types::#ty>),
                        Some(name.to_owned()),
                    )
                }
                _ => return Err("`data` items must be a $ref".to_owned()),
            },
            _ => (false, quote!(::serde_json::Value), None),
        },
    };
    Ok((
        quote!(Shape::Envelope { data: #has_data, list: #list }),
        ty,
        ShapeInfo::Envelope {
            data: has_data,
            list,
        },
        item,
    ))
}

/// The query parameters as the client's setters need them.
fn query_info(spec: &OpenAPI, r: &Read<'_>) -> Vec<QueryInfo> {
    r.params
        .iter()
        .filter_map(|p| {
            let Parameter::Query { parameter_data, .. } = p else {
                return None;
            };
            let ParameterSchemaOrContent::Schema(s) = &parameter_data.format else {
                return None;
            };
            let kind = match s {
                ReferenceOr::Reference { reference } => {
                    QueryType::Enum(ref_name(reference).to_owned())
                }
                ReferenceOr::Item(item) => match &item.schema_kind {
                    SchemaKind::Type(Type::Integer(_)) => QueryType::Integer,
                    SchemaKind::Type(Type::Boolean(_)) => QueryType::Boolean,
                    _ => QueryType::String,
                },
            };
            let _ = spec;
            Some(QueryInfo {
                name: parameter_data.name.clone(),
                required: parameter_data.required,
                description: parameter_data.description.clone().unwrap_or_default(),
                kind,
            })
        })
        .collect()
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

pub(crate) fn ref_name(reference: &str) -> &str {
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

pub(crate) fn schema<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

pub(crate) fn object_properties<'a>(
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
pub(crate) fn success_response<'a>(
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

/// The name of the 2xx answer's schema of operation `id`, when it is a `$ref`.
pub(crate) fn response_schema(spec: &OpenAPI, id: &str) -> Option<String> {
    let op = spec
        .paths
        .paths
        .values()
        .filter_map(ReferenceOr::as_item)
        .flat_map(|item| item.iter().map(|(_, op)| op))
        .find(|op| op.operation_id.as_deref() == Some(id))?;
    let (_, media) = success_response(spec, op)?;
    match media.schema.as_ref()? {
        ReferenceOr::Reference { reference } => Some(ref_name(reference).to_owned()),
        ReferenceOr::Item(_) => None,
    }
}
