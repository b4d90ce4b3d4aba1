//! The fake's data: projects and workspaces, their data classes, workflows and the workflows'
//! versions; what each operation does to them, under one lock, in one order (every change takes
//! the next sequence number, and so does a run's end).
//!
//! A change works on a copy of its workspace that shares every workflow, version and run until
//! the change touches it (`Arc`, copy on write), so it costs what it touches; it is kept whole
//! or dropped whole (a refusal changes nothing). What it touched is counted again and held to
//! the limits per workspace (`ledger.rs`, [`crate::Limits`]): past one, [`codes::LIMIT_EXCEEDED`].
//! Requests are read and checked before the lock is taken, answers written after.

pub mod codes;
mod commands;
mod costs;
pub(crate) mod csv;
mod dataclasses;
mod engine;
mod files;
mod import_rules;
mod instance_query;
mod instances;
mod ledger;
mod playbook_files;
mod playbook_instances;
mod playbook_reports;
mod playbook_versions;
pub(crate) mod playbooks;
mod records;
mod relations;
pub(crate) mod rules;
mod search;
mod seed;
mod spaces;
mod topology;
mod validation;
mod versions;
mod workflows;

use std::collections::BTreeMap;
use std::sync::Arc;

use secmaster::bindings::types::{AopWorkflowInfo, AopWorkflowVersionInfo};
use serde_json::Value;

pub(crate) use commands::{Ends, parse_command};
pub(crate) use engine::{Change, Start};
pub(crate) use files::{parse as parse_file, render as render_file};
pub(crate) use instances::{InstanceQuery, RUN_TIME, run_context};
pub(crate) use ledger::Store;
pub(crate) use playbook_files::{Imported, read_file as read_playbooks};
pub(crate) use playbook_reports::InstanceFilter;
pub(crate) use records::{Kept, Record};
pub(crate) use relations::Outcome;
pub(crate) use search::{Listing, Search, lookup, select};
pub use seed::{DataClass, SeedWorkflow, Version};
pub(crate) use validation::{check_edit, check_new, check_validation, validate};
pub(crate) use workflows::ListQuery;
pub(crate) use workflows::parse_update;

/// Why a request was refused, with the fake's documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The HTTP status: 400, or 403 for a missing workspace ([`codes::UNKNOWN_WORKSPACE`]).
    pub status: u16,
    /// The `code` (or `error_code`) of the body.
    pub code: &'static str,
    /// The `message` (or `error_msg`) of the body.
    pub message: String,
}

pub(crate) fn reject(code: &'static str, message: impl Into<String>) -> Rejection {
    Rejection {
        status: 400,
        code,
        message: message.into(),
    }
}

/// The service's refusal for a workspace that does not exist in the project: 403
/// [`codes::UNKNOWN_WORKSPACE`].
pub(crate) fn missing_workspace(workspace: &str) -> Rejection {
    Rejection {
        status: 403,
        ..reject(
            codes::UNKNOWN_WORKSPACE,
            format!("workspace {workspace} does not exist"),
        )
    }
}

/// Who made a change, and when (the page's time format).
pub(crate) struct Caller {
    pub id: String,
    pub name: String,
    pub now: String,
}

/// A workflow and its versions, in creation order. Each version is shared until changed
/// (copy on write), so that changing one copies that one alone.
#[derive(Clone)]
pub(crate) struct Flow {
    pub info: AopWorkflowInfo,
    pub versions: Vec<Arc<AopWorkflowVersionInfo>>,
    /// Whether its runs fail.
    pub fail_runs: bool,
}

/// One workspace: its data classes, workflows and runs (in creation order). Workflows and runs
/// are shared until changed (copy on write): a change works on a copy of the workspace, which
/// copies the lists of pointers and the objects it touches, no more.
#[derive(Default, Clone)]
pub(crate) struct Workspace {
    pub dataclasses: BTreeMap<String, String>,
    pub flows: Vec<Arc<Flow>>,
    pub runs: Vec<Arc<instances::Run>>,
    /// The objects of the families served from the spec alone, by family.
    pub records: BTreeMap<&'static str, Vec<Arc<records::Record>>>,
}

impl Workspace {
    /// Workflow `id`.
    pub(crate) fn flow(&self, id: &str) -> Result<&Flow, Rejection> {
        self.shared(id).map(|f| &**f)
    }

    /// Workflow `id`, as shared.
    pub(crate) fn shared(&self, id: &str) -> Result<&Arc<Flow>, Rejection> {
        self.flows
            .iter()
            .find(|f| f.info.id.as_deref() == Some(id))
            .ok_or_else(|| unknown_workflow(id))
    }

    /// Workflow `id`, to change (copied first if it is shared).
    pub(crate) fn flow_mut(&mut self, id: &str) -> Result<&mut Flow, Rejection> {
        self.flows
            .iter_mut()
            .find(|f| f.info.id.as_deref() == Some(id))
            .map(Arc::make_mut)
            .ok_or_else(|| unknown_workflow(id))
    }
}

fn unknown_workflow(id: &str) -> Rejection {
    reject(
        codes::UNKNOWN_WORKFLOW,
        format!("workflow {id} does not exist"),
    )
}

/// A fresh ID in the service's UUID form.
pub(crate) fn new_id() -> String {
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(fastrand::u32(0..16), 16).expect("hex digit"))
            .collect()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}

/// A mandatory text field: present and not blank.
pub(crate) fn required(field: &str, value: &str) -> Result<(), Rejection> {
    if value.trim().is_empty() {
        return Err(reject(
            codes::MISSING_FIELD,
            format!("{field} is mandatory and is empty"),
        ));
    }
    Ok(())
}

/// Refuses (returns the refusal from the enclosing function) a value of an open enum the API
/// does not list, naming the field and the values it lists.
macro_rules! listed {
    ($field:expr, $value:expr, $ty:ty) => {
        if !$value.is_known() {
            let known: Vec<&str> = <$ty>::KNOWN.iter().map(<$ty>::as_str).collect();
            return Err($crate::store::reject(
                $crate::store::codes::INVALID_LABELS,
                format!(
                    "{} must be one of {}, not {:?}",
                    $field,
                    known.join(", "),
                    $value.as_str()
                ),
            ));
        }
    };
}
pub(crate) use listed;

/// A request body as a JSON object, or the refusal saying why it is not one.
pub(crate) fn parse_object(body: &[u8]) -> Result<Value, Rejection> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        reject(
            codes::MALFORMED_BODY,
            format!("the request body is not valid JSON: {e}"),
        )
    })?;
    let Value::Object(fields) = &value else {
        return Err(reject(
            codes::MALFORMED_BODY,
            "the request body must be a JSON object",
        ));
    };
    if let Some((field, _)) = fields.iter().find(|(_, v)| v.is_null()) {
        return Err(reject(
            codes::WRONG_TYPE,
            format!("{field} must not be null"),
        ));
    }
    Ok(value)
}

/// A JSON object as the operation's body type (the bindings'), or the refusal naming the field
/// that is missing or of the wrong type.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Rejection> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if inner.starts_with("missing field") {
            reject(codes::MISSING_FIELD, inner)
        } else {
            reject(codes::WRONG_TYPE, format!("{path}: {inner}"))
        }
    })
}

/// A request body read as the operation's body type.
pub(crate) fn body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Rejection> {
    typed(parse_object(body)?)
}
