//! Workflow instances (runs): running a workflow with a context, a run's commands (terminate,
//! retry, debug), and showing one with its topology.

use serde_json::Value;

use crate::custom::not_blank;
use crate::generated::{RunWorkflow, ShowWorkflowInstance, UpdateWorkflowInstance};
use crate::{Error, UpdateCommand};

/// The hidden field that holds what `dataclass_id` and `context` set, until `prepare` builds
/// `playbook_context` of them.
const CONTEXT: &str = "playbook_context";

impl RunWorkflow {
    /// The data class of the data the run works on (its ID).
    pub fn dataclass_id(mut self, dataclass_id: impl Into<String>) -> Self {
        let mut context = self.playbook();
        context["data_object"]["dataclass"] = serde_json::json!({ "id": dataclass_id.into() });
        self.0.body(CONTEXT, context);
        self
    }

    /// The run's context: a JSON object (a `serde_json::Map`, or a `Value` that holds an
    /// object; any other value is refused when sent, naming `context`).
    pub fn context(mut self, context: impl Into<Value>) -> Self {
        let value = context.into();
        if !value.is_object() {
            let kind = match value {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Null => "null",
                _ => "a scalar",
            };
            self.0.fail(Error::invalid(
                "context",
                format!("must be a JSON object, not {kind}"),
            ));
            return self;
        }
        let mut playbook = self.playbook();
        playbook["data_object"]["content"] = value;
        self.0.body(CONTEXT, playbook);
        self
    }

    fn playbook(&self) -> Value {
        self.0
            .body_field(CONTEXT)
            .cloned()
            .unwrap_or_else(|| serde_json::json!({ "data_object": {} }))
    }

    /// The workflow run is the path's (`action_id`); the context is sent, empty when unset.
    pub(crate) fn prepare(mut self) -> Self {
        let context = self.playbook();
        let dataclass = context["data_object"]["dataclass"].get("id");
        let checked = not_blank("dataclass_id", dataclass);
        self.0.check(checked);
        let workflow_id = self.0.path(2).to_owned();
        self.0.body("action_id", Value::String(workflow_id));
        self.0.body(CONTEXT, context);
        self
    }
}

impl UpdateWorkflowInstance {
    fn command(mut self, command: UpdateCommand) -> Self {
        self.0.unset("task_id");
        self.0.unset("input_dataobject");
        self.0
            .body("command_type", Value::String(command.as_str().to_owned()));
        self
    }

    /// Terminates the run (`ActionInstanceTerminateCommand`).
    pub fn terminate(self) -> Self {
        self.command(UpdateCommand::ActionInstanceTerminateCommand)
    }

    /// Runs the instance again (`ActionInstanceRetryCommand`).
    pub fn retry(self) -> Self {
        self.command(UpdateCommand::ActionInstanceRetryCommand)
    }

    /// Posts the debug result of node `task_id`: its parameters, `input_dataobject`
    /// (`ActionInstanceDebugCommand`; both are mandatory).
    pub fn debug(self, task_id: impl Into<String>, input_dataobject: impl Into<String>) -> Self {
        let mut this = self.command(UpdateCommand::ActionInstanceDebugCommand);
        this.0.body("task_id", Value::String(task_id.into()));
        this.0
            .body("input_dataobject", Value::String(input_dataobject.into()));
        this
    }

    /// A command is chosen; a debug command's node is named.
    pub(crate) fn prepare(mut self) -> Self {
        if self.0.body_field("command_type").is_none() {
            self.0.fail(Error::invalid(
                "command_type",
                "no command: call terminate, retry or debug",
            ));
        }
        let checked = match self.0.body_field("task_id").and_then(Value::as_str) {
            Some(task) if task.trim().is_empty() => {
                Err(Error::invalid("task_id", "is required and is empty"))
            }
            _ => Ok(()),
        };
        self.0.check(checked);
        self
    }
}

impl ShowWorkflowInstance {
    /// Whether to include the topology: a record per node the run went through
    /// (`show_topology`; the service's default is not to).
    pub fn with_topology(self, with: bool) -> Self {
        self.show_topology(with)
    }
}
