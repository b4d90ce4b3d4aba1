//! The `secmaster` client's operation layer, generated: for every operation a `Client` method
//! (path parameters as arguments), a builder with a typed setter per query parameter and body
//! field, `send` reading the answer in the operation's shape, `items()` for lists that page, and
//! the waiters of `x-waiters`. The machinery (`Request`, the runtime) is hand-written once in the
//! crate; customisations are `impl` blocks in files of their own.
//!
//! Extensions read here (all optional, on the operation unless said):
//! - `x-rust-method`: the method's name (default: the snake_case of the operationId);
//! - `x-rust-hide`: body fields without a generated setter (an intent method owns them);
//! - `x-rust-args`: body fields taken as arguments of the method, after the path's;
//! - `x-rust-prepare: true`: the builder's `prepare(self) -> Self` (hand-written) runs before
//!   sending: checks the spec cannot state, fields derived from others;
//! - `x-outcome-hint`: how to find out whether a call that may not be re-sent took effect;
//! - `x-waiters`: `[{name, what, status, until | until-not}]`: methods that poll this operation
//!   until the result's `status` is (is no longer) one of the values;
//! - `x-rust-view` (on a schema): the client's view type for results of that schema.

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

mod builder;
mod scoped;
mod table;

use crate::fields::Kind;
use crate::operations::OpInfo;
use builder::{builder, setters};

/// Rust keywords a field name may collide with.
const KEYWORDS: &[&str] = &[
    "type", "match", "ref", "self", "mod", "use", "fn", "loop", "move", "where", "async", "await",
    "dyn", "impl", "in", "let", "mut", "pub", "return", "static", "struct", "trait", "enum",
    "const", "crate", "extern", "false", "true", "for", "if", "else", "while", "break", "continue",
    "as", "super", "unsafe",
];

fn ident(name: &str) -> syn::Ident {
    let snake = name.to_snake_case();
    if KEYWORDS.contains(&snake.as_str()) {
        format_ident!("r#{snake}")
    } else {
        format_ident!("{snake}")
    }
}

/// The client's layer for `ops`, as a token stream (`crate` is the `secmaster` crate).
pub(crate) fn client(spec: &OpenAPI, ops: &[&OpInfo]) -> Result<TokenStream, String> {
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for op in ops {
        let (method, builder) =
            operation(spec, op).map_err(|e| format!("operation `{}`: {e}", op.id))?;
        methods.push(method);
        builders.push(builder);
    }
    let scoped = scoped::scoped(ops)?;
    Ok(quote! {
        use crate::operations::{Items, Output, Page};
        use crate::runtime::Request;
        use crate::{Client, Error};

        impl Client {
            #(#methods)*
        }

        #scoped

        #(#builders)*
    })
}

/// The rows of the client's spec-driven wire test, for `ops` (`tests/generated/spec_rows.rs`).
pub(crate) fn table(ops: &[&OpInfo]) -> TokenStream {
    let rows = ops.iter().filter_map(|op| table::row(op, &names(op)));
    let skipped: Vec<String> = ops
        .iter()
        .filter(|op| table::row(op, &names(op)).is_none())
        .map(|op| op.id.clone())
        .collect();
    let doc = format!(
        " Left to their own tests (their request example needs a field an intent method owns, or the spec gives no 2xx example): {}.",
        if skipped.is_empty() {
            "none".to_owned()
        } else {
            skipped.join(", ")
        }
    );
    quote! {
        use super::Row;

        /// Every operation whose request example the generated setters express.
        #[doc = ""]
        #[doc = #doc]
        pub fn rows() -> Vec<Row> {
            let mut rows = Vec::new();
            #(rows.push(#rows);)*
            rows
        }
    }
}

/// The texts of extension `name` of the operation (a list of strings).
fn strings(op: &OpInfo, name: &str) -> Vec<String> {
    texts(op.extensions.get(name))
}

/// The texts of a JSON list of strings (none when it is not one).
fn texts(list: Option<&serde_json::Value>) -> Vec<String> {
    list.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn doc_lines(text: &str) -> Vec<String> {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .lines()
        .map(|l| format!(" {l}"))
        .collect()
}

/// What the generator knows of one operation's Rust side.
struct Names {
    method_name: String,
    method: syn::Ident,
    builder: syn::Ident,
    op_path: TokenStream,
}

fn names(op: &OpInfo) -> Names {
    let op_ty = format_ident!("{}", op.id);
    let method_name = op
        .extensions
        .get("x-rust-method")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| op.id.to_snake_case());
    Names {
        method: format_ident!("{method_name}"),
        builder: format_ident!("{}", method_name.to_upper_camel_case()),
        op_path: quote!(secmaster_bindings::operations::#op_ty),
        method_name,
    }
}

fn fields(op: &OpInfo) -> &[crate::fields::BodyField] {
    op.body
        .as_ref()
        .map(|b| b.fields.as_slice())
        .unwrap_or_default()
}

fn operation(spec: &OpenAPI, op: &OpInfo) -> Result<(TokenStream, TokenStream), String> {
    let names = names(op);
    let method = method(op, &names)?;
    let setters = setters(op)?;
    let builder = builder(spec, op, &names, &setters)?;
    Ok((method, builder))
}

/// The `Client` method: path parameters, then body fields taken as arguments (`x-rust-args`),
/// then a form's file.
/// The method's arguments after the path's: body fields taken as arguments (`x-rust-args`),
/// then a form's file; each with its type, and the statement that puts it in the request.
fn extra_args(op: &OpInfo) -> Result<Vec<(syn::Ident, TokenStream, TokenStream)>, String> {
    let bindings = quote!(secmaster_bindings);
    let mut out = Vec::new();
    for name in strings(op, "x-rust-args") {
        let field = fields(op)
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| format!("`x-rust-args` names `{name}`, which is no body field"))?;
        if op.path_params.contains(&name) {
            return Err(format!(
                "`x-rust-args` names `{name}`, which is also a path parameter"
            ));
        }
        let arg = ident(&name);
        let (ty, expr, fallible) = field.kind.setter(&bindings);
        let wire = &field.name;
        let set = if fallible {
            quote!(body_try)
        } else {
            quote!(body)
        };
        let statement = quote!({ let value = #arg; request.#set(#wire, #expr); });
        out.push((arg, ty, statement));
    }
    if let Some(form) = form(op)? {
        out.push((
            format_ident!("file_name"),
            quote!(impl Into<String>),
            TokenStream::new(),
        ));
        out.push((format_ident!("contents"), quote!(impl Into<Vec<u8>>), form));
    }
    Ok(out)
}

fn method(op: &OpInfo, names: &Names) -> Result<TokenStream, String> {
    let path_args: Vec<syn::Ident> = op.path_params.iter().map(|p| ident(p)).collect();
    let mut arg_decls: Vec<TokenStream> = path_args
        .iter()
        .map(|a| quote!(#a: impl Into<String>))
        .collect();
    let mut sets = Vec::new();
    for (arg, ty, statement) in extra_args(op)? {
        arg_decls.push(quote!(#arg: #ty));
        sets.push(statement);
    }
    if let Some(hint) = op.extensions.get("x-outcome-hint").and_then(|v| v.as_str()) {
        sets.insert(0, quote!(request.how_to_check(#hint);));
    }
    let builder = &names.builder;
    let new = quote!(Request::new(self, vec![#(#path_args.into()),*]));
    let body = if sets.is_empty() {
        quote!(#builder(#new))
    } else {
        quote! {
            let mut request = #new;
            #(#sets)*
            #builder(request)
        }
    };
    let doc = method_doc(op);
    let method = &names.method;
    let deprecated = deprecated(op);
    Ok(quote! {
        #(#[doc = #doc])*
        #deprecated
        pub fn #method(&self, #(#arg_decls),*) -> #builder {
            #body
        }
    })
}

/// `#[deprecated]` with the service's replacement, when the spec marks the operation
/// deprecated (its answers then carry the service's deprecation headers, kept in the result's
/// `deprecation`).
pub(super) fn deprecated(op: &OpInfo) -> TokenStream {
    let Some(replaced_by) = &op.deprecation else {
        return TokenStream::new();
    };
    let note = match replaced_by {
        Some(id) => format!(
            "deprecated by the service (operationId `{}`); use `{id}` instead",
            op.id
        ),
        None => format!(
            "deprecated by the service (operationId `{}`), which names no replacement",
            op.id
        ),
    };
    quote!(#[deprecated(note = #note)])
}

/// The statement that puts a form's one file in the request, when the body is a form (its
/// other fields, scalars, are set by their setters and sent as text parts).
fn form(op: &OpInfo) -> Result<Option<TokenStream>, String> {
    if !op.body.as_ref().is_some_and(|b| b.multipart) {
        return Ok(None);
    }
    let fields = fields(op);
    let files: Vec<_> = fields
        .iter()
        .filter(|f| matches!(f.kind, Kind::Binary))
        .collect();
    let [file] = files.as_slice() else {
        return Err("a multipart body needs exactly one `format: binary` field".to_owned());
    };
    // The other fields are set by their setters and sent as text parts: scalars only, neither
    // nullable (a part cannot say `null`) nor wrapped (a form has no object to wrap them in).
    if let Some(f) = fields.iter().find(|f| {
        !matches!(
            f.kind,
            Kind::Binary
                | Kind::String { .. }
                | Kind::Enum { .. }
                | Kind::Integer { .. }
                | Kind::Number
                | Kind::Boolean
        )
    }) {
        return Err(format!(
            "the multipart field `{}` is not a file nor a scalar: a form's text parts carry scalars",
            f.name
        ));
    }
    if let Some(f) = fields.iter().find(|f| f.nullable || f.outer) {
        return Err(format!(
            "the multipart field `{}` is nullable or beside a wrapped object: a form's text parts \
             carry plain scalars",
            f.name
        ));
    }
    if op.body.as_ref().is_some_and(|b| b.wrap.is_some()) {
        return Err("a multipart body cannot wrap an object (`x-rust-wrap`)".to_owned());
    }
    let wire = &file.name;
    Ok(Some(
        quote!(request.form(#wire, file_name.into(), contents.into());),
    ))
}

/// The method's doc: the summary, the description, the method, path and operationId, the
/// source, and what a call that may not be re-sent does.
fn method_doc(op: &OpInfo) -> Vec<String> {
    let mut doc = vec![format!(" {}", op.summary), String::new()];
    doc.extend(doc_lines(&op.description));
    doc.push(String::new());
    doc.push(format!(
        " `{} {}`, operationId `{}`.",
        op.method, op.path, op.id
    ));
    if !op.source.is_empty() {
        doc.push(String::new());
        doc.extend(doc_lines(&format!("Source: {}", linked(&op.source))));
    }
    if op.not_idempotent {
        doc.push(String::new());
        doc.push(
            " Never sent twice once it may have reached the service: when a failure leaves its"
                .to_owned(),
        );
        doc.push(
            " outcome unknown, the error says so ([`Error::is_outcome_unknown`]) and how to find out."
                .to_owned(),
        );
    }
    doc
}

/// `text` with its bare URLs made rustdoc links (`<https://…>`), trailing punctuation left out.
fn linked(text: &str) -> String {
    text.split(' ')
        .map(
            |word| match word.find("https://").or_else(|| word.find("http://")) {
                Some(start) if !word[..start].ends_with('<') => {
                    let rest = &word[start..];
                    let url = rest.trim_end_matches(['.', ',', ';', ')', ':']);
                    let tail = &rest[url.len()..];
                    format!("{}<{url}>{tail}", &word[..start])
                }
                _ => word.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join(" ")
}
