//! Workflow versions: the topology as JSON (sent Base64-encoded), a version's life (submit,
//! activate, deactivate), its review (approve, reject), and the topology of a validation.

use serde_json::Value;

use crate::custom::{alone, not_blank};
use crate::generated::{
    CreateWorkflowVersion, ReviewWorkflowVersion, UpdateWorkflowVersion, ValidateWorkflowVersion,
};
use crate::runtime::Request;
use crate::version::encode_topology;
use crate::{Error, TaskflowType, VersionAction};

/// Sets `taskflow` to the topology's Base64 (and `taskflow_type` to `JSON` when `with_type`), or
/// records why the topology is unusable (it is not JSON).
fn set_topology<O: secmaster_bindings::Op + 'static>(
    request: &mut Request<O>,
    topology: &[u8],
    with_type: bool,
) {
    match encode_topology("taskflow", topology) {
        Ok(encoded) => {
            request.body("taskflow", Value::String(encoded));
            if with_type {
                let json = TaskflowType::Json.as_str().to_owned();
                request.body("taskflow_type", Value::String(json));
            }
        }
        Err(e) => request.fail(e),
    }
}

impl CreateWorkflowVersion {
    /// The topology (JSON text or bytes; mandatory): the crate checks it is JSON and sends it
    /// Base64-encoded, with `taskflow_type` `JSON`.
    pub fn taskflow(mut self, topology: impl AsRef<[u8]>) -> Self {
        set_topology(&mut self.0, topology.as_ref(), false);
        self
    }

    /// Optional text set is not blank.
    pub(crate) fn prepare(mut self) -> Self {
        let checked = not_blank("input", self.0.body_field("input"))
            .and_then(|()| not_blank("output", self.0.body_field("output")));
        self.0.check(checked);
        self
    }
}

impl UpdateWorkflowVersion {
    /// Replaces the topology (JSON text or bytes; sent Base64-encoded, with `taskflow_type`
    /// `JSON`).
    pub fn taskflow(mut self, topology: impl AsRef<[u8]>) -> Self {
        set_topology(&mut self.0, topology.as_ref(), true);
        self
    }

    /// Submits the version for review (`status: pending_approval`).
    pub fn submit(self) -> Self {
        self.action(VersionAction::PendingApproval)
    }

    /// Activates an approved version (`status: activated`); the workflow's previously
    /// activated version is deactivated.
    pub fn activate(self) -> Self {
        self.action(VersionAction::Activated)
    }

    /// Deactivates the version (`status: not_activated`).
    pub fn deactivate(self) -> Self {
        self.action(VersionAction::NotActivated)
    }

    fn action(mut self, action: VersionAction) -> Self {
        self.0
            .body("status", Value::String(action.as_str().to_owned()));
        self
    }

    /// The change sets something; an action goes alone; text set is not blank.
    pub(crate) fn prepare(mut self) -> Self {
        if self.0.body_is_empty() {
            self.0.fail(Error::invalid(
                "body",
                "the update sets nothing; edit a field or call submit, activate or deactivate",
            ));
        }
        let reason = "an action (submit, activate, deactivate) is sent alone; edit the version \
                      and act on it in two calls";
        let checked = not_blank("name", self.0.body_field("name"))
            .and_then(|()| not_blank("taskconfig", self.0.body_field("taskconfig")))
            .and_then(|()| alone(&self.0, "status", reason));
        self.0.check(checked);
        self
    }
}

super::review_intents!(ReviewWorkflowVersion, "the version can then be activated.");

impl ValidateWorkflowVersion {
    /// The topology to check, as JSON text or bytes (mandatory; sent Base64-encoded).
    pub fn taskflow(mut self, topology: impl AsRef<[u8]>) -> Self {
        set_topology(&mut self.0, topology.as_ref(), false);
        self
    }
}
