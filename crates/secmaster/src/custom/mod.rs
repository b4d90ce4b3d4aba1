//! Customisations of the generated builders ([`crate::generated`]): what the spec cannot state,
//! in a file per resource, each an `impl` block on a generated builder. Intent methods that set
//! fields together (`enable(version_id)`), the topology's Base64, checks across fields, fields
//! derived from the path. An operation whose entry says `x-rust-prepare: true` has its
//! `prepare(self) -> Self` here, run by the generated `send` before anything is sent.

mod instances;
mod playbooks;
mod versions;
mod workflows;

use serde_json::Value;

use crate::Error;

/// A text value set in a field must not be blank (the service would read it as unset).
pub(crate) fn not_blank(field: &'static str, value: Option<&Value>) -> Result<(), Error> {
    match value.and_then(Value::as_str) {
        Some(text) if text.trim().is_empty() => Err(Error::invalid(field, "is empty")),
        _ => Ok(()),
    }
}
