//! The Rust type a generated setter takes for a body field of each kind, and the expression
//! that turns its argument into the JSON value stored.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::fields::Kind;

impl Kind {
    /// The setter's parameter type, and the expression that turns the parameter `value` into
    /// the JSON value stored (`Result<Value, String>` when `fallible`).
    pub fn setter(&self, bindings: &TokenStream) -> (TokenStream, TokenStream, bool) {
        match self {
            Kind::String { .. } => (
                quote!(impl Into<String>),
                quote!(::serde_json::Value::String(value.into())),
                false,
            ),
            Kind::Integer { min, wide, .. } => {
                let ty = match (min.is_some_and(|m| m >= 0), wide) {
                    (true, false) => quote!(u32),
                    (true, true) => quote!(u64),
                    (false, false) => quote!(i32),
                    (false, true) => quote!(i64),
                };
                (ty, quote!(::serde_json::Value::from(value)), false)
            }
            Kind::Number => (quote!(f64), quote!(::serde_json::Value::from(value)), false),
            Kind::Boolean => (
                quote!(bool),
                quote!(::serde_json::Value::Bool(value)),
                false,
            ),
            Kind::Enum { schema, .. } => {
                let ty = format_ident!("{schema}");
                (
                    quote!(#bindings::open_enums::#ty),
                    quote!(::serde_json::Value::String(value.as_str().to_owned())),
                    false,
                )
            }
            Kind::Object(name) => {
                let ty = format_ident!("{name}");
                (
                    quote!(impl TryInto<#bindings::types::#ty, Error: ::std::fmt::Display>),
                    quote!(value.try_into().map_err(|e| e.to_string()).and_then(|v| {
                        ::serde_json::to_value(v).map_err(|e| format!("cannot be serialized: {e}"))
                    })),
                    true,
                )
            }
            Kind::Map { .. } => (
                quote!(::serde_json::Map<String, ::serde_json::Value>),
                quote!(::serde_json::Value::Object(value)),
                false,
            ),
            Kind::Array { items, .. } => array_setter(items, bindings),
            Kind::Binary => (quote!(::bytes::Bytes), quote!(unreachable!()), false),
        }
    }
}

/// The setter's parameter type and conversion for an array of `items`.
fn array_setter(items: &Kind, bindings: &TokenStream) -> (TokenStream, TokenStream, bool) {
    match items {
        Kind::String { .. } => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(::serde_json::Value::Array(
                value
                    .into_iter()
                    .map(|v| ::serde_json::Value::String(v.into()))
                    .collect()
            )),
            false,
        ),
        Kind::Enum { schema, .. } => {
            let ty = format_ident!("{schema}");
            (
                quote!(impl IntoIterator<Item = #bindings::open_enums::#ty>),
                quote!(::serde_json::Value::Array(
                    value
                        .into_iter()
                        .map(|v| ::serde_json::Value::String(v.as_str().to_owned()))
                        .collect()
                )),
                false,
            )
        }
        Kind::Object(name) => {
            let ty = format_ident!("{name}");
            (
                quote!(impl IntoIterator<Item = #bindings::types::#ty>),
                quote!(
                    ::serde_json::to_value(value.into_iter().collect::<Vec<_>>())
                        .map_err(|e| format!("cannot be serialized: {e}"))
                ),
                true,
            )
        }
        other => {
            let (ty, _, _) = other.setter(bindings);
            (
                quote!(impl IntoIterator<Item = #ty>),
                quote!(
                    ::serde_json::to_value(value.into_iter().collect::<Vec<_>>())
                        .map_err(|e| format!("cannot be serialized: {e}"))
                ),
                true,
            )
        }
    }
}
