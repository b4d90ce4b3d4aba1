//! Workflow instances (runs): the view of a run that started, and the names the crate gives the
//! bindings' types of a run.

use secmaster_bindings::types::CreateWorkflowInstanceResponse;

/// A run that started: the new instance's ID, when the service answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StartedRun {
    /// The new instance's ID (`action_instance_id`), when the answer carries it.
    pub instance_id: Option<String>,
    /// The workflow that runs (`action_id`).
    pub workflow_id: Option<String>,
}

impl From<CreateWorkflowInstanceResponse> for StartedRun {
    fn from(answer: CreateWorkflowInstanceResponse) -> Self {
        let text = |v: Option<String>| v.filter(|v| !v.is_empty());
        Self {
            instance_id: text(answer.action_instance_id),
            workflow_id: text(answer.action_id),
        }
    }
}
