//! What an operation's request and answer are, read from the spec: the request body's media
//! type and schema, the 2xx answer's shape (an envelope with or without `data`, a list in one,
//! a bare result or list, a file), and the lookups they need.

use openapiv3::{MediaType, OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, StatusCode, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::operations::ShapeInfo;

/// What [`response`] reads of an operation's 2xx answer.
pub(crate) type ResponseRead = (
    TokenStream,
    TokenStream,
    ShapeInfo,
    Option<String>,
    Option<TokenStream>,
);

/// The 2xx answer's descriptor, the Rust type of its result, its shape, the schema of its
/// result (or of a list's items), and a list with no envelope's `ListAnswer` impl.
pub(crate) fn response(spec: &OpenAPI, op: &Operation) -> Result<ResponseRead, String> {
    let Some((media_type, media)) = success_response(spec, op) else {
        // A 2xx without content: nothing to read.
        if has_success(op) {
            let response = quote!(Response {
                media_type: "",
                schema: None,
                shape: Shape::Empty
            });
            return Ok((response, quote!(()), ShapeInfo::Empty, None, None));
        }
        return Err("needs a 2xx response".to_owned());
    };
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
        if let Some(item) = array_of_named(spec, media.schema.as_ref()) {
            // A bare JSON array of named items.
            let ty = format_ident!("{item}");
            let response = quote!(Response {
                media_type: #media_type,
                schema: None,
                shape: Shape::Bare,
            });
            let data = quote!(::std::vec::Vec<types::#ty>);
            return Ok((response, data, ShapeInfo::BareArray, Some(item), None));
        }
        let name = schema_name
            .as_deref()
            .ok_or("its 2xx JSON schema must be a $ref to a named schema, or an array of one")?;
        let object = object_properties(spec, name)
            .ok_or_else(|| format!("its 2xx schema `{name}` must be an object"))?;
        let ty = format_ident!("{name}");
        if object.contains_key("code") && object.contains_key("message") {
            let (shape, data, info, item) = envelope(object.get("data"))?;
            (shape, data, info, item)
        } else if let Some((items, item, count)) = bare_list(object) {
            list_answer = Some(list_answer_impl(&ty, &items, &item, count.as_deref()));
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

pub(crate) fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
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

/// The request body's media type and schema name.
pub(crate) fn request_body(spec: &OpenAPI, op: &Operation) -> Option<(String, String)> {
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

/// A media type's first example: its `example`, else the value of its first `examples` entry.
pub(crate) fn first_example(media: &MediaType) -> Option<serde_json::Value> {
    media.example.clone().or_else(|| {
        media
            .examples
            .values()
            .find_map(|e| e.as_item().and_then(|e| e.value.clone()))
    })
}

/// Whether the operation documents a 2xx answer at all (with content or without).
fn has_success(op: &Operation) -> bool {
    op.responses.responses.keys().any(|status| match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(r) => *r == 2,
    })
}

/// The item schema of a 2xx schema that is an array of a named schema (inline, or a named
/// array schema).
fn array_of_named(spec: &OpenAPI, schema: Option<&ReferenceOr<Schema>>) -> Option<String> {
    let item = match schema? {
        ReferenceOr::Item(item) => item,
        ReferenceOr::Reference { reference } => self::schema(spec, ref_name(reference))?,
    };
    match &item.schema_kind {
        SchemaKind::Type(Type::Array(array)) => match array.items.as_ref()? {
            ReferenceOr::Reference { reference } => Some(ref_name(reference).to_owned()),
            ReferenceOr::Item(_) => None,
        },
        _ => None,
    }
}

/// `impl ListAnswer` for a bare list answer `ty`: its items in member `items` (of schema
/// `item`), its count in member `count`.
fn list_answer_impl(ty: &syn::Ident, items: &str, item: &str, count: Option<&str>) -> TokenStream {
    let item_ty = format_ident!("{item}");
    let items_field = format_ident!("{items}");
    let total = match count {
        Some(count) => {
            let count = format_ident!("{count}");
            quote!(self.#count.and_then(|n| u64::try_from(n).ok()))
        }
        None => quote!(None),
    };
    quote! {
        impl crate::ListAnswer for types::#ty {
            type Item = types::#item_ty;
            fn into_page(self) -> (::std::vec::Vec<types::#item_ty>, Option<u64>) {
                (self.#items_field, #total)
            }
        }
    }
}
