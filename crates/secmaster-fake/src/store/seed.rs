//! What the fake can be seeded with: workflows with their versions, and data classes; the API
//! page's example of each.

use secmaster::bindings::types::AopWorkflowInfo;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
const PAGE_DATACLASS: &str = "e410ae50-43fa-343e-807a-a2a9edb8018e";

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
