//! What every operation's builder returns: [`Output`] of one result, [`Page`] of a list, and
//! the machinery they share: paging ([`Items`]) and waiting (`waiter`). The builders are
//! generated ([`crate::generated`]); the call path is [`crate::runtime`].

pub(crate) mod paging;
pub(crate) mod waiter;

pub use paging::Items;

use crate::runtime::Meta;
use crate::{Workflow, WorkflowInstance};

/// The result of Update a Workflow: the workflow as it is after the update.
pub type UpdatedWorkflow = Output<Workflow>;
/// The result of showing a workflow instance.
pub type ShownInstance = Output<WorkflowInstance>;
/// The result of an export: the file's bytes (`Deref` to `[u8]` through [`bytes::Bytes`]).
pub type ExportedWorkflows = Output<bytes::Bytes>;
/// A review of a version as the service recorded it: its result and comment.
pub type Review = secmaster_bindings::types::WorkflowApproveOpinionDetail;

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
    /// The service's notice that the operation is deprecated (`X-API-Deprecation-Info`,
    /// `X-API-Deprecation-Date`), when the answer carries one.
    pub deprecation: Option<crate::Deprecation>,
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
            deprecation: meta.deprecation,
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
    /// The service's notice that the operation is deprecated (`X-API-Deprecation-Info`,
    /// `X-API-Deprecation-Date`), when the answer carries one.
    pub deprecation: Option<crate::Deprecation>,
}

impl<T> Output<T> {
    pub(crate) fn new<D>(data: D, meta: Meta) -> Self
    where
        T: From<D>,
    {
        Self {
            value: T::from(data),
            request_id: meta.request_id,
            deprecation: meta.deprecation,
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
