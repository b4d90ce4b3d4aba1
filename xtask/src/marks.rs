//! What an operation's entry marks beside its shapes: its retry class (`x-retry-class`), the
//! answers that mean "not found" (`x-not-found`), whether it only reads (`x-read-only`),
//! whether the service deprecates it (`deprecated`, `x-replaced-by`), whether a search pages
//! in its body, and the window its paging stays in (`x-paging-window`).

use openapiv3::Operation;
use proc_macro2::TokenStream;
use quote::quote;

use crate::operations::{BodyInfo, ShapeInfo};

/// Whether the operation only reads: a GET, or a POST marked `x-read-only` (a search, a
/// check, an export).
pub(crate) fn read_only(op: &Operation, method: &str) -> bool {
    method == "GET" || op.extensions.get("x-read-only") == Some(&serde_json::Value::Bool(true))
}

/// `deprecated: true`, with the operation the service names instead (`x-replaced-by`, an
/// operationId of the spec): `None` when the operation is not deprecated. A replacement on an
/// operation that is not deprecated, or one the spec does not have, is an error.
pub(crate) fn deprecation(
    op: &Operation,
    known: &dyn Fn(&str) -> bool,
) -> Result<Option<Option<String>>, String> {
    let replaced_by = match op.extensions.get("x-replaced-by") {
        None => None,
        Some(serde_json::Value::String(id)) if known(id) => Some(id.clone()),
        Some(serde_json::Value::String(id)) => {
            return Err(format!(
                "`x-replaced-by: {id}` names no operation of the spec"
            ));
        }
        Some(_) => return Err("`x-replaced-by` must be an operationId".to_owned()),
    };
    match (op.deprecated, replaced_by) {
        (true, replaced_by) => Ok(Some(replaced_by)),
        (false, None) => Ok(None),
        (false, Some(_)) => Err("has `x-replaced-by` but is not `deprecated: true`".to_owned()),
    }
}

/// Whether a list pages with `offset` and `limit` fields of its body (a search).
pub(crate) fn pages_in_body(shape: ShapeInfo, body: Option<&BodyInfo>) -> bool {
    let is_list = matches!(
        shape,
        ShapeInfo::Envelope { list: true, .. } | ShapeInfo::BareList
    );
    is_list
        && body.is_some_and(|b| {
            let has = |n: &str| b.fields.iter().any(|f| f.name == n);
            b.wrap.is_none() && has("offset") && has("limit")
        })
}

/// Each body field's `x-from-path` names a parameter of the operation's `path`, and the field
/// is text: its value is the path's.
pub(crate) fn from_path(body: Option<&BodyInfo>, path: &str) -> Result<(), String> {
    for field in body.iter().flat_map(|b| &b.fields) {
        let Some(param) = &field.from_path else {
            continue;
        };
        let name = &field.name;
        if !path.contains(&format!("{{{param}}}")) {
            return Err(format!(
                "body field `{name}` has `x-from-path: {param}`, a parameter its path lacks"
            ));
        }
        if !matches!(field.kind, crate::fields::Kind::String { .. }) {
            return Err(format!(
                "body field `{name}` has `x-from-path` but is not a string"
            ));
        }
    }
    Ok(())
}

/// `Some(value)` or `None` as tokens.
pub(crate) fn option(value: Option<impl quote::ToTokens>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// `x-paging-window: N`: `offset + limit` must stay below `N` (the service reads no further).
/// Only an operation paging in its query may say it, and `N` must leave room for a first page
/// of the `smallest` limit the operation takes.
pub(crate) fn paging_window(
    op: &Operation,
    paged: bool,
    smallest: u64,
) -> Result<TokenStream, String> {
    let Some(value) = op.extensions.get("x-paging-window") else {
        return Ok(option(None::<u32>));
    };
    if !paged {
        return Err(
            "has `x-paging-window` but does not page with `offset` and `limit` query parameters"
                .to_owned(),
        );
    }
    match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if u64::from(n) > smallest => Ok(option(Some(n))),
        _ => Err(format!(
            "`x-paging-window: {value}` must be an integer above the smallest `limit` ({smallest}): \
             offset + limit stay below it"
        )),
    }
}

/// `x-not-found`: the answers that say what the operation names does not exist
/// (`[{status: 400, code: SecMaster.20030005, of: ..}]`).
pub(crate) fn not_found(op: &Operation) -> Result<Vec<TokenStream>, String> {
    let Some(list) = op.extensions.get("x-not-found") else {
        return Ok(Vec::new());
    };
    let bad = || "`x-not-found` must be a list of {status, code, of}".to_owned();
    list.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|entry| {
            let status = entry.get("status").and_then(serde_json::Value::as_u64);
            let status = status.and_then(|s| u16::try_from(s).ok()).ok_or_else(bad)?;
            let code = entry.get("code").and_then(|v| v.as_str()).ok_or_else(bad)?;
            entry.get("of").and_then(|v| v.as_str()).ok_or_else(bad)?;
            Ok(quote!(NotFound { status: #status, code: #code }))
        })
        .collect()
}

pub(crate) fn retry_class(op: &Operation) -> Result<TokenStream, String> {
    match op.extensions.get("x-retry-class").and_then(|v| v.as_str()) {
        Some("idempotent") => Ok(quote!(RetryClass::Idempotent)),
        Some("not-idempotent") => Ok(quote!(RetryClass::NotIdempotent)),
        Some(other) => Err(format!(
            "`x-retry-class: {other}` is neither `idempotent` nor `not-idempotent`"
        )),
        None => Err(
            "has no `x-retry-class` (`idempotent` if a repeat after an ambiguous failure \
                     cannot act twice, else `not-idempotent`)"
                .to_owned(),
        ),
    }
}
