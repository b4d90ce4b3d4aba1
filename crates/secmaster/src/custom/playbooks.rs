//! Playbooks: enabling one with its active version and disabling it, a version's submission for
//! review and its review, and a playbook instance's commands.

use serde_json::Value;

use crate::Error;
use crate::custom::not_blank;
use crate::generated::{
    ChangePlaybookInstance, CreatePlaybookVersion, ReviewPlaybookVersion, UpdatePlaybook,
    UpdatePlaybookVersion,
};
use secmaster_bindings::open_enums::{
    PlaybookActionType, PlaybookOperationPlaybookOperation as InstanceCommand,
    PlaybookVersionStatus,
};

impl CreatePlaybookVersion {
    /// Adds an action that runs workflow `workflow_id` (a workflow of the same workspace, enabled
    /// on an activated version when the playbook runs, else the action fails):
    /// `{action_type: AOP_WORKFLOW, action_id}` appended to `actions`, in the order added. A
    /// blank ID is refused before sending, naming `actions`.
    pub fn runs_workflow(mut self, workflow_id: impl Into<String>) -> Self {
        let workflow_id = workflow_id.into();
        if workflow_id.trim().is_empty() {
            self.0.fail(Error::invalid(
                "actions",
                "runs_workflow was given an empty workflow ID",
            ));
        }
        let mut actions = match self.0.body_field("actions") {
            Some(Value::Array(actions)) => actions.clone(),
            _ => Vec::new(),
        };
        actions.push(serde_json::json!({
            "action_type": PlaybookActionType::AopWorkflow.as_str(),
            "action_id": workflow_id,
        }));
        self.0.body("actions", Value::Array(actions));
        self
    }
}

impl UpdatePlaybook {
    /// Enables the playbook with `version_id` as its active version (`enabled: true` and
    /// `active_version_id`, which the service requires together). The version must be an
    /// approved (`PUBLISHED`) version of this playbook.
    pub fn enable(mut self, version_id: impl Into<String>) -> Self {
        self.0.body("enabled", Value::Bool(true));
        self.0
            .body("active_version_id", Value::String(version_id.into()));
        self
    }

    /// Disables the playbook (`enabled: false`): it starts no instance until enabled again. The
    /// service changes a playbook's other fields only while it is disabled; Terraform sends the
    /// playbook's `name` with enabling and disabling, which `.name()` sets beside them.
    pub fn disable(mut self) -> Self {
        self.0.body("enabled", Value::Bool(false));
        self.0.unset("active_version_id");
        self
    }

    /// The update sets something; text set is not blank (enabling names its version: the
    /// spec's `x-required-when`, checked by the generated code).
    pub(crate) fn prepare(mut self) -> Self {
        if self.0.body_is_empty() {
            self.0.fail(Error::invalid(
                "body",
                "the update sets nothing; set name or description, or call enable or disable",
            ));
        }
        let checked = not_blank("name", self.0.body_field("name"))
            .and_then(|()| not_blank("active_version_id", self.0.body_field("active_version_id")));
        self.0.check(checked);
        self
    }
}

impl UpdatePlaybookVersion {
    /// Submits the version for review (`status: APPROVING`); a reviewer then approves it
    /// ([`ReviewPlaybookVersion::approve`]), which publishes it, or rejects it. The pages make
    /// every other field optional; Terraform sends the version's fields again beside the
    /// status, which the setters set beside `submit()`.
    pub fn submit(mut self) -> Self {
        let approving = PlaybookVersionStatus::Approving.as_str().to_owned();
        self.0.body("status", Value::String(approving));
        self
    }

    /// The change sets something; text set is not blank.
    pub(crate) fn prepare(mut self) -> Self {
        if self.0.body_is_empty() {
            self.0.fail(Error::invalid(
                "body",
                "the update sets nothing; edit a field or call submit",
            ));
        }
        let checked = not_blank("description", self.0.body_field("description"));
        self.0.check(checked);
        self
    }
}

super::review_intents!(
    ReviewPlaybookVersion,
    "it is published, and a playbook can be enabled with it."
);

impl ChangePlaybookInstance {
    /// Runs a failed or terminated instance again (`operation: RETRY`).
    pub fn retry(mut self) -> Self {
        let retry = InstanceCommand::Retry.as_str().to_owned();
        self.0.body("operation", Value::String(retry));
        self
    }

    /// Terminates a running instance (`operation: TERMINATE`).
    pub fn terminate(mut self) -> Self {
        let terminate = InstanceCommand::Terminate.as_str().to_owned();
        self.0.body("operation", Value::String(terminate));
        self
    }

    /// A command is chosen.
    pub(crate) fn prepare(mut self) -> Self {
        if self.0.body_field("operation").is_none() {
            self.0.fail(Error::invalid(
                "operation",
                "no command: call retry or terminate",
            ));
        }
        self
    }
}
