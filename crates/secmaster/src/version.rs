//! The ergonomic view of a workflow version (the API's `AopWorkflowVersionInfo`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secmaster_bindings::types::AopWorkflowVersionInfo;

pub use secmaster_bindings::open_enums::{
    ApprovalResult, TaskflowType, ValidateMode, VersionAction, VersionStatus,
};

use crate::workflow::{open, parse_timestamp, text};
use crate::{AopType, Error};

/// A workflow version as the service returned it: all 25 fields of `AopWorkflowVersionInfo`,
/// and its topology decoded.
///
/// Normalized as [`Workflow`](crate::Workflow) is: `""` in an optional field but `name` and
/// `description` reads as `None`, times keep their wire text ([`created_at`](Self::created_at)
/// and [`updated_at`](Self::updated_at) parse them), unlisted enum values are kept in `Other`.
/// `taskflow` is the Base64 text as sent; [`topology`](Self::topology) is what it encodes,
/// parsed as JSON (`None` when it is missing, not Base64, or not JSON).
///
/// ```
/// # use secmaster::{VersionStatus, WorkflowVersion};
/// # use secmaster::bindings::types::AopWorkflowVersionInfo;
/// let v = WorkflowVersion::from(AopWorkflowVersionInfo {
///     status: Some(VersionStatus::Activated),
///     taskflow: Some("eyJub2RlcyI6W119".into()),
///     ..Default::default()
/// });
/// assert_eq!(v.topology, Some(serde_json::json!({"nodes": []})));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct WorkflowVersion {
    /// Version ID.
    pub id: Option<String>,
    /// Version ID (the service sends it twice; the same as `id`).
    pub version_id: Option<String>,
    /// Version name.
    pub name: Option<String>,
    /// ID of the workflow the version belongs to.
    pub workflow_id: Option<String>,
    /// Version description.
    pub description: Option<String>,
    /// Tenant (project) ID.
    pub project_id: Option<String>,
    /// Owner ID.
    pub owner_id: Option<String>,
    /// Creator ID.
    pub creator_id: Option<String>,
    /// Name of the creator.
    pub creator_name: Option<String>,
    /// Creation time as sent.
    pub create_time: Option<String>,
    /// ID of the updater.
    pub modifier_id: Option<String>,
    /// Name of the updater.
    pub modifier_name: Option<String>,
    /// Update time as sent.
    pub update_time: Option<String>,
    /// Whether the version is enabled.
    pub enabled: Option<bool>,
    /// Where the version is in its life: draft, pending review, approved, activated...
    pub status: Option<VersionStatus>,
    /// Version label (`v1`).
    pub version: Option<String>,
    /// Parameter configuration of the topology.
    pub taskconfig: Option<String>,
    /// The topology as sent: Base64 text.
    pub taskflow: Option<String>,
    /// The topology `taskflow` encodes, parsed as JSON.
    pub topology: Option<serde_json::Value>,
    /// Topology format (`JSON`).
    pub taskflow_type: Option<TaskflowType>,
    /// Workflow type.
    pub aop_type: Option<AopType>,
    /// Workflow input.
    pub input: Option<String>,
    /// Workflow output.
    pub output: Option<String>,
    /// Data class ID.
    pub dataclass_id: Option<String>,
    /// Data class name.
    pub dataclass_name: Option<String>,
    /// Workspace ID.
    pub workspace_id: Option<String>,
}

impl WorkflowVersion {
    /// The creation time, when `create_time` parses (see [`parse_timestamp`]).
    pub fn created_at(&self) -> Option<jiff::Timestamp> {
        self.create_time.as_deref().and_then(parse_timestamp)
    }

    /// The time of the last update, when `update_time` parses (see [`parse_timestamp`]).
    pub fn updated_at(&self) -> Option<jiff::Timestamp> {
        self.update_time.as_deref().and_then(parse_timestamp)
    }
}

impl From<AopWorkflowVersionInfo> for WorkflowVersion {
    fn from(v: AopWorkflowVersionInfo) -> Self {
        // Destructured field by field: a field the spec adds fails to compile here until the
        // view has it too.
        let AopWorkflowVersionInfo {
            aop_type,
            aopworkflow_id,
            create_time,
            creator_id,
            creator_name,
            dataclass_id,
            dataclass_name,
            description,
            enabled,
            id,
            input,
            modifier_id,
            modifier_name,
            name,
            output,
            owner_id,
            project_id,
            status,
            taskconfig,
            taskflow,
            taskflow_type,
            update_time,
            version,
            version_id,
            workspace_id,
        } = v;
        let taskflow = text(taskflow);
        Self {
            topology: taskflow.as_deref().and_then(decode_topology),
            id: text(id),
            version_id: text(version_id),
            name,
            workflow_id: text(aopworkflow_id),
            description,
            project_id: text(project_id),
            owner_id: text(owner_id),
            creator_id: text(creator_id),
            creator_name: text(creator_name),
            create_time: text(create_time),
            modifier_id: text(modifier_id),
            modifier_name: text(modifier_name),
            update_time: text(update_time),
            enabled,
            status: open(status),
            version: text(version),
            taskconfig: text(taskconfig),
            taskflow,
            taskflow_type: open(taskflow_type),
            aop_type: open(aop_type),
            input: text(input),
            output: text(output),
            dataclass_id: text(dataclass_id),
            dataclass_name: text(dataclass_name),
            workspace_id: text(workspace_id),
        }
    }
}

/// The topology a `taskflow` encodes: Base64 (padded or not) of JSON.
fn decode_topology(taskflow: &str) -> Option<serde_json::Value> {
    let bytes = STANDARD
        .decode(taskflow.trim())
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(taskflow.trim()))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A topology as the wire wants it: checked to be JSON (the only `taskflow_type`), then
/// Base64-encoded.
pub(crate) fn encode_topology(field: &'static str, topology: &[u8]) -> Result<String, Error> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(topology) {
        return Err(Error::invalid(
            field,
            format!("the topology is not JSON ({e}); pass the topology itself, not its Base64"),
        ));
    }
    Ok(STANDARD.encode(topology))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topology_goes_out_as_base64_and_comes_back_as_json() {
        let sent = encode_topology("taskflow", br#"{"nodes":[1]}"#).unwrap();
        assert_eq!(sent, "eyJub2RlcyI6WzFdfQ==");
        let v = WorkflowVersion::from(AopWorkflowVersionInfo {
            taskflow: Some(sent.clone()),
            ..Default::default()
        });
        assert_eq!(v.topology, Some(serde_json::json!({"nodes": [1]})));
        assert_eq!(v.taskflow.as_deref(), Some(sent.as_str()));
        let e = encode_topology("taskflow", sent.as_bytes()).unwrap_err();
        assert_eq!(e.field(), Some("taskflow"));
    }

    #[test]
    fn an_undecodable_taskflow_is_kept_as_sent_without_a_topology() {
        for bad in ["not base64!", "bm90IGpzb24=", ""] {
            let v = WorkflowVersion::from(AopWorkflowVersionInfo {
                taskflow: Some(bad.into()),
                status: Some(VersionStatus::from("archived")),
                ..Default::default()
            });
            assert_eq!(v.topology, None, "{bad}");
            assert_eq!(v.taskflow.as_deref(), Some(bad).filter(|b| !b.is_empty()));
            assert_eq!(v.status, Some(VersionStatus::Other("archived".into())));
        }
    }
}
