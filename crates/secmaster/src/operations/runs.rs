//! Running workflows and commanding their runs: `POST …/{workflow_id}/instances` (run),
//! `PUT …/instances/{instance_id}` (terminate, retry, debug). Listing them is in
//! [`super::instance_list`].

use secmaster_bindings::operations::{
    CreateWorkflowInstance, UpdateWorkflowInstance as UpdateInstanceOp,
};
use secmaster_bindings::types::{
    AopInstanceEventData, AopInstanceUpdateDataPojo, CreateWorkflowInstanceResponse, DataClassRef,
    DataObjectRefInfo, PlaybookcontextRef,
};

use crate::operations::{Output, not_blank, required_text};
use crate::runtime::{CallOptions, call_options};
use crate::{Client, Error};
use secmaster_bindings::open_enums::{ActionType, RunCommand, UpdateCommand};

impl Client {
    /// Prepares a run of a workflow (a new instance), with a data class and a context;
    /// `.send().await` says which instance started. The workflow must be enabled.
    ///
    /// A run is never sent twice: if it fails in a way that leaves its outcome unknown, the
    /// error says so ([`Error::is_outcome_unknown`]); list the workflow's instances to find out.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// use std::time::Duration;
    ///
    /// let (p, w) = ("project-id", "workspace-id");
    /// let run = client
    ///     .run_workflow(p, w, "workflow-id")
    ///     .dataclass_id("e410ae50-43fa-343e-807a-a2a9edb8018e")
    ///     .context(serde_json::json!({"alert_id": "a-1"}))
    ///     .send()
    ///     .await?;
    /// let instance = run.instance_id.clone().unwrap_or_default();
    /// let done = client
    ///     .show_workflow_instance(p, w, &instance)
    ///     .wait_until_done(Duration::from_secs(300))
    ///     .await?;
    /// println!("{:?}", done.instance.status);
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_workflow(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        workflow_id: impl Into<String>,
    ) -> RunWorkflow {
        RunWorkflow {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), workflow_id.into()],
            dataclass_id: None,
            context: None,
            options: CallOptions::default(),
        }
    }

    /// Prepares a command to a run: [`terminate`](UpdateWorkflowInstance::terminate),
    /// [`retry`](UpdateWorkflowInstance::retry), or [`debug`](UpdateWorkflowInstance::debug)
    /// (a node's debug result). A command is never sent twice (`.retry()` twice runs the
    /// instance twice).
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// client
    ///     .update_workflow_instance("project-id", "workspace-id", "instance-id")
    ///     .terminate()
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_workflow_instance(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        instance_id: impl Into<String>,
    ) -> UpdateWorkflowInstance {
        UpdateWorkflowInstance {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), instance_id.into()],
            command: None,
            options: CallOptions::default(),
        }
    }
}

/// A prepared run of a workflow; set its data class and context, then [`send`](Self::send) it.
///
/// Made by [`Client::run_workflow`]. The body carries the page's two constants
/// (`command_type: ActionInstanceRunCommand`, `action_type: workflow`) and the workflow as
/// `action_id`.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct RunWorkflow {
    client: Client,
    path: [String; 3],
    dataclass_id: Option<String>,
    context: Option<serde_json::Value>,
    options: CallOptions,
}

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

impl RunWorkflow {
    /// The data class of the data the run works on (its ID).
    pub fn dataclass_id(mut self, dataclass_id: impl Into<String>) -> Self {
        self.dataclass_id = Some(dataclass_id.into());
        self
    }

    /// The run's context: a JSON object (a `serde_json::Map`, or a `Value` that holds an
    /// object; any other value is refused when sent, naming `context`).
    pub fn context(mut self, context: impl Into<serde_json::Value>) -> Self {
        self.context = Some(context.into());
        self
    }

    call_options!();

    fn body(self) -> Result<AopInstanceEventData, Error> {
        let content = match self.context {
            None => serde_json::Map::new(),
            Some(serde_json::Value::Object(map)) => map,
            Some(other) => {
                let kind = match other {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Null => "null",
                    _ => "a scalar",
                };
                return Err(Error::invalid(
                    "context",
                    format!("must be a JSON object, not {kind}"),
                ));
            }
        };
        not_blank("dataclass_id", self.dataclass_id.as_ref())?;
        let data_object = DataObjectRefInfo {
            content,
            dataclass: self.dataclass_id.map(|id| DataClassRef {
                id: Some(id),
                name: None,
            }),
        };
        Ok(AopInstanceEventData {
            command_type: RunCommand::ActionInstanceRunCommand,
            action_type: ActionType::Workflow,
            action_id: Some(self.path[2].clone()),
            action_instance_id: None,
            playbook_context: Some(PlaybookcontextRef { data_object }),
        })
    }

    /// Sends the run (never twice) and returns the instance that started.
    ///
    /// # Errors
    /// See [`Error`]: the service's refusals (a disabled workflow), [`Error::OutcomeUnknown`].
    pub fn send(self) -> impl Future<Output = Result<Output<StartedRun>, Error>> + Send + 'static {
        let call = self
            .client
            .call::<CreateWorkflowInstance>(self.path.clone().into())
            .options(self.options.clone())
            .how_to_check(
                "list the workflow's instances (.workflow_id(..)) to see whether it started",
            );
        call.try_body(self.body()).bare(Output::new)
    }
}

/// A prepared command to a run; choose one, then [`send`](Self::send) it.
///
/// Made by [`Client::update_workflow_instance`]. Never sent twice once it may have reached the
/// service.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct UpdateWorkflowInstance {
    client: Client,
    path: [String; 3],
    command: Option<AopInstanceUpdateDataPojo>,
    options: CallOptions,
}

impl UpdateWorkflowInstance {
    fn command(mut self, command: UpdateCommand) -> Self {
        self.command = Some(AopInstanceUpdateDataPojo {
            command_type: command,
            task_id: None,
            input_dataobject: None,
        });
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
    pub fn debug(
        mut self,
        task_id: impl Into<String>,
        input_dataobject: impl Into<String>,
    ) -> Self {
        self = self.command(UpdateCommand::ActionInstanceDebugCommand);
        if let Some(command) = &mut self.command {
            command.task_id = Some(task_id.into());
            command.input_dataobject = Some(input_dataobject.into());
        }
        self
    }

    call_options!();

    /// Sends the command (never twice) and returns the request id.
    ///
    /// # Errors
    /// See [`Error`]: no command, or a debug command without its node (nothing sent, the
    /// field named), the service's refusals, [`Error::OutcomeUnknown`].
    pub fn send(self) -> impl Future<Output = Result<Output<()>, Error>> + Send + 'static {
        let body = self
            .command
            .ok_or_else(|| {
                Error::invalid("command_type", "no command: call terminate, retry or debug")
            })
            .and_then(|command| {
                if let Some(task) = &command.task_id {
                    required_text("task_id", Some(task.clone()))?;
                }
                Ok(command)
            });
        self.client
            .call::<UpdateInstanceOp>(self.path.into())
            .try_body(body)
            .how_to_check("show the instance: its status says whether the command took effect")
            .options(self.options)
            .acknowledged(Output::new)
    }
}
