//! `cargo xtask generate [--check]`: spec/secmaster.yaml → openapiv3 → progenitor → syn/prettyplease
//! → `generated/src/generated.rs`.
//!
//! The library half exists so that tests can drive the generator on temporary specs and check the
//! messages a maintainer sees; `main.rs` is only argument parsing.

use std::fmt;
use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

mod checks;
mod client;
pub mod diff;
pub use files::{Outcome, ensure_file_contents};
mod enums;
mod families;
mod fields;
mod files;
mod links;
mod marks;
mod module;
mod nested;
mod normalize;
mod operations;
mod paths;
mod progenitor;
mod query;
mod rules;
mod setters;
mod shapes;

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/secmaster.yaml";
/// The generated module, relative to the workspace root.
pub const OUTPUT_PATH: &str = "generated/src/generated.rs";
/// The client's generated operation layer, relative to the workspace root.
pub const CLIENT_OUTPUT_PATH: &str = "crates/secmaster/src/generated.rs";
/// The rows of the client's spec-driven wire test, relative to the workspace root.
pub const TABLE_OUTPUT_PATH: &str = "crates/secmaster/tests/generated/spec_rows.rs";
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

pub(crate) fn err(file: &Path, problem: impl Into<String>) -> GenerateError {
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
    generate_both(text, spec_path, display_name).map(|g| g.bindings)
}

/// Both generated files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The bindings' module ([`OUTPUT_PATH`]).
    pub bindings: String,
    /// The client's operation layer ([`CLIENT_OUTPUT_PATH`]).
    pub client: String,
    /// The rows of the client's spec-driven wire test ([`TABLE_OUTPUT_PATH`]).
    pub table: String,
}

/// The bindings' module and the client's operation layer for the spec `text`; `spec_path` is
/// used only in error messages.
pub fn generate_both(
    text: &str,
    spec_path: &Path,
    display_name: &str,
) -> Result<Generated, GenerateError> {
    let spec = parse_spec(text, spec_path)?;
    checks::check_progenitor_limits(&spec, spec_path)?;
    links::check_links(&spec, spec_path)?;
    let open_enums = enums::open_enums(&spec, spec_path)?;
    let rules = rules::required_when_rules(&spec, spec_path)?;

    let client = progenitor::progenitor_client(
        &progenitor::without_bounds(&progenitor::multipart_as_octet_stream(&spec), spec_path)?,
        &open_enums,
        spec_path,
    )?;

    let operations = operations::operations(&spec, spec_path)?;
    let infos: Vec<&operations::OpInfo> = operations.iter().map(|o| &o.info).collect();
    let bodies: Vec<&[fields::BodyField]> = infos
        .iter()
        .filter_map(|i| i.body.as_ref().map(|b| b.fields.as_slice()))
        .collect();
    let object_fields =
        nested::object_field_consts(&spec, &bodies).map_err(|e| err(spec_path, e))?;
    let file = module::bindings_module(
        &spec,
        client,
        &open_enums,
        &rules,
        &operations,
        &infos,
        &object_fields,
    );
    let parsed = syn::parse2::<syn::File>(file).map_err(|e| {
        err(
            spec_path,
            format!("progenitor produced code that does not parse: {e}"),
        )
    })?;
    let body = prettyplease::unparse(&parsed);
    let header =
        format!("// @generated by cargo xtask generate from {display_name}; do not edit\n\n");
    let client = client::client(&spec, &infos).map_err(|e| err(spec_path, e))?;
    let client = syn::parse2::<syn::File>(client)
        .map_err(|e| err(spec_path, format!("the client's layer does not parse: {e}")))?;
    let table = syn::parse2::<syn::File>(client::table(&infos))
        .map_err(|e| err(spec_path, format!("the wire test's rows do not parse: {e}")))?;
    Ok(Generated {
        bindings: format!("{header}{body}"),
        client: format!("{header}{}", prettyplease::unparse(&client)),
        table: format!("{header}{}", prettyplease::unparse(&table)),
    })
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

/// `UpdateAopWorkflow` → `UPDATE_AOP_WORKFLOW`.
pub(crate) fn screaming_snake(id: &str) -> String {
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

/// `cargo xtask generate [--check]` on the real spec and output of the workspace at `root`.
pub fn generate_workspace(root: &Path, check: bool) -> Result<Outcome, GenerateError> {
    let relative = |mut e: GenerateError| {
        if let Ok(rel) = e.file.strip_prefix(root) {
            e.file = rel.to_path_buf();
        }
        e
    };
    let spec_file = root.join(SPEC_PATH);
    let text = std::fs::read_to_string(&spec_file)
        .map_err(|e| err(&spec_file, format!("cannot read the spec: {e}")))
        .map_err(relative)?;
    let generated = generate_both(&text, &spec_file, SPEC_PATH).map_err(relative)?;
    let bindings = ensure_file_contents(&root.join(OUTPUT_PATH), &generated.bindings, check)
        .map_err(relative)?;
    let client = ensure_file_contents(&root.join(CLIENT_OUTPUT_PATH), &generated.client, check)
        .map_err(relative)?;
    let table = ensure_file_contents(&root.join(TABLE_OUTPUT_PATH), &generated.table, check)
        .map_err(relative)?;
    Ok(
        if [bindings, client, table]
            .iter()
            .all(|o| *o == Outcome::UpToDate)
        {
            Outcome::UpToDate
        } else {
            Outcome::Written
        },
    )
}

/// The spec as it is at git revision `rev` of the checkout at `root`, or in the working tree
/// when `rev` is `None`.
pub fn spec_at(root: &Path, rev: Option<&str>) -> Result<String, GenerateError> {
    let Some(rev) = rev else {
        return std::fs::read_to_string(root.join(SPEC_PATH))
            .map_err(|e| err(Path::new(SPEC_PATH), format!("cannot read the spec: {e}")));
    };
    let out = std::process::Command::new("git")
        .args(["show", &format!("{rev}:{SPEC_PATH}")])
        .current_dir(root)
        .output()
        .map_err(|e| err(Path::new(SPEC_PATH), format!("cannot run git: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(err(
            Path::new(SPEC_PATH),
            format!("not at revision `{rev}`: {}", said.trim()),
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| {
        err(
            Path::new(SPEC_PATH),
            format!("not UTF-8 at revision `{rev}`"),
        )
    })
}

/// The API changes from the spec text `old` to `new` (see [`diff`]).
pub fn api_changes(old: &str, new: &str) -> Result<Vec<diff::Change>, GenerateError> {
    let parse = |text: &str, which: &str| -> Result<serde_json::Value, GenerateError> {
        serde_norway::from_str(text).map_err(|e| {
            err(
                Path::new(SPEC_PATH),
                format!("the {which} spec is not valid YAML: {e}"),
            )
        })
    };
    Ok(diff::diff(&parse(old, "old")?, &parse(new, "new")?))
}
