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
