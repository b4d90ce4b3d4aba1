//! The fake's data: projects, workspaces, workflows and their versions, and how an update
//! applies to them.

use std::collections::HashMap;

use secmaster::bindings::RequiredWhen;
use secmaster::bindings::types::AopWorkflowInfo;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A workflow version that an update may activate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// The version ID (`version_id` in requests).
    pub id: String,
    /// The version's name, reported as `version` once activated.
    pub name: String,
}

impl Version {
    /// A version with an ID and a name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
        }
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
    /// The versions an update may activate.
    #[serde(default)]
    pub versions: Vec<Version>,
}

impl SeedWorkflow {
    /// The API page's example workflow (`c19470f3-…`, project `f6908179…`, workspace
    /// `f44065f5-…`), disabled, with versions `ver-0001` (v1) and `ver-0002` (v2).
    pub fn page_example() -> Self {
        let page: Value = serde_json::from_str(PAGE_200).expect("the page's example is JSON");
        let workflow: AopWorkflowInfo =
            serde_json::from_value(page["data"].clone()).expect("and decodes");
        Self {
            project_id: workflow.project_id.clone().unwrap_or_default(),
            workspace_id: workflow.workspace_id.clone().unwrap_or_default(),
            workflow,
            versions: vec![
                Version::new("ver-0001", "v1"),
                Version::new("ver-0002", "v2"),
            ],
        }
    }
}

/// The API page's example answer, copied from `spec/examples/update-workflow-200.json` so that the
/// published crate carries it (a test holds the two equal).
const PAGE_200: &str = include_str!("page-example-200.json");

/// Why an update was refused, with the fake's documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The `code` of the 400 body.
    pub code: &'static str,
    /// The `message` of the 400 body.
    pub message: String,
}

/// The fake's error codes (its own: the real service's are not documented on the API page).
pub mod codes {
    /// The body is not a JSON object.
    pub const MALFORMED_BODY: &str = "SecMaster.20010001";
    /// A field has the wrong JSON type.
    pub const WRONG_TYPE: &str = "SecMaster.20010002";
    /// `labels` is not IP, ACCOUNT or DOMAIN.
    pub const INVALID_LABELS: &str = "SecMaster.20010003";
    /// `enabled` is true but `version_id` is missing or empty.
    pub const VERSION_REQUIRED: &str = "SecMaster.20010004";
    /// `version_id` is not a version of this workflow.
    pub const UNKNOWN_VERSION: &str = "SecMaster.20010005";
    /// The project does not exist.
    pub const UNKNOWN_PROJECT: &str = "SecMaster.20040001";
    /// The workspace does not exist in the project.
    pub const UNKNOWN_WORKSPACE: &str = "SecMaster.20040002";
    /// The workflow does not exist in the workspace.
    pub const UNKNOWN_WORKFLOW: &str = "SecMaster.20040003";
}

fn reject(code: &'static str, message: impl Into<String>) -> Rejection {
    Rejection {
        code,
        message: message.into(),
    }
}

struct Stored {
    workflow: AopWorkflowInfo,
    versions: Vec<Version>,
}

/// All the fake's data.
#[derive(Default)]
pub(crate) struct Store {
    workflows: HashMap<(String, String, String), Stored>,
}

/// Who made a change, for `modifier_id` / `modifier_name`.
pub(crate) struct Caller {
    pub id: String,
    pub name: String,
}

impl Store {
    pub(crate) fn insert(&mut self, seed: SeedWorkflow) {
        let mut workflow = seed.workflow;
        let id = workflow.id.clone().unwrap_or_default();
        workflow.project_id = Some(seed.project_id.clone());
        workflow.workspace_id = Some(seed.workspace_id.clone());
        fill_missing(&mut workflow);
        self.workflows.insert(
            (seed.project_id, seed.workspace_id, id),
            Stored {
                workflow,
                versions: seed.versions,
            },
        );
    }

    pub(crate) fn get(
        &self,
        project: &str,
        workspace: &str,
        workflow: &str,
    ) -> Option<AopWorkflowInfo> {
        self.workflows
            .get(&key(project, workspace, workflow))
            .map(|s| s.workflow.clone())
    }

    /// Applies one update atomically (the caller holds the lock) and returns the new workflow.
    pub(crate) fn update(
        &mut self,
        ids: (&str, &str, &str),
        body: &[u8],
        caller: &Caller,
        now: &str,
    ) -> Result<AopWorkflowInfo, Rejection> {
        let (project, workspace, workflow_id) = ids;
        if !self.workflows.keys().any(|(p, _, _)| p == project) {
            return Err(reject(
                codes::UNKNOWN_PROJECT,
                format!("project {project} does not exist"),
            ));
        }
        if !self
            .workflows
            .keys()
            .any(|(p, w, _)| p == project && w == workspace)
        {
            return Err(reject(
                codes::UNKNOWN_WORKSPACE,
                format!("workspace {workspace} does not exist"),
            ));
        }
        let stored = self
            .workflows
            .get_mut(&key(project, workspace, workflow_id))
            .ok_or_else(|| {
                reject(
                    codes::UNKNOWN_WORKFLOW,
                    format!("workflow {workflow_id} does not exist"),
                )
            })?;
        let change = Change::parse(body)?;
        let version = match change.version_id.as_deref() {
            Some(id) => Some(
                stored
                    .versions
                    .iter()
                    .find(|v| v.id == id)
                    .cloned()
                    .ok_or_else(|| {
                        reject(
                            codes::UNKNOWN_VERSION,
                            format!("version {id} does not exist in workflow {workflow_id}"),
                        )
                    })?,
            ),
            None => None,
        };
        let w = &mut stored.workflow;
        if change.is_empty() {
            // Nothing to change: the workflow stays as it was, `update_time` and modifier too.
            return Ok(w.clone());
        }
        if let Some(name) = change.name {
            w.name = Some(name);
        }
        if let Some(description) = change.description {
            w.description = Some(description);
        }
        if let Some(enabled) = change.enabled {
            w.enabled = Some(enabled);
        }
        if let Some(version) = version {
            w.version_id = Some(version.id);
            w.version = Some(version.name);
        }
        if let Some(labels) = change.labels {
            w.labels = Some(labels.as_str().into());
        }
        w.modifier_id = Some(caller.id.clone());
        w.modifier_name = Some(caller.name.clone());
        w.update_time = Some(now.to_owned());
        Ok(w.clone())
    }
}

fn key(project: &str, workspace: &str, workflow: &str) -> (String, String, String) {
    (
        project.to_owned(),
        workspace.to_owned(),
        workflow.to_owned(),
    )
}

/// The service answers every field, `""` where unset; so does the fake.
fn fill_missing(w: &mut AopWorkflowInfo) {
    for field in [
        &mut w.id,
        &mut w.name,
        &mut w.description,
        &mut w.project_id,
        &mut w.owner_id,
        &mut w.creator_id,
        &mut w.creator_name,
        &mut w.create_time,
        &mut w.modifier_id,
        &mut w.modifier_name,
        &mut w.update_time,
        &mut w.edit_role,
        &mut w.use_role,
        &mut w.approve_role,
        &mut w.workspace_id,
        &mut w.version_id,
        &mut w.current_approval_version_id,
        &mut w.current_rejected_version_id,
        &mut w.dataclass_id,
        &mut w.dataclass_name,
        &mut w.version,
    ] {
        field.get_or_insert_with(String::new);
    }
    w.enabled.get_or_insert(false);
    w.aop_type.get_or_insert_with(|| "NORMAL".into());
    w.engine_type.get_or_insert_with(|| "public_engine".into());
    w.labels.get_or_insert_with(|| "IP".into());
}

/// A request body, checked field by field like the service.
struct Change {
    name: Option<String>,
    description: Option<String>,
    enabled: Option<bool>,
    version_id: Option<String>,
    labels: Option<Label>,
}

enum Label {
    Ip,
    Account,
    Domain,
}

impl Label {
    fn as_str(&self) -> &'static str {
        match self {
            Self::Ip => "IP",
            Self::Account => "ACCOUNT",
            Self::Domain => "DOMAIN",
        }
    }
}

impl Change {
    fn is_empty(&self) -> bool {
        let Self {
            name,
            description,
            enabled,
            version_id,
            labels,
        } = self;
        name.is_none()
            && description.is_none()
            && enabled.is_none()
            && version_id.is_none()
            && labels.is_none()
    }

    fn parse(body: &[u8]) -> Result<Self, Rejection> {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            reject(
                codes::MALFORMED_BODY,
                format!("the request body is not valid JSON: {e}"),
            )
        })?;
        let Value::Object(map) = value else {
            return Err(reject(
                codes::MALFORMED_BODY,
                "the request body must be a JSON object",
            ));
        };
        let labels = match string(&map, "labels")? {
            None => None,
            Some(text) => Some(match text.as_str() {
                "IP" => Label::Ip,
                "ACCOUNT" => Label::Account,
                "DOMAIN" => Label::Domain,
                other => {
                    return Err(reject(
                        codes::INVALID_LABELS,
                        format!("labels must be IP, ACCOUNT or DOMAIN, not {other:?}"),
                    ));
                }
            }),
        };
        let enabled = match map.get("enabled") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => return Err(wrong_type("enabled", "a boolean", other)),
        };
        let change = Self {
            name: string(&map, "name")?,
            description: string(&map, "description")?,
            enabled,
            version_id: string(&map, "version_id")?,
            labels,
        };
        // The spec's `x-required-when` rules, from the same generated data the client enforces.
        if let Some(rule) = RequiredWhen::first_broken("ModifyAopWorkflowInfo", &Value::Object(map))
        {
            let code = match rule.field {
                "version_id" => codes::VERSION_REQUIRED,
                _ => codes::MALFORMED_BODY,
            };
            return Err(reject(
                code,
                format!(
                    "{} is mandatory when {} is {}",
                    rule.field, rule.when_field, rule.equals
                ),
            ));
        }
        Ok(change)
    }
}

fn string(map: &Map<String, Value>, field: &str) -> Result<Option<String>, Rejection> {
    match map.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong_type(field, "a string", other)),
    }
}

fn wrong_type(field: &str, expected: &str, got: &Value) -> Rejection {
    let kind = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    reject(
        codes::WRONG_TYPE,
        format!("{field} must be {expected}, not {kind}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        let mut s = Store::default();
        s.insert(SeedWorkflow::page_example());
        s
    }

    const IDS: (&str, &str, &str) = (
        "f69081793d9e4ea8a2f479dcef961989",
        "f44065f5-557b-4376-ae02-8c65ef1960f4",
        "c19470f3-5eaf-4572-82e8-2ff094495919",
    );

    fn caller() -> Caller {
        Caller {
            id: "u1".into(),
            name: "tester".into(),
        }
    }

    fn update(body: &str) -> Result<AopWorkflowInfo, Rejection> {
        store().update(
            IDS,
            body.as_bytes(),
            &caller(),
            "2026-01-01T08:00:00.000Z+0800",
        )
    }

    #[test]
    fn an_update_applies_its_fields_and_records_who_and_when() {
        let w = update(r#"{"name":"n","enabled":true,"version_id":"ver-0002","labels":"DOMAIN"}"#)
            .unwrap();
        assert_eq!(w.name.as_deref(), Some("n"));
        assert_eq!(
            w.description.as_deref(),
            Some("Aop workflow description Test"),
            "untouched"
        );
        assert_eq!(
            (w.enabled, w.version_id.as_deref(), w.version.as_deref()),
            (Some(true), Some("ver-0002"), Some("v2"))
        );
        assert_eq!(w.labels.unwrap().as_str(), "DOMAIN");
        assert_eq!(
            (w.modifier_id.as_deref(), w.modifier_name.as_deref()),
            (Some("u1"), Some("tester"))
        );
        assert_eq!(
            w.update_time.as_deref(),
            Some("2026-01-01T08:00:00.000Z+0800")
        );
    }

    #[test]
    fn rejections_like_the_service() {
        let code = |body: &str| update(body).unwrap_err().code;
        assert_eq!(code("{"), codes::MALFORMED_BODY);
        assert_eq!(code("[1]"), codes::MALFORMED_BODY);
        assert_eq!(code(r#"{"name":1}"#), codes::WRONG_TYPE);
        assert_eq!(code(r#"{"enabled":"true"}"#), codes::WRONG_TYPE);
        assert_eq!(
            code(r#"{"description":null}"#),
            codes::WRONG_TYPE,
            "null is not a string"
        );
        assert_eq!(code(r#"{"enabled":null}"#), codes::WRONG_TYPE);
        assert_eq!(code(r#"{"labels":"URL"}"#), codes::INVALID_LABELS);
        assert_eq!(code(r#"{"enabled":true}"#), codes::VERSION_REQUIRED);
        assert_eq!(
            code(r#"{"enabled":true,"version_id":""}"#),
            codes::VERSION_REQUIRED
        );
        assert_eq!(code(r#"{"version_id":"ver-9"}"#), codes::UNKNOWN_VERSION);
        let mut s = store();
        let mut other = |ids| s.update(ids, b"{}", &caller(), "t").unwrap_err().code;
        assert_eq!(other(("nope", IDS.1, IDS.2)), codes::UNKNOWN_PROJECT);
        assert_eq!(other((IDS.0, "nope", IDS.2)), codes::UNKNOWN_WORKSPACE);
        assert_eq!(other((IDS.0, IDS.1, "nope")), codes::UNKNOWN_WORKFLOW);
    }

    #[test]
    fn an_empty_update_leaves_the_workflow_as_it_was() {
        let mut s = store();
        let json = |w: AopWorkflowInfo| serde_json::to_value(w).unwrap();
        let before = json(s.get(IDS.0, IDS.1, IDS.2).unwrap());
        let after = s.update(IDS, b"{}", &caller(), "2030-01-01T00:00:00.000Z+0800");
        assert_eq!(json(after.unwrap()), before, "the answer");
        assert_eq!(
            json(s.get(IDS.0, IDS.1, IDS.2).unwrap()),
            before,
            "the store"
        );
    }

    #[test]
    fn a_rejected_update_changes_nothing() {
        let mut s = store();
        let before = s.get(IDS.0, IDS.1, IDS.2);
        assert!(
            s.update(
                IDS,
                br#"{"name":"x","version_id":"missing"}"#,
                &caller(),
                "t"
            )
            .is_err()
        );
        assert_eq!(
            s.get(IDS.0, IDS.1, IDS.2).map(|w| w.name),
            before.map(|w| w.name)
        );
    }
}
