//! One module per operation: its builder (setters, intent methods, its own rules) and a `send`
//! that hands the runtime a descriptor and a body. The machinery every call needs is in
//! [`crate::runtime`].

pub(crate) mod export;
pub(crate) mod instance;
pub(crate) mod list;
pub(crate) mod update;

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
