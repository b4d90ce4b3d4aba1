//! How a result is read the same way for every type: an `impl Normalize` per schema a result
//! can hold (its properties, nested to any depth), emitted into the bindings. Text and enum
//! fields the service sends as `""` read as absent, and a nested object left with nothing in it
//! reads as absent too; lists and nested objects are normalized item by item.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::operations::{OpInfo, ShapeInfo};
use crate::shapes::{ref_name, response_schema, schema};

/// typify's name for property `name`.
fn field(name: &str) -> syn::Ident {
    let snake = name.to_snake_case();
    match snake.as_str() {
        "type" | "match" | "ref" | "self" | "mod" | "use" | "fn" | "loop" | "move" | "where"
        | "async" | "await" | "dyn" | "impl" | "in" | "let" | "mut" | "pub" | "return"
        | "static" | "struct" | "trait" | "enum" | "const" | "crate" | "super" => {
            format_ident!("{snake}_")
        }
        _ => format_ident!("{snake}"),
    }
}

/// The schemas a result of `ops` can hold, by name.
fn reachable(spec: &OpenAPI, ops: &[&OpInfo]) -> BTreeSet<String> {
    let mut todo: Vec<String> = Vec::new();
    for op in ops {
        match op.shape {
            ShapeInfo::Bare | ShapeInfo::BareList => todo.extend(response_schema(spec, &op.id)),
            ShapeInfo::Envelope { data: true, .. } | ShapeInfo::BareArray => {
                todo.extend(op.result_schema.clone())
            }
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(object) = object(spec, &name) {
            todo.extend(
                object
                    .properties
                    .values()
                    .filter_map(referenced_object(spec)),
            );
        }
    }
    seen.retain(|name| object(spec, name).is_some());
    seen
}

fn object<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a openapiv3::ObjectType> {
    match &schema(spec, name)?.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(o),
        _ => None,
    }
}

/// The named object a property holds, itself or as the items of its array.
fn referenced_object<'a>(
    spec: &'a OpenAPI,
) -> impl Fn(&ReferenceOr<Box<Schema>>) -> Option<String> + 'a {
    move |s| {
        let reference = match s {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(item) => match &item.schema_kind {
                SchemaKind::Type(Type::Array(array)) => match array.items.as_ref()? {
                    ReferenceOr::Reference { reference } => reference.clone(),
                    ReferenceOr::Item(_) => return None,
                },
                _ => return None,
            },
        };
        let name = ref_name(&reference).to_owned();
        object(spec, &name).map(|_| name)
    }
}

/// `impl crate::Normalize for types::X` for every schema a result can hold.
pub(crate) fn impls(spec: &OpenAPI, ops: &[&OpInfo]) -> Vec<TokenStream> {
    reachable(spec, ops)
        .into_iter()
        .map(|name| {
            let object = object(spec, &name).expect("reachable objects");
            let steps = object.properties.iter().filter_map(|(prop, s)| {
                let f = field(prop);
                let required = object.required.contains(prop);
                if let Some(nested) = referenced_object(spec)(s) {
                    let all_optional = object_of_all_optional(spec, &nested);
                    let is_list = !matches!(s, ReferenceOr::Reference { .. });
                    return Some(if !required && !is_list && all_optional {
                        quote! {
                            crate::Normalize::normalize(&mut self.#f);
                            if self.#f.as_ref().is_some_and(|v| *v == Default::default()) {
                                self.#f = None;
                            }
                        }
                    } else {
                        quote!(crate::Normalize::normalize(&mut self.#f);)
                    });
                }
                if required {
                    return None;
                }
                let target = match s {
                    ReferenceOr::Reference { reference } => schema(spec, ref_name(reference)),
                    ReferenceOr::Item(item) => Some(&**item),
                }?;
                match &target.schema_kind {
                    SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                        Some(quote!(self.#f = self.#f.take().filter(|v| !v.as_str().is_empty());))
                    }
                    SchemaKind::Type(Type::String(_)) => {
                        Some(quote!(self.#f = self.#f.take().filter(|v| !v.is_empty());))
                    }
                    _ => None,
                }
            });
            let ty = format_ident!("{name}");
            quote! {
                impl crate::Normalize for types::#ty {
                    fn normalize(&mut self) {
                        #(#steps)*
                    }
                }
            }
        })
        .collect()
}

/// `x-batch-result` of schema `name` (`{succeeded: success_ids, failed: error_ids}`): the two
/// members naming the IDs acted on and the others.
pub(crate) fn batch_members(spec: &OpenAPI, name: &str) -> Option<(String, String)> {
    let ext = schema(spec, name)?
        .schema_data
        .extensions
        .get("x-batch-result")?;
    let member = |key: &str| ext.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Some((member("succeeded")?, member("failed")?))
}

/// `impl crate::BatchOutcome for types::X` for every schema marked `x-batch-result`.
pub(crate) fn batch_impls(spec: &OpenAPI) -> Vec<TokenStream> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .keys()
        .filter_map(|name| {
            let (succeeded, failed) = batch_members(spec, name)?;
            let (ty, ok, failed) = (format_ident!("{name}"), field(&succeeded), field(&failed));
            Some(quote! {
                impl crate::BatchOutcome for types::#ty {
                    fn succeeded(&self) -> &[String] { &self.#ok }
                    fn failed(&self) -> &[String] { &self.#failed }
                }
            })
        })
        .collect()
}

fn object_of_all_optional(spec: &OpenAPI, name: &str) -> bool {
    object(spec, name).is_some_and(|o| o.required.is_empty())
}
