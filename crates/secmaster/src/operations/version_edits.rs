//! Changing a version: editing it or moving it through its life (`PUT
//! …/versions/{version_id}`), reviewing it (`POST …/versions/{version_id}/approval`), and
//! checking a topology (`POST …/soc/workflows/validation`).

use secmaster_bindings::operations::{
    CreateAopWorkflowVersionApprovel, UpdateAopWorkflowVersion, ValidateAopWorkflowVersion,
};
use secmaster_bindings::types::{
    AopworkflowVersionValidateRes, CreateAopWorkflowVersionApprovelInfo,
    ModifyAopWorkflowVersionInfo, WorkflowApproveOpinionDetail,
};

use crate::operations::{Output, not_blank, required, required_text};
use crate::runtime::{CallOptions, call_options};
use crate::version::encode_topology;
use crate::{
    AopType, ApprovalResult, Client, Error, TaskflowType, ValidateMode, VersionAction,
    WorkflowVersion,
};

/// A review of a version as the service recorded it: its result and comment.
pub type Review = WorkflowApproveOpinionDetail;

impl Client {
    /// Prepares a change to a version: edits (`.name()`, `.taskflow()`, ...) of a draft or a
    /// rejected version, or one step of its life: [`submit`](UpdateWorkflowVersion::submit)
    /// for review, [`activate`](UpdateWorkflowVersion::activate) an approved version,
    /// [`deactivate`](UpdateWorkflowVersion::deactivate) it.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// let (p, w, v) = ("project-id", "workspace-id", "version-id");
    /// client.update_workflow_version(p, w, v).description("Notify and block").send().await?;
    /// let submitted = client.update_workflow_version(p, w, v).submit().send().await?;
    /// println!("{:?}", submitted.status); // pending_approval
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_workflow_version(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        version_id: impl Into<String>,
    ) -> UpdateWorkflowVersion {
        UpdateWorkflowVersion {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), version_id.into()],
            body: ModifyAopWorkflowVersionInfo::default(),
            invalid_topology: None,
            options: CallOptions::default(),
        }
    }

    /// Prepares the review of a version submitted for review:
    /// [`approve`](ReviewWorkflowVersion::approve) (per the user guide, it becomes
    /// `not_activated`, ready to activate) or [`reject`](ReviewWorkflowVersion::reject) it, with
    /// a comment.
    ///
    /// A review is never sent twice ([`Error::is_outcome_unknown`]): show the version to see
    /// whether one took effect.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// let review = client
    ///     .review_workflow_version("project-id", "workspace-id", "version-id")
    ///     .approve("Checked the notification node")
    ///     .send()
    ///     .await?;
    /// println!("{:?}", review.result);
    /// # Ok(())
    /// # }
    /// ```
    pub fn review_workflow_version(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        version_id: impl Into<String>,
    ) -> ReviewWorkflowVersion {
        ReviewWorkflowVersion {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), version_id.into()],
            verdict: None,
            options: CallOptions::default(),
        }
    }

    /// Prepares a check of a topology (basic, loop or parameter check); it changes nothing.
    /// `.send().await` returns the service's result as JSON (no page documents its members).
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// use secmaster::ValidateMode;
    ///
    /// let result = client
    ///     .validate_workflow_version("project-id", "workspace-id")
    ///     .mode(ValidateMode::Basic)
    ///     .taskflow(r#"{"nodes":[],"edges":[]}"#)
    ///     .taskconfig("{}")
    ///     .workflow_id("workflow-id")
    ///     .send()
    ///     .await?;
    /// println!("{}", result.value);
    /// # Ok(())
    /// # }
    /// ```
    pub fn validate_workflow_version(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> ValidateWorkflowVersion {
        ValidateWorkflowVersion {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into()],
            mode: None,
            topology: None,
            taskconfig: None,
            workflow_id: None,
            options: CallOptions::default(),
        }
    }
}

/// A prepared change to a version; set edits or one action, then [`send`](Self::send) it.
///
/// Made by [`Client::update_workflow_version`]. Fields left unset are not sent. An action
/// (`submit`, `activate`, `deactivate`) is sent alone, as its `status`: edit and act in two
/// calls. The service allows edits only to a draft (`pending_submit`) or a rejected version,
/// and activation only of an approved (`not_activated`) one.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct UpdateWorkflowVersion {
    client: Client,
    path: [String; 3],
    body: ModifyAopWorkflowVersionInfo,
    /// Why the topology given is unusable (it is not JSON).
    invalid_topology: Option<String>,
    options: CallOptions,
}

impl UpdateWorkflowVersion {
    /// Renames the version.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }

    /// Changes the version's description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// Replaces the topology (JSON text or bytes; sent Base64-encoded, with `taskflow_type`
    /// `JSON`).
    pub fn taskflow(mut self, topology: impl AsRef<[u8]>) -> Self {
        match encode_topology("taskflow", topology.as_ref()) {
            Ok(encoded) => {
                self.body.taskflow = Some(encoded);
                self.body.taskflow_type = Some(TaskflowType::Json);
                self.invalid_topology = None;
            }
            Err(e) => {
                let reason = match e {
                    Error::InvalidInput { reason, .. } => reason,
                    other => other.to_string(),
                };
                self.invalid_topology = Some(reason);
            }
        }
        self
    }

    /// Replaces the parameter configuration of the topology.
    pub fn taskconfig(mut self, taskconfig: impl Into<String>) -> Self {
        self.body.taskconfig = Some(taskconfig.into());
        self
    }

    /// Changes the workflow type.
    pub fn aop_type(mut self, aop_type: AopType) -> Self {
        self.body.aop_type = Some(aop_type);
        self
    }

    /// Changes the workflow's input.
    pub fn input(mut self, input: impl Into<String>) -> Self {
        self.body.input = Some(input.into());
        self
    }

    /// Changes the workflow's output.
    pub fn output(mut self, output: impl Into<String>) -> Self {
        self.body.output = Some(output.into());
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
        self.body.status = Some(action);
        self
    }

    call_options!();

    /// The request body as it will be sent (unset fields are left out), when
    /// [`validate`](Self::validate) passes (a topology that is not JSON is not in it).
    pub fn body(&self) -> &ModifyAopWorkflowVersionInfo {
        &self.body
    }

    /// Checks that the change sets something, that an action goes alone, and that text
    /// fields set are not blank.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(reason) = &self.invalid_topology {
            return Err(Error::invalid("taskflow", reason.clone()));
        }
        let b = &self.body;
        if *b == ModifyAopWorkflowVersionInfo::default() {
            return Err(Error::invalid(
                "body",
                "the update sets nothing; edit a field or call submit, activate or deactivate",
            ));
        }
        let edits = ModifyAopWorkflowVersionInfo {
            status: None,
            ..b.clone()
        };
        if b.status.is_some() && edits != ModifyAopWorkflowVersionInfo::default() {
            return Err(Error::invalid(
                "status",
                "an action (submit, activate, deactivate) is sent alone; edit the version and act on it in two calls",
            ));
        }
        not_blank("name", b.name.as_ref())?;
        not_blank("taskconfig", b.taskconfig.as_ref())
    }

    /// Validates, then sends the change (an edit or a status change: repeating it cannot act
    /// twice, so it is retried like a read).
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(
        self,
    ) -> impl Future<Output = Result<Output<WorkflowVersion>, Error>> + Send + 'static {
        let checked = self.validate();
        self.client
            .call::<UpdateAopWorkflowVersion>(self.path.into())
            .check(checked)
            .body(&self.body)
            .options(self.options)
            .enveloped(Output::new)
    }
}

/// A prepared review of a version; approve or reject, then [`send`](Self::send) it.
///
/// Made by [`Client::review_workflow_version`].
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ReviewWorkflowVersion {
    client: Client,
    path: [String; 3],
    verdict: Option<(ApprovalResult, String)>,
    options: CallOptions,
}

impl ReviewWorkflowVersion {
    /// Approves the version (`result: PASS`) with a comment.
    pub fn approve(mut self, comment: impl Into<String>) -> Self {
        self.verdict = Some((ApprovalResult::Pass, comment.into()));
        self
    }

    /// Rejects the version (`result: UN_PASS`) with a comment.
    pub fn reject(mut self, comment: impl Into<String>) -> Self {
        self.verdict = Some((ApprovalResult::UnPass, comment.into()));
        self
    }

    call_options!();

    /// Sends the review (never twice) and returns it as the service recorded it.
    ///
    /// # Errors
    /// See [`Error`]: no verdict or an empty comment (nothing sent, `result` or `content`
    /// named), the service's refusals, [`Error::OutcomeUnknown`].
    pub fn send(self) -> impl Future<Output = Result<Output<Review>, Error>> + Send + 'static {
        let body = required("result", self.verdict).and_then(|(result, content)| {
            Ok(CreateAopWorkflowVersionApprovelInfo {
                content: required_text("content", Some(content))?,
                result,
            })
        });
        self.client
            .call::<CreateAopWorkflowVersionApprovel>(self.path.into())
            .try_body(body)
            .how_to_check(
                "show the version: a review that took effect moved it out of pending_approval",
            )
            .options(self.options)
            .enveloped(Output::new)
    }
}

/// A prepared check of a topology; set all four fields, then [`send`](Self::send) it.
///
/// Made by [`Client::validate_workflow_version`]. All four are mandatory (checked before
/// anything is sent).
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ValidateWorkflowVersion {
    client: Client,
    path: [String; 2],
    mode: Option<ValidateMode>,
    topology: Option<Vec<u8>>,
    taskconfig: Option<String>,
    workflow_id: Option<String>,
    options: CallOptions,
}

impl ValidateWorkflowVersion {
    /// What to check: basic, loops, or parameters (mandatory).
    pub fn mode(mut self, mode: ValidateMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The topology to check, as JSON text or bytes (mandatory; sent Base64-encoded).
    pub fn taskflow(mut self, topology: impl AsRef<[u8]>) -> Self {
        self.topology = Some(topology.as_ref().to_vec());
        self
    }

    /// The parameter configuration of the topology (mandatory).
    pub fn taskconfig(mut self, taskconfig: impl Into<String>) -> Self {
        self.taskconfig = Some(taskconfig.into());
        self
    }

    /// The workflow the topology belongs to (mandatory; `aopworkflow_id` on the wire).
    pub fn workflow_id(mut self, workflow_id: impl Into<String>) -> Self {
        self.workflow_id = Some(workflow_id.into());
        self
    }

    call_options!();

    fn body(self) -> Result<AopworkflowVersionValidateRes, Error> {
        let mode = required("mode", self.mode)?;
        let topology = required("taskflow", self.topology)?;
        Ok(AopworkflowVersionValidateRes {
            mode,
            taskflow: encode_topology("taskflow", &topology)?,
            taskconfig: required_text("taskconfig", self.taskconfig)?,
            aopworkflow_id: required_text("workflow_id", self.workflow_id)?,
        })
    }

    /// Sends the check (read-only: retried like a read) and returns the service's result.
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(
        self,
    ) -> impl Future<Output = Result<Output<serde_json::Value>, Error>> + Send + 'static {
        let call = self
            .client
            .call::<ValidateAopWorkflowVersion>(self.path.clone().into())
            .options(self.options.clone());
        call.try_body(self.body()).enveloped(Output::new)
    }
}
