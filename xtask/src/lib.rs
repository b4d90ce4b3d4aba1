//! `cargo xtask generate [--check]`: spec/secmaster.yaml → openapiv3 → progenitor → syn/prettyplease
//! → `generated/src/generated.rs`.
//!
//! The library half exists so that tests can drive the generator on temporary specs and check the
//! messages a maintainer sees; `main.rs` is only argument parsing.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type};
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::{format_ident, quote};

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/secmaster.yaml";
/// The generated module, relative to the workspace root.
pub const OUTPUT_PATH: &str = "generated/src/generated.rs";
/// Rust path, as seen from the generated module, of the hand-written hooks type in `generated/src/lib.rs`.
const INNER_TYPE: &str = "crate::Hooks";
/// Rust path of the module the generator emits forward-compatible enums into.
const OPEN_ENUM_MODULE: &str = "crate::generated::open_enums";

/// A problem that stops generation, always naming the file it is about.
#[derive(Debug)]
pub struct GenerateError {
    /// The file the problem is in (the spec, or the generated file in `--check` mode).
    pub file: PathBuf,
    /// What is wrong, in words a maintainer can act on.
    pub problem: String,
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.problem)
    }
}

impl std::error::Error for GenerateError {}

fn err(file: &Path, problem: impl Into<String>) -> GenerateError {
    GenerateError {
        file: file.to_path_buf(),
        problem: problem.into(),
    }
}

/// The checkout to work on: the nearest folder, from the current directory up, that holds the
/// spec and this crate (`spec/secmaster.yaml` and `xtask/Cargo.toml`).
///
/// Found at run time, not from where the xtask was compiled: with a shared `CARGO_TARGET_DIR`,
/// one binary serves every clone, and each must check its own files.
pub fn workspace_root() -> Result<PathBuf, GenerateError> {
    let here = std::env::current_dir().map_err(|e| {
        err(
            Path::new("."),
            format!("cannot read the current directory: {e}"),
        )
    })?;
    find_workspace_root(&here)
}

/// [`workspace_root`] from `start` instead of the current directory.
pub fn find_workspace_root(start: &Path) -> Result<PathBuf, GenerateError> {
    start
        .ancestors()
        .find(|dir| dir.join(SPEC_PATH).is_file() && dir.join("xtask/Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            err(
                start,
                format!("not inside a secmaster-rs checkout (no {SPEC_PATH} here or above); run cargo xtask from the checkout"),
            )
        })
}

/// Generates the bindings module for the spec at `spec_path` and returns its full text.
///
/// `display_name` is the spec's name as written into the generated header (always the
/// workspace-relative `spec/secmaster.yaml` for the real spec, so the output does not depend on
/// where the checkout lives).
pub fn generate(spec_path: &Path, display_name: &str) -> Result<String, GenerateError> {
    let text = std::fs::read_to_string(spec_path)
        .map_err(|e| err(spec_path, format!("cannot read the spec: {e}")))?;
    generate_from_str(&text, spec_path, display_name)
}

/// Like [`generate`], from the spec's text; `spec_path` is used only in error messages.
pub fn generate_from_str(
    text: &str,
    spec_path: &Path,
    display_name: &str,
) -> Result<String, GenerateError> {
    let spec = parse_spec(text, spec_path)?;
    check_progenitor_limits(&spec, spec_path)?;
    let open_enums = open_enums(&spec, spec_path)?;
    let rules = required_when_rules(&spec, spec_path)?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().expect("valid Rust path"));
    for e in &open_enums {
        settings.with_replacement(
            &e.name,
            format!("{OPEN_ENUM_MODULE}::{}", e.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }

    let client = catch_progenitor_panic(spec_path, || {
        Generator::new(&settings).generate_tokens(&spec)
    })?
    .map_err(|e| {
        err(
            spec_path,
            format!("progenitor cannot generate a client from it: {e}"),
        )
    })?;

    let (operation_names, operation_tokens): (Vec<_>, Vec<_>) =
        operations(&spec).into_iter().unzip();
    let open_enum_tokens = open_enums.iter().map(OpenEnum::tokens);
    let rule_tokens = rules.iter().map(RequiredWhen::tokens);
    let file = quote! {
        #client

        /// Forward-compatible versions of the spec's string enums: a value the spec does not list
        /// decodes into `Other` and keeps its text, instead of failing the whole response.
        pub mod open_enums {
            #(#open_enum_tokens)*

            /// Reads an open enum from the text as the deserializer lends it, so that a listed
            /// value allocates nothing. Accepts what `String` accepts (text, and bytes that are
            /// UTF-8), with its messages.
            fn deserialize_open<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: for<'a> ::std::convert::From<&'a str>,
            {
                struct Visitor<T>(::std::marker::PhantomData<T>);
                impl<T: for<'a> ::std::convert::From<&'a str>> ::serde::de::Visitor<'_> for Visitor<T> {
                    type Value = T;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<T, E> {
                        Ok(T::from(value))
                    }
                    fn visit_bytes<E: ::serde::de::Error>(self, value: &[u8]) -> ::std::result::Result<T, E> {
                        match ::std::str::from_utf8(value) {
                            Ok(text) => Ok(T::from(text)),
                            Err(_) => Err(E::invalid_value(::serde::de::Unexpected::Bytes(value), &self)),
                        }
                    }
                }
                deserializer.deserialize_str(Visitor(::std::marker::PhantomData))
            }
        }

        /// Method and path template of every operation, so that code layered on the bindings can
        /// name them without restating the spec.
        pub mod operations {
            /// One operation of the spec.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct Operation {
                /// The spec's operationId.
                pub id: &'static str,
                /// The HTTP method, upper case.
                pub method: &'static str,
                /// The path template, with `{name}` placeholders for path parameters.
                pub path: &'static str,
                /// The request body's media type exactly as the spec writes it (parameters such
                /// as `charset` included), or `None` when the operation takes no body.
                pub request_content_type: Option<&'static str>,
            }

            #(#operation_tokens)*

            /// Every operation of the spec.
            pub const ALL: &[Operation] = &[#(#operation_names),*];
        }

        /// Rules of the spec that OpenAPI 3.0 cannot express as a schema, from its
        /// `x-required-when` extensions, for the wrapper crate to enforce and test against.
        pub mod constraints {
            /// "`field` of `schema` is mandatory when `when_field` equals `equals`".
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct RequiredWhen {
                /// The schema (request body) the rule belongs to.
                pub schema: &'static str,
                /// The field that becomes mandatory.
                pub field: &'static str,
                /// The field whose value triggers the rule.
                pub when_field: &'static str,
                /// The triggering value, as JSON text.
                pub equals: &'static str,
                /// The API page's words for the rule.
                pub reason: &'static str,
            }

            /// Every `x-required-when` rule of the spec.
            pub const REQUIRED_WHEN: &[RequiredWhen] = &[#(#rule_tokens),*];
        }
    };

    let parsed = syn::parse2::<syn::File>(file).map_err(|e| {
        err(
            spec_path,
            format!("progenitor produced code that does not parse: {e}"),
        )
    })?;
    let body = prettyplease::unparse(&parsed);
    Ok(format!(
        "// @generated by cargo xtask generate from {display_name}; do not edit\n\n{body}"
    ))
}

fn parse_spec(text: &str, spec_path: &Path) -> Result<OpenAPI, GenerateError> {
    let value: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| err(spec_path, format!("not valid YAML: {e}")))?;
    let version = match value.get("openapi") {
        Some(serde_norway::Value::String(v)) => v.as_str(),
        Some(serde_norway::Value::Number(n)) => {
            return Err(err(
                spec_path,
                format!(
                    "`openapi: {n}` is read as a number; write the version as text: `openapi: 3.0.3`"
                ),
            ));
        }
        _ => {
            return Err(err(
                spec_path,
                "no `openapi: 3.0.x` version field; is this an OpenAPI document?",
            ));
        }
    };
    if !version.trim().starts_with("3.0.") {
        return Err(err(
            spec_path,
            format!(
                "OpenAPI {version} is not supported: progenitor 0.15 reads OpenAPI 3.0.x only; \
                 write `openapi: 3.0.3`"
            ),
        ));
    }
    serde_norway::from_value(value)
        .map_err(|e| err(spec_path, format!("not a valid OpenAPI 3.0 document: {e}")))
}

/// Shapes progenitor 0.15 rejects by panicking or by an unhelpful error; named here first.
fn check_progenitor_limits(spec: &OpenAPI, spec_path: &Path) -> Result<(), GenerateError> {
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(err(
                spec_path,
                format!("path `{path}` is a $ref; progenitor needs path items inline"),
            ));
        };
        for (method, op) in item.iter() {
            let at = format!("{} {path}", method.to_uppercase());
            if op.operation_id.as_deref().is_none_or(str::is_empty) {
                return Err(err(
                    spec_path,
                    format!(
                        "operation `{at}` has no operationId; progenitor needs one to name the method"
                    ),
                ));
            }
            if let Some(ReferenceOr::Item(body)) = &op.request_body
                && body.content.len() > 1
            {
                let types: Vec<_> = body.content.keys().map(String::as_str).collect();
                return Err(err(
                    spec_path,
                    format!(
                        "operation `{at}` has {} request media types ({}); progenitor supports exactly one",
                        types.len(),
                        types.join(", ")
                    ),
                ));
            }
            let mut error_schemas: Vec<(String, String)> = Vec::new();
            let statuses = op
                .responses
                .responses
                .iter()
                .map(|(status, r)| (status.to_string(), r));
            let default = op
                .responses
                .default
                .iter()
                .map(|r| ("default".to_owned(), r));
            for (code, response) in statuses.chain(default) {
                if code.starts_with('2') {
                    continue;
                }
                let schema = match response {
                    ReferenceOr::Reference { reference } => reference.clone(),
                    ReferenceOr::Item(r) => r
                        .content
                        .values()
                        .next()
                        .and_then(|m| m.schema.as_ref())
                        .map(|s| match s {
                            ReferenceOr::Reference { reference } => reference.clone(),
                            ReferenceOr::Item(_) => "an inline schema".to_owned(),
                        })
                        .unwrap_or_else(|| "no body".to_owned()),
                };
                if error_schemas.iter().all(|(_, s)| *s != schema) {
                    error_schemas.push((code, schema));
                }
            }
            if error_schemas.len() > 1 {
                let list: Vec<_> = error_schemas
                    .iter()
                    .map(|(c, s)| format!("{c} → {s}"))
                    .collect();
                return Err(err(
                    spec_path,
                    format!(
                        "operation `{at}` has {} different error schemas ({}); progenitor needs all error \
                     responses of an operation to share one schema",
                        error_schemas.len(),
                        list.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
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

/// A constant per operation (`UPDATE_AOP_WORKFLOW: Operation { id, method, path, .. }`), with its name.
fn operations(spec: &OpenAPI) -> Vec<(syn::Ident, proc_macro2::TokenStream)> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let name = format_ident!("{}", screaming_snake(id));
            let method = method.to_uppercase();
            let doc = format!("`{method} {path}`: {}", op.summary.as_deref().unwrap_or(id));
            // progenitor has already refused a body with more than one media type.
            let content_type = match op.request_body.as_ref().and_then(|b| match b {
                ReferenceOr::Item(body) => body.content.keys().next(),
                ReferenceOr::Reference { reference } => spec
                    .components
                    .as_ref()
                    .and_then(|c| {
                        c.request_bodies
                            .get(reference.trim_start_matches("#/components/requestBodies/"))
                    })
                    .and_then(|b| b.as_item())
                    .and_then(|b| b.content.keys().next()),
            }) {
                Some(media_type) => quote!(Some(#media_type)),
                None => quote!(None),
            };
            let tokens = quote! {
                #[doc = #doc]
                pub const #name: Operation = Operation {
                    id: #id,
                    method: #method,
                    path: #path,
                    request_content_type: #content_type,
                };
            };
            out.push((name, tokens));
        }
    }
    out
}

/// `UpdateAopWorkflow` → `UPDATE_AOP_WORKFLOW`.
fn screaming_snake(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('_') {
            out.push('_');
        }
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        });
    }
    out
}

struct OpenEnum {
    name: String,
    description: Option<String>,
    values: Vec<String>,
    /// Rust names of the values, checked to be identifiers and distinct.
    variants: Vec<String>,
}

/// Every named string enum of `components.schemas`, with checked Rust names for its variants.
fn open_enums(spec: &OpenAPI, spec_path: &Path) -> Result<Vec<OpenEnum>, GenerateError> {
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
    fn tokens(&self) -> proc_macro2::TokenStream {
        let name = format_ident!("{}", self.name);
        let doc = self
            .description
            .clone()
            .unwrap_or_else(|| format!("`{}`.", self.name));
        let variants: Vec<_> = self.variants.iter().map(|v| format_ident!("{v}")).collect();
        let values = &self.values;
        let variant_docs = values.iter().map(|v| format!("`{v}`"));
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value the spec does not list, kept exactly as received.
                Other(String),
            }

            impl #name {
                /// The values the spec lists, in its order.
                pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

                /// The wire text of this value.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #values, )*
                        Self::Other(s) => s.as_str(),
                    }
                }

                /// Whether this is a value the spec lists.
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::Other(_))
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values => Self::#variants, )*
                        other => Self::Other(other.to_owned()),
                    }
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    deserialize_open(deserializer)
                }
            }
        }
    }
}

/// `IP` → `Ip`, `public_engine` → `PublicEngine`, `HEMOSTASIS` → `Hemostasis`.
fn upper_camel(value: &str) -> String {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

struct RequiredWhen {
    schema: String,
    field: String,
    when_field: String,
    equals: String,
    reason: String,
}

impl RequiredWhen {
    fn tokens(&self) -> proc_macro2::TokenStream {
        let Self {
            schema,
            field,
            when_field,
            equals,
            reason,
        } = self;
        quote! {
            RequiredWhen { schema: #schema, field: #field, when_field: #when_field, equals: #equals, reason: #reason }
        }
    }
}

/// Reads `x-required-when: [{field, when: {field, equals}, reason}]` from component schemas.
fn required_when_rules(
    spec: &OpenAPI,
    spec_path: &Path,
) -> Result<Vec<RequiredWhen>, GenerateError> {
    let mut rules = Vec::new();
    let Some(components) = &spec.components else {
        return Ok(rules);
    };
    for (schema_name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let Some(ext) = schema.schema_data.extensions.get("x-required-when") else {
            continue;
        };
        let bad = |what: &str| {
            err(
                spec_path,
                format!("`x-required-when` of schema `{schema_name}`: {what}"),
            )
        };
        let list = ext
            .as_array()
            .ok_or_else(|| bad("must be a list of {field, when: {field, equals}, reason}"))?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err(bad("only object schemas can carry it"));
        };
        for rule in list {
            let text = |v: Option<&serde_json::Value>, what: &str| {
                v.and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| bad(&format!("`{what}` must be a string")))
            };
            let field = text(rule.get("field"), "field")?;
            let when = rule
                .get("when")
                .ok_or_else(|| bad("a rule needs `when: {field, equals}`"))?;
            let when_field = text(when.get("field"), "when.field")?;
            let equals = when
                .get("equals")
                .ok_or_else(|| bad("`when.equals` is missing"))?
                .to_string();
            let reason = text(rule.get("reason"), "reason")?;
            for f in [&field, &when_field] {
                if !object.properties.contains_key(f) {
                    return Err(bad(&format!(
                        "names `{f}`, which is not a property of the schema"
                    )));
                }
            }
            rules.push(RequiredWhen {
                schema: schema_name.clone(),
                field,
                when_field,
                equals,
                reason,
            });
        }
    }
    Ok(rules)
}

/// What [`ensure_file_contents`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file already had these contents; nothing was written.
    UpToDate,
    /// The file was (re)written.
    Written,
}

/// Writes `contents` to `path` only when they differ. In check mode writes nothing and fails
/// with a unified diff when the file is stale.
pub fn ensure_file_contents(
    path: &Path,
    contents: &str,
    check: bool,
) -> Result<Outcome, GenerateError> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == contents {
        return Ok(Outcome::UpToDate);
    }
    if check {
        return Err(err(
            path,
            format!(
                "stale: it does not match what the spec generates; run `cargo xtask generate` and commit the result\n{}",
                short_diff(&current, contents)
            ),
        ));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| err(path, format!("cannot create its folder: {e}")))?;
    }
    std::fs::write(path, contents).map_err(|e| err(path, format!("cannot write it: {e}")))?;
    Ok(Outcome::Written)
}

/// A unified diff (checked-in → generated), cut after 120 lines.
fn short_diff(old: &str, new: &str) -> String {
    const MAX_LINES: usize = 120;
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header("checked in", "generated from the spec")
        .to_string();
    let total = diff.lines().count();
    let mut out: String = diff
        .lines()
        .take(MAX_LINES)
        .flat_map(|l| [l, "\n"])
        .collect();
    if total > MAX_LINES {
        out.push_str(&format!("... ({} more diff lines)\n", total - MAX_LINES));
    }
    out
}

/// `cargo xtask generate [--check]` on the real spec and output of the workspace at `root`.
pub fn generate_workspace(root: &Path, check: bool) -> Result<Outcome, GenerateError> {
    let relative = |mut e: GenerateError| {
        if let Ok(rel) = e.file.strip_prefix(root) {
            e.file = rel.to_path_buf();
        }
        e
    };
    let contents = generate(&root.join(SPEC_PATH), SPEC_PATH).map_err(relative)?;
    ensure_file_contents(&root.join(OUTPUT_PATH), &contents, check).map_err(relative)
}
