//! A generated builder: its setters, `send` in the answer's shape, `items()` and waiters.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Names, doc_lines, fields, ident, strings, texts};
use crate::fields::Kind;
use crate::operations::{OpInfo, QueryType, ShapeInfo};

/// The view type of results of schema `name`: `x-rust-view`, else the bindings' type.
fn view(spec: &OpenAPI, name: Option<&str>) -> TokenStream {
    let Some(name) = name else {
        return quote!(::serde_json::Value);
    };
    let custom = crate::operations::schema(spec, name)
        .and_then(|s| s.schema_data.extensions.get("x-rust-view"))
        .and_then(|v| v.as_str());
    match custom {
        Some(path) => {
            let path: syn::Path = syn::parse_str(&format!("crate::{path}")).expect("a Rust path");
            quote!(#path)
        }
        None => {
            let ty = format_ident!("{name}");
            quote!(secmaster_bindings::types::#ty)
        }
    }
}

/// A typed setter per query parameter and per body field (but those `x-rust-hide` keeps for an
/// intent method, those taken as arguments, a form's file, and a mandatory enum of one value,
/// which is sent as that value).
pub(super) fn setters(op: &OpInfo) -> Result<Vec<TokenStream>, String> {
    let bindings = quote!(secmaster_bindings);
    let mut setters = Vec::new();
    for q in &op.query {
        let name = &q.name;
        let setter = ident(name);
        let mut sdoc = doc_lines(&q.description);
        if q.required {
            sdoc.push(" Mandatory.".to_owned());
        }
        let (ty, value) = match &q.kind {
            QueryType::Integer => (quote!(u32), quote!(value)),
            QueryType::Boolean => (quote!(bool), quote!(value)),
            QueryType::String => (quote!(impl Into<String>), quote!(value.into())),
            QueryType::Enum(schema) => {
                let e = format_ident!("{schema}");
                (
                    quote!(#bindings::open_enums::#e),
                    quote!(value.as_str().to_owned()),
                )
            }
        };
        setters.push(quote! {
            #(#[doc = #sdoc])*
            pub fn #setter(mut self, value: #ty) -> Self { self.0.query(#name, #value); self }
        });
    }
    let (hide, args) = (strings(op, "x-rust-hide"), strings(op, "x-rust-args"));
    for f in fields(op) {
        let one_value =
            f.required && matches!(&f.kind, Kind::Enum { values, .. } if values.len() == 1);
        if hide.contains(&f.name)
            || args.contains(&f.name)
            || matches!(f.kind, Kind::Binary)
            || one_value
        {
            continue;
        }
        if op.query.iter().any(|q| q.name == f.setter) {
            return Err(format!(
                "body field `{}` has the name of a query parameter",
                f.name
            ));
        }
        let setter = ident(&f.setter);
        let wire = &f.name;
        let mut sdoc = doc_lines(&f.description);
        match (&f.from_path, f.required) {
            (Some(param), required) => sdoc.push(format!(
                " The path's `{param}`{}; another value is refused before sending.",
                if required { " when unset" } else { " if set" }
            )),
            (None, true) => sdoc.push(" Mandatory.".to_owned()),
            (None, false) => {}
        }
        let (ty, expr, fallible) = f.kind.setter(&bindings);
        let set = if fallible {
            quote!(body_try)
        } else {
            quote!(body)
        };
        setters.push(quote! {
            #(#[doc = #sdoc])*
            pub fn #setter(mut self, value: #ty) -> Self { self.0.#set(#wire, #expr); self }
        });
    }
    Ok(setters)
}

/// The result type of the operation's answer, and the `Request` method that reads it.
fn result(spec: &OpenAPI, op: &OpInfo) -> (TokenStream, TokenStream) {
    let item = view(spec, op.result_schema.as_deref());
    match op.shape {
        ShapeInfo::Envelope {
            data: true,
            list: true,
        } => (quote!(Page<#item>), quote!(send_envelope(Page::new))),
        ShapeInfo::Envelope {
            data: true,
            list: false,
        } if op.batch => (quote!(Output<#item>), quote!(send_batch())),
        ShapeInfo::Envelope {
            data: true,
            list: false,
        } => (quote!(Output<#item>), quote!(send_envelope(Output::new))),
        ShapeInfo::Envelope { data: false, .. } => {
            (quote!(Output<()>), quote!(send_acknowledged(Output::new)))
        }
        ShapeInfo::Bare => (quote!(Output<#item>), quote!(send_bare(Output::new))),
        ShapeInfo::BareArray => {
            let ty = format_ident!("{}", op.result_schema.as_deref().unwrap_or_default());
            (
                quote!(Output<::std::vec::Vec<secmaster_bindings::types::#ty>>),
                quote!(send_bare(Output::new)),
            )
        }
        ShapeInfo::BareList => (quote!(Page<#item>), quote!(send_bare_list(Page::from_list))),
        ShapeInfo::Binary => (
            quote!(Output<::bytes::Bytes>),
            quote!(send_binary(Output::new)),
        ),
        ShapeInfo::Empty => (quote!(Output<()>), quote!(send_empty(Output::new))),
    }
}

/// The builder: the newtype, its setters, `send`, `items()` when it pages, its waiters.
pub(super) fn builder(
    spec: &OpenAPI,
    op: &OpInfo,
    names: &Names,
    setters: &[TokenStream],
) -> Result<TokenStream, String> {
    let (result, read) = result(spec, op);
    let prepare = op
        .extensions
        .get("x-rust-prepare")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let this = if prepare {
        quote!(self.prepare())
    } else {
        quote!(self)
    };
    let list = matches!(
        op.shape,
        ShapeInfo::Envelope { list: true, .. } | ShapeInfo::BareList
    );
    let item = view(spec, op.result_schema.as_deref());
    let items = (list && op.paged).then(|| {
        quote! {
            /// Every matching item, page after page, as a stream ([`Items`]): from the builder's
            /// offset (0 when unset), in pages of its limit (100 when unset, within the spec's
            /// bounds on `limit`), one page in memory.
            pub fn items(self) -> Items<#item> {
                self.0.items(|request| Box::pin(Self(request).send()))
            }
        }
    });
    let waiters = waiters(op, &result)?;
    let doc = format!(
        " A prepared `{}` call ({}); set its fields, then `send` it.",
        op.id, op.summary
    );
    let made_by = format!(" Made by [`Client::{}`].", names.method_name);
    let (builder, op_path) = (&names.builder, &names.op_path);
    Ok(quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = #made_by]
        #[derive(Debug, Clone)]
        #[must_use = "nothing is sent until .send().await"]
        pub struct #builder(pub(crate) Request<#op_path>);

        impl #builder {
            #(#setters)*

            crate::runtime::request_options!();

            /// Checks everything the spec states (mandatory fields, bounds, enum values, rules),
            /// then sends the call; nothing is sent when a check fails.
            ///
            /// # Errors
            /// See [`Error`]: invalid input (nothing sent, the field named), the service's error
            /// answers, undecodable or oversized answers, timeouts, connection failures.
            pub fn send(self) -> impl Future<Output = Result<#result, Error>> + Send + 'static {
                #this.0.#read
            }

            #items
            #(#waiters)*
        }
    })
}

fn waiters(op: &OpInfo, result: &TokenStream) -> Result<Vec<TokenStream>, String> {
    let Some(list) = op.extensions.get("x-waiters") else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("`x-waiters` must be a list")?;
    let mut out = Vec::new();
    for w in list {
        let text = |k: &str| w.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let name = text("name").ok_or("a waiter needs `name`")?;
        let what = text("what").ok_or("a waiter needs `what`")?;
        let status = format_ident!("{}", text("status").ok_or("a waiter needs `status`")?);
        let values = |k: &str| texts(w.get(k));
        let (until, until_not) = (values("until"), values("until-not"));
        let done = match (until.is_empty(), until_not.is_empty()) {
            (false, true) => quote!(|s: &str| [#(#until),*].contains(&s)),
            (true, false) => quote!(|s: &str| ![#(#until_not),*].contains(&s)),
            _ => {
                return Err(format!(
                    "waiter `{name}` needs one of `until` and `until-not`"
                ));
            }
        };
        let doc = format!(
            " Polls with backoff (250 ms, doubling up to 5 s, a little jitter) until `{}` is {}, and returns the last answer.",
            text("status").unwrap_or_default(),
            if until.is_empty() {
                format!("no longer one of {}", until_not.join(", "))
            } else {
                format!("one of {}", until.join(", "))
            }
        );
        let method = format_ident!("{name}");
        out.push(quote! {
            #[doc = #doc]
            ///
            /// # Errors
            /// [`Error::WaitTimedOut`] with the last status seen when `timeout` passes first; the
            /// error of a poll that fails (after the client's retries).
            pub async fn #method(self, timeout: ::std::time::Duration) -> Result<#result, Error> {
                crate::operations::waiter::wait(
                    #what,
                    timeout,
                    || self.clone().send(),
                    |answer: &#result| answer.#status.as_ref().map(ToString::to_string),
                    #done,
                )
                .await
            }
        });
    }
    Ok(out)
}
