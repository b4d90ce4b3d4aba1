//! Open enums: every named string enum of `components.schemas`, emitted as an `open_enum!`
//! invocation (the macro is hand-written in `generated/src/lib.rs`).

use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type};
use quote::{format_ident, quote};

use crate::{GenerateError, err};

pub(crate) struct OpenEnum {
    pub(crate) name: String,
    description: Option<String>,
    pub(crate) values: Vec<String>,
    /// Rust names of the values, checked to be identifiers and distinct.
    variants: Vec<String>,
}

/// Every named string enum of `components.schemas`, with checked Rust names for its variants.
pub(crate) fn open_enums(spec: &OpenAPI, spec_path: &Path) -> Result<Vec<OpenEnum>, GenerateError> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(Schema {
            schema_data,
            schema_kind: SchemaKind::Type(Type::String(StringType { enumeration, .. })),
        }) = schema
        else {
            continue;
        };
        if enumeration.is_empty() {
            continue;
        }
        let bad = |what: String| err(spec_path, format!("string enum `{name}`: {what}"));
        if syn::parse_str::<syn::Ident>(name).is_err() {
            return Err(bad(
                "its name is not a Rust identifier; rename the schema".to_owned()
            ));
        }
        let values: Vec<String> = enumeration.iter().flatten().cloned().collect();
        let mut variants: Vec<String> = Vec::new();
        for value in &values {
            let variant = variant_name(value);
            if syn::parse_str::<syn::Ident>(&variant).is_err() {
                return Err(bad(format!(
                    "value {value:?} gives `{variant}`, which is not a Rust identifier"
                )));
            }
            if variant == "Other" {
                return Err(bad(format!(
                    "value {value:?} would collide with the `Other(String)` variant for unknown values"
                )));
            }
            if let Some(i) = variants.iter().position(|v| *v == variant) {
                return Err(bad(format!(
                    "values {:?} and {value:?} both become the variant `{variant}`",
                    values[i]
                )));
            }
            variants.push(variant);
        }
        out.push(OpenEnum {
            name: name.clone(),
            description: schema_data.description.clone(),
            values,
            variants,
        });
    }
    Ok(out)
}

/// `IP` → `Ip`, `public_engine` → `PublicEngine`, `""` → `Empty`, `3DES` → `V3des`.
fn variant_name(value: &str) -> String {
    let camel = upper_camel(value);
    match camel.chars().next() {
        None => "Empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("V{camel}"),
        Some(_) => camel,
    }
}

impl OpenEnum {
    /// An `open_enum!` invocation (the macro is hand-written in `generated/src/lib.rs`).
    pub(crate) fn tokens(&self) -> proc_macro2::TokenStream {
        let name = format_ident!("{}", self.name);
        let doc = self
            .description
            .clone()
            .unwrap_or_else(|| format!("`{}`.", self.name));
        let variants: Vec<_> = self.variants.iter().map(|v| format_ident!("{v}")).collect();
        let values = &self.values;
        let variant_docs = values.iter().map(|v| format!("`{v}`"));
        quote! {
            open_enum! {
                #[doc = #doc]
                #name { #( #[doc = #variant_docs] #variants = #values, )* }
            }
        }
    }
}

/// `IP` → `Ip`, `public_engine` → `PublicEngine`, `HEMOSTASIS` → `Hemostasis`; a word already
/// in mixed case keeps its capitals (`ActionInstanceRunCommand`).
fn upper_camel(value: &str) -> String {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mixed = w.chars().any(|c| c.is_ascii_lowercase())
                && w.chars().any(|c| c.is_ascii_uppercase());
            let lower = if mixed {
                w.to_owned()
            } else {
                w.to_ascii_lowercase()
            };
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
