//! One module per operation or group of operations: builders (setters, intent methods, their own
//! rules) and a `send` that hands the runtime a descriptor and a body. The machinery every call
//! needs is in [`crate::runtime`].

pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod instance;
pub(crate) mod instance_list;
pub(crate) mod list;
pub(crate) mod paging;
pub(crate) mod runs;
pub(crate) mod update;
pub(crate) mod version_edits;
pub(crate) mod versions;
pub(crate) mod waiter;
pub(crate) mod workflows;

use crate::Error;
use crate::runtime::Meta;

/// A page of a list: its items, how many match in all, and the request id.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page, in the order the service sent them.
    pub items: Vec<T>,
    /// How many items match, on all pages, when the service said (`total`).
    pub total: Option<u64>,
    /// The request id: the body's `request_id` when non-empty, else the `X-Request-Id` header.
    pub request_id: Option<String>,
}

impl<T> Page<T> {
    pub(crate) fn new<D>(data: Vec<D>, meta: Meta) -> Self
    where
        T: From<D>,
    {
        Self {
            items: data.into_iter().map(T::from).collect(),
            total: meta.total,
            request_id: meta.request_id,
        }
    }
}

/// What a call returns: its result, and the request id to quote to support. Derefs to the
/// result, so `created.id` reads the workflow's ID.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Output<T> {
    /// The result (the workflow, the version, ...).
    pub value: T,
    /// The request id: the body's `request_id` when non-empty, else the `X-Request-Id` header.
    pub request_id: Option<String>,
}

impl<T> Output<T> {
    pub(crate) fn new<D>(data: D, meta: Meta) -> Self
    where
        T: From<D>,
    {
        Self {
            value: T::from(data),
            request_id: meta.request_id,
        }
    }

    /// The result, without the request id.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Output<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A mandatory field's value, or the error that names it.
pub(crate) fn required<T>(field: &'static str, value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| Error::invalid(field, "is required and was not set"))
}

/// A mandatory text field's value: set, and not blank.
pub(crate) fn required_text(field: &'static str, value: Option<String>) -> Result<String, Error> {
    let value = required(field, value)?;
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is required and is empty"));
    }
    Ok(value)
}

/// Whether an optional text field that is set is blank (the service would read it as unset).
pub(crate) fn not_blank(field: &'static str, value: Option<&String>) -> Result<(), Error> {
    match value {
        Some(v) if v.trim().is_empty() => Err(Error::invalid(field, "is empty")),
        _ => Ok(()),
    }
}
