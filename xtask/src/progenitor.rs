//! progenitor's half of the bindings: its client and types for the spec, with the open enums
//! swapped in, a multipart body handed to it as bytes, and a panic turned into an error.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use openapiv3::OpenAPI;
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};

use crate::{GenerateError, INNER_TYPE, OPEN_ENUM_MODULE, enums, err};

/// The media type of a form upload (ImportAopworkflow).
const MULTIPART: &str = "multipart/form-data";

/// The keywords that bound a schema's values (lengths, patterns, ranges, sizes).
const BOUNDS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// A copy of `spec` without the bounds of its schemas' values (and numbers' enums): the
/// bindings' types read what the service sends whatever its length or range (a bounded string would otherwise be a
/// validated newtype, and a title one character too long would fail a whole answer), and take
/// plain `String`s and integers. The bounds stay in the spec itself, where the descriptors
/// carry them: the client checks what it sends against them, the fake what it receives.
pub(crate) fn without_bounds(spec: &OpenAPI, spec_path: &Path) -> Result<OpenAPI, GenerateError> {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                // A keyword's value is a number or a pattern's text; a property that happens to
                // be called `minimum` is a schema (an object), and stays.
                map.retain(|key, v| !BOUNDS.contains(&key.as_str()) || v.is_object());
                // A number's enum too (an answer's `source_type` of a kind the pages do not list
                // yet is read, not refused); strings' enums are open enums.
                let numeric = matches!(
                    map.get("type").and_then(|t| t.as_str()),
                    Some("integer" | "number")
                );
                if numeric && map.get("enum").is_some_and(serde_json::Value::is_array) {
                    map.remove("enum");
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let fail = |e: serde_json::Error| err(spec_path, format!("the spec without bounds: {e}"));
    let mut value = serde_json::to_value(spec).map_err(fail)?;
    strip(&mut value);
    serde_json::from_value(value).map_err(fail)
}

/// A copy of `spec` in which every `multipart/form-data` request body is
/// `application/octet-stream`: progenitor 0.15 cannot generate a multipart request, and takes
/// the encoded form's bytes this way (the bindings' hook gives them their multipart
/// Content-Type). The descriptors are made from the spec itself, where the body stays
/// multipart.
pub(crate) fn multipart_as_octet_stream(spec: &OpenAPI) -> OpenAPI {
    use openapiv3::{
        MediaType, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, StringType, Type,
        VariantOrUnknownOrEmpty,
    };
    let mut copy = spec.clone();
    for item in copy.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            let Some(ReferenceOr::Item(body)) = op.request_body.as_mut() else {
                continue;
            };
            if body.content.shift_remove(MULTIPART).is_some() {
                let bytes = Schema {
                    schema_data: SchemaData::default(),
                    schema_kind: SchemaKind::Type(Type::String(StringType {
                        format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                        ..StringType::default()
                    })),
                };
                body.content.insert(
                    "application/octet-stream".to_owned(),
                    MediaType {
                        schema: Some(ReferenceOr::Item(bytes)),
                        ..MediaType::default()
                    },
                );
            }
        }
    }
    copy
}

/// progenitor's client for `spec`, with the open enums swapped in for its closed ones.
pub(crate) fn progenitor_client(
    spec: &OpenAPI,
    open_enums: &[enums::OpenEnum],
    spec_path: &Path,
) -> Result<proc_macro2::TokenStream, GenerateError> {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().expect("valid Rust path"))
        // So that users (and tests) can compare bodies and answers.
        .with_derive("PartialEq");
    for e in open_enums {
        settings.with_replacement(
            &e.name,
            format!("{OPEN_ENUM_MODULE}::{}", e.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }

    catch_progenitor_panic(spec_path, || {
        Generator::new(&settings).generate_tokens(spec)
    })?
    .map_err(|e| {
        err(
            spec_path,
            format!("progenitor cannot generate a client from it: {e}"),
        )
    })
}

/// Runs progenitor, turning a panic into an error that names the spec.
fn catch_progenitor_panic<T>(spec_path: &Path, f: impl FnOnce() -> T) -> Result<T, GenerateError> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown reason".to_owned());
        err(
            spec_path,
            format!("progenitor cannot handle a shape in this spec: {msg}"),
        )
    })
}
