//! The fake's data: projects and workspaces, their data classes, workflows and the workflows'
//! versions; what each operation does to them, under one lock, in one order (every change takes
//! the next sequence number).

mod files;
mod instances;
mod validation;
mod versions;
mod workflows;

use std::collections::BTreeMap;

use secmaster::bindings::types::{AopWorkflowInfo, AopWorkflowVersionInfo};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) use instances::{InstanceQuery, RUN_TIME};
pub(crate) use workflows::ListQuery;

/// A workflow version to seed the fake with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// The version ID (`version_id` in requests).
    pub id: String,
    /// The version's label (`v1`), reported as the workflow's `version` once activated.
    pub name: String,
    /// Its status (`pending_submit`, `pending_approval`, `not_activated`, `activated`,
    /// `rejected`, ...); `not_activated` (approved, ready to activate) when not given.
    #[serde(default = "not_activated")]
    pub status: String,
}

fn not_activated() -> String {
    "not_activated".to_owned()
}

impl Version {
    /// An approved version (`not_activated`) with an ID and a label.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            status: not_activated(),
        }
    }

    /// The same version in `status`.
    #[must_use]
    pub fn with_status(mut self, status: impl Into<String>) -> Self {
        self.status = status.into();
        self
    }
}

/// A workflow to seed the fake with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeedWorkflow {
    /// The project it belongs to.
    pub project_id: String,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// Its fields as the API returns them; `id` is required, missing fields read as `""`.
    pub workflow: AopWorkflowInfo,
    /// Its versions. At most one may be `activated`; the workflow's `version_id` and `version`
    /// are set from it.
    #[serde(default)]
    pub versions: Vec<Version>,
    /// Whether its runs fail (`FAILED`) when their time is up, instead of finishing.
    #[serde(default)]
    pub fail_runs: bool,
}

/// A data class a workspace has (workflows are created for one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataClass {
    /// The project.
    pub project_id: String,
    /// The workspace.
    pub workspace_id: String,
    /// The data class ID.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// The API page's project, workspace and workflow IDs.
const PAGE_PROJECT: &str = "f69081793d9e4ea8a2f479dcef961989";
const PAGE_WORKSPACE: &str = "f44065f5-557b-4376-ae02-8c65ef1960f4";
/// The data class the API page's workflow names.
pub(crate) const PAGE_DATACLASS: &str = "e410ae50-43fa-343e-807a-a2a9edb8018e";

impl SeedWorkflow {
    /// The API page's example workflow (`c19470f3-…`, project `f6908179…`, workspace
    /// `f44065f5-…`), disabled, with version `ver-0001` (v1) activated and `ver-0002` (v2)
    /// approved (`not_activated`).
    pub fn page_example() -> Self {
        let page: Value = serde_json::from_str(PAGE_200).expect("the page's example is JSON");
        let workflow: AopWorkflowInfo =
            serde_json::from_value(page["data"].clone()).expect("and decodes");
        Self {
            project_id: workflow.project_id.clone().unwrap_or_default(),
            workspace_id: workflow.workspace_id.clone().unwrap_or_default(),
            workflow,
            versions: vec![
                Version::new("ver-0001", "v1").with_status("activated"),
                Version::new("ver-0002", "v2"),
            ],
            fail_runs: false,
        }
    }
}

impl DataClass {
    /// The data class the API page's workflow belongs to, in its workspace.
    pub fn page_example() -> Self {
        Self {
            project_id: PAGE_PROJECT.to_owned(),
            workspace_id: PAGE_WORKSPACE.to_owned(),
            id: PAGE_DATACLASS.to_owned(),
            name: "Alert".to_owned(),
        }
    }
}

/// The API page's example answer, copied from `spec/examples/update-workflow-200.json` so that the
/// published crate carries it (a test holds the two equal).
const PAGE_200: &str = include_str!("../page-example-200.json");

/// Why a request was refused, with the fake's documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The `code` of the 400 body.
    pub code: &'static str,
    /// The `message` of the 400 body.
    pub message: String,
}

/// The fake's error codes (its own: the real service's are not documented on the API pages).
/// Every refusal is HTTP 400 `{code, message}` and changes nothing.
pub mod codes {
    /// The body is not a JSON object of the operation's shape.
    pub const MALFORMED_BODY: &str = "SecMaster.20010001";
    /// A field has the wrong JSON type.
    pub const WRONG_TYPE: &str = "SecMaster.20010002";
    /// An enum field (`labels`, `aop_type`, `status`, `result`, `mode`, ...) has a value the API
    /// does not list.
    pub const INVALID_LABELS: &str = "SecMaster.20010003";
    /// `enabled` is true but `version_id` is missing or empty.
    pub const VERSION_REQUIRED: &str = "SecMaster.20010004";
    /// `version_id` is not a version of this workflow.
    pub const UNKNOWN_VERSION: &str = "SecMaster.20010005";
    /// A query parameter is out of its range or not of its type.
    pub const INVALID_PARAMETER: &str = "SecMaster.20010006";
    /// A mandatory field is missing or empty.
    pub const MISSING_FIELD: &str = "SecMaster.20010007";
    /// `taskflow` is not Base64 of JSON.
    pub const INVALID_TASKFLOW: &str = "SecMaster.20010008";
    /// Another workflow of the workspace has this name.
    pub const NAME_TAKEN: &str = "SecMaster.20020001";
    /// Enabling needs the workflow's activated version, and `version_id` is another.
    pub const VERSION_NOT_ACTIVATED: &str = "SecMaster.20030001";
    /// The version's status does not allow this (an edit of a submitted version, activating one
    /// not approved, reviewing one not submitted, ...).
    pub const WRONG_VERSION_STATUS: &str = "SecMaster.20030002";
    /// The activated version cannot be deleted, nor deactivated while the workflow is enabled.
    pub const VERSION_IN_USE: &str = "SecMaster.20030003";
    /// An enabled workflow cannot be deleted: disable it first.
    pub const WORKFLOW_ENABLED: &str = "SecMaster.20030004";
    /// The project does not exist.
    pub const UNKNOWN_PROJECT: &str = "SecMaster.20040001";
    /// The workspace does not exist in the project.
    pub const UNKNOWN_WORKSPACE: &str = "SecMaster.20040002";
    /// The workflow does not exist in the workspace.
    pub const UNKNOWN_WORKFLOW: &str = "SecMaster.20040003";
    /// The version does not exist in the workspace.
    pub const UNKNOWN_VERSION_ID: &str = "SecMaster.20040004";
    /// The data class does not exist in the workspace.
    pub const UNKNOWN_DATACLASS: &str = "SecMaster.20040005";
    /// A disabled workflow cannot run: enable it first.
    pub const WORKFLOW_DISABLED: &str = "SecMaster.20030005";
    /// The instance's status does not allow the command (terminating a finished run, retrying
    /// a running one, ...).
    pub const WRONG_INSTANCE_STATUS: &str = "SecMaster.20030006";
    /// The imported file is not an export of the fake (`secmaster-fake/workflows`), or holds
    /// nothing to import.
    pub const MALFORMED_FILE: &str = "SecMaster.20010009";
    /// The imported file is larger than the fake takes (4 MiB).
    pub const FILE_TOO_LARGE: &str = "SecMaster.20010010";
    /// The workflow instance does not exist in the workspace.
    pub const UNKNOWN_INSTANCE: &str = "SecMaster.20040006";
}

pub(crate) fn reject(code: &'static str, message: impl Into<String>) -> Rejection {
    Rejection {
        code,
        message: message.into(),
    }
}

/// Who made a change, and when (the page's time format).
pub(crate) struct Caller {
    pub id: String,
    pub name: String,
    pub now: String,
}

/// A workflow and its versions, in creation order.
#[derive(Clone)]
pub(crate) struct Flow {
    pub info: AopWorkflowInfo,
    pub versions: Vec<AopWorkflowVersionInfo>,
    /// Whether its runs fail.
    pub fail_runs: bool,
}

/// One workspace: its data classes, workflows and runs (in creation order).
#[derive(Default, Clone)]
pub(crate) struct Workspace {
    pub dataclasses: BTreeMap<String, String>,
    pub flows: Vec<Flow>,
    pub runs: Vec<instances::Run>,
}

/// All the fake's data.
#[derive(Default)]
pub(crate) struct Store {
    /// The sequence number of the last change applied.
    pub seq: u64,
    workspaces: BTreeMap<(String, String), Workspace>,
}

impl Store {
    /// Adds (or replaces) a seeded workflow and its versions.
    pub(crate) fn insert(&mut self, seed: SeedWorkflow) {
        let mut info = seed.workflow;
        let id = info.id.clone().unwrap_or_default();
        info.project_id = Some(seed.project_id.clone());
        info.workspace_id = Some(seed.workspace_id.clone());
        workflows::fill_missing(&mut info);
        let versions: Vec<AopWorkflowVersionInfo> = seed
            .versions
            .iter()
            .map(|v| versions::seeded(&info, v))
            .collect();
        if let Some(active) = versions.iter().find(|v| versions::is(v, "activated")) {
            info.version_id = active.id.clone();
            info.version = active.version.clone();
        }
        let space = self
            .workspaces
            .entry((seed.project_id, seed.workspace_id))
            .or_default();
        if let Some(class) = info.dataclass_id.clone().filter(|c| !c.is_empty()) {
            let name = info.dataclass_name.clone().unwrap_or_default();
            space.dataclasses.entry(class).or_insert(name);
        }
        space.flows.retain(|f| f.info.id.as_deref() != Some(&id));
        space.flows.push(Flow {
            info,
            versions,
            fail_runs: seed.fail_runs,
        });
    }

    /// Adds a data class (and so its workspace).
    pub(crate) fn add_dataclass(&mut self, class: DataClass) {
        self.workspaces
            .entry((class.project_id, class.workspace_id))
            .or_default()
            .dataclasses
            .insert(class.id, class.name);
    }

    /// The workspace at `(project, workspace)`, or the refusal naming what does not exist.
    pub(crate) fn space(&self, project: &str, workspace: &str) -> Result<&Workspace, Rejection> {
        self.check_space(project, workspace)?;
        Ok(&self.workspaces[&(project.to_owned(), workspace.to_owned())])
    }

    pub(crate) fn space_mut(
        &mut self,
        project: &str,
        workspace: &str,
    ) -> Result<&mut Workspace, Rejection> {
        self.check_space(project, workspace)?;
        Ok(self
            .workspaces
            .get_mut(&(project.to_owned(), workspace.to_owned()))
            .expect("checked"))
    }

    fn check_space(&self, project: &str, workspace: &str) -> Result<(), Rejection> {
        if !self.workspaces.keys().any(|(p, _)| p == project) {
            return Err(reject(
                codes::UNKNOWN_PROJECT,
                format!("project {project} does not exist"),
            ));
        }
        if !self
            .workspaces
            .contains_key(&(project.to_owned(), workspace.to_owned()))
        {
            return Err(reject(
                codes::UNKNOWN_WORKSPACE,
                format!("workspace {workspace} does not exist"),
            ));
        }
        Ok(())
    }

    /// A stored workflow as the API would return it.
    pub(crate) fn get(&self, project: &str, workspace: &str, id: &str) -> Option<AopWorkflowInfo> {
        let space = self.space(project, workspace).ok()?;
        space.flow(id).ok().map(|f| f.info.clone())
    }

    /// Runs `change` on the workspace as one step: applied whole (taking the next sequence
    /// number) or not at all.
    pub(crate) fn change<T>(
        &mut self,
        project: &str,
        workspace: &str,
        change: impl FnOnce(&mut Workspace) -> Result<T, Rejection>,
    ) -> Result<(u64, T), Rejection> {
        let space = self.space_mut(project, workspace)?;
        // Applied to a copy, kept only when the whole change succeeds: a refusal changes nothing.
        let mut copy = space.clone();
        let out = change(&mut copy)?;
        *space = copy;
        self.seq += 1;
        Ok((self.seq, out))
    }
}

impl Workspace {
    pub(crate) fn flow(&self, id: &str) -> Result<&Flow, Rejection> {
        self.flows
            .iter()
            .find(|f| f.info.id.as_deref() == Some(id))
            .ok_or_else(|| unknown_workflow(id))
    }

    pub(crate) fn flow_mut(&mut self, id: &str) -> Result<&mut Flow, Rejection> {
        self.flows
            .iter_mut()
            .find(|f| f.info.id.as_deref() == Some(id))
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
