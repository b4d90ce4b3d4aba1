//! The bindings' generated module, assembled: progenitor's client and types around the data the
//! generator adds (open enums, operations, object fields, families, normalization, rules).

use openapiv3::OpenAPI;
use quote::quote;

use crate::{enums, families, normalize, operations, rules};

/// The bindings' module: progenitor's client and types, the open enums, the operations as data
/// and as types, the families, and the rules.
pub(crate) fn bindings_module(
    spec: &OpenAPI,
    client: proc_macro2::TokenStream,
    open_enums: &[enums::OpenEnum],
    rules: &[rules::RequiredWhen],
    operations: &[operations::Emitted],
    infos: &[&operations::OpInfo],
    object_fields: &[proc_macro2::TokenStream],
) -> proc_macro2::TokenStream {
    let operations_module = operations_module(operations);
    let family_tokens = families::families(spec, infos);
    let normalize_impls = normalize::impls(spec, infos);
    let batch_impls = normalize::batch_impls(spec);
    let open_enum_tokens = open_enums.iter().map(enums::OpenEnum::tokens);
    let enum_names = open_enums.iter().map(|e| e.name.as_str());
    let enum_values = open_enums.iter().map(|e| &e.values);
    let rule_tokens = rules.iter().map(rules::RequiredWhen::tokens);
    quote! {
        #client

        /// Forward-compatible versions of the spec's string enums: a value the spec does not list
        /// decodes into `Other` and keeps its text, instead of failing the whole response.
        pub mod open_enums {
            #(#open_enum_tokens)*

            /// The values the spec lists for the string enum `schema` (its name under
            /// `components.schemas`, as [`crate::QueryKind::Enum`] names it); `None` for a
            /// name that is no string enum of the spec.
            pub fn values_of(schema: &str) -> Option<&'static [&'static str]> {
                match schema {
                    #(#enum_names => Some(&[#(#enum_values),*]),)*
                    _ => None,
                }
            }
        }

        #operations_module

        /// The fields of every object a request body holds, at any depth
        /// ([`crate::Field::fields`]): what is checked inside a body's objects and arrays.
        pub mod object_fields {
            use crate::{Field, FieldKind};

            #(#object_fields)*
        }

        /// The resource families of the spec, inferred from its operations' paths and shapes
        /// (see [`crate::Family`]): what a store needs to serve each.
        pub mod families {
            pub use crate::Family;
            use crate::ListStyle;

            /// Every family, by name.
            pub const ALL: &[Family] = &[#(#family_tokens),*];
        }

        /// How every result is normalized ([`crate::Normalize`]), per schema.
        mod normalizing {
            use super::types;

            #(#normalize_impls)*

            #(#batch_impls)*
        }

        /// Rules of the spec that OpenAPI 3.0 cannot express as a schema, from its
        /// `x-required-when` extensions, enforced by the runtime from this data.
        pub mod constraints {
            pub use crate::RequiredWhen;

            /// Every `x-required-when` rule of the spec.
            pub const REQUIRED_WHEN: &[RequiredWhen] = &[#(#rule_tokens),*];
        }
    }
}

/// The `operations` module: every operation's descriptor, type and codec.
fn operations_module(operations: &[operations::Emitted]) -> proc_macro2::TokenStream {
    let operation_names = operations.iter().map(|o| &o.const_name);
    let operation_consts = operations.iter().map(|o| &o.descriptor);
    let operation_types = operations.iter().map(|o| &o.types);
    let list_answers = operations.iter().filter_map(|o| o.list_answer.as_ref());
    let codecs = operations.iter().map(|o| &o.codec);
    quote! {
        /// Every operation of the spec, as data ([`crate::Operation`]) and as a type ([`crate::Op`]).
        pub mod operations {
            pub use crate::Operation;
            use crate::{
                Codec, Field, FieldKind, NotFound, QueryKind, QueryParam, RequestBody, Response, RetryClass, Segment,
                Shape,
            };
            use super::types;

            #(#operation_consts)*

            /// Every operation of the spec.
            pub const ALL: &[Operation] = &[#(#operation_names),*];

            /// Every operation's body and result read through the bindings' types.
            pub const CODECS: &[Codec] = &[#(#codecs),*];

            #(operation_types! { #operation_types })*

            #(#list_answers)*
        }
    }
}
