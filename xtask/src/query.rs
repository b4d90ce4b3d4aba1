//! An operation's query parameters: as descriptor data (type, bounds, required-ness; whether
//! they page) and as the client's setters need them.

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};
use proc_macro2::TokenStream;
use quote::quote;

use crate::operations::{QueryInfo, QueryType, Read};
use crate::shapes::{ref_name, schema};

/// The query parameters, and whether they page (`offset` and `limit`).
pub(crate) fn query(spec: &OpenAPI, r: &Read<'_>) -> Result<(Vec<TokenStream>, bool), String> {
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

/// The fewest items a page may ask for: the `limit` query parameter's minimum, 1 at least.
pub(crate) fn smallest_limit(r: &Read<'_>) -> u64 {
    let minimum = r.params.iter().find_map(|p| match p {
        Parameter::Query { parameter_data, .. } if parameter_data.name == "limit" => {
            match &parameter_data.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => match &s.schema_kind {
                    SchemaKind::Type(Type::Integer(int)) => int.minimum,
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    });
    minimum.map_or(1, |m| m.max(1).unsigned_abs())
}

/// The query parameters as the client's setters need them.
pub(crate) fn query_info(spec: &OpenAPI, r: &Read<'_>) -> Vec<QueryInfo> {
    r.params
        .iter()
        .filter_map(|p| {
            let Parameter::Query { parameter_data, .. } = p else {
                return None;
            };
            let ParameterSchemaOrContent::Schema(s) = &parameter_data.format else {
                return None;
            };
            let mut example = parameter_data.example.clone();
            let kind = match s {
                ReferenceOr::Reference { reference } => {
                    let name = ref_name(reference);
                    if let Some(SchemaKind::Type(Type::String(st))) =
                        schema(spec, name).map(|s| &s.schema_kind)
                    {
                        let first = st.enumeration.iter().flatten().next();
                        example = example.or_else(|| first.map(|v| v.clone().into()));
                    }
                    QueryType::Enum(name.to_owned())
                }
                ReferenceOr::Item(item) => {
                    example = example.or_else(|| item.schema_data.example.clone());
                    match &item.schema_kind {
                        SchemaKind::Type(Type::Integer(int)) => {
                            example = example.or(Some(int.minimum.unwrap_or(0).into()));
                            QueryType::Integer
                        }
                        SchemaKind::Type(Type::Boolean(_)) => QueryType::Boolean,
                        _ => QueryType::String,
                    }
                }
            };
            Some(QueryInfo {
                name: parameter_data.name.clone(),
                required: parameter_data.required,
                description: parameter_data.description.clone().unwrap_or_default(),
                kind,
                example,
            })
        })
        .collect()
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
            // An `int32` takes no more than its format holds, when the spec says no more.
            let int32 = matches!(
                &int.format,
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32)
            );
            let (min, max) = match int32 {
                true => (
                    int.minimum.or(Some(i64::from(i32::MIN))),
                    int.maximum.or(Some(i64::from(i32::MAX))),
                ),
                false => (int.minimum, int.maximum),
            };
            let (min, max) = (bound(min), bound(max));
            Some(quote!(QueryKind::Integer { min: #min, max: #max }))
        }
        SchemaKind::Type(Type::Boolean(_)) => Some(quote!(QueryKind::Boolean)),
        SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty() => {
            match (st.min_length, st.max_length) {
                (None, None) => Some(quote!(QueryKind::String)),
                (min, max) => {
                    let len = |b: Option<usize>| match b {
                        Some(n) => {
                            let n = n as u64;
                            quote!(Some(#n))
                        }
                        None => quote!(None),
                    };
                    let (min, max) = (len(min), len(max));
                    Some(quote!(QueryKind::Text { min_len: #min, max_len: #max }))
                }
            }
        }
        _ => None,
    }
}
