//! Update a Workflow: `PUT /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}`.

use secmaster_bindings::operations::UpdateAopWorkflow;
use secmaster_bindings::types::{AopWorkflowInfo, ModifyAopWorkflowInfo};

use crate::runtime::{CallOptions, Meta, call_options};
use crate::{Client, Error, Label, Workflow};

impl Client {
    /// Prepares an update of one workflow; set fields on the result, then `.send().await`.
    ///
    /// IDs are checked when the call is sent (non-empty, no control characters, not `.`, `..`
    /// or a literal segment of another operation's path) and percent-encoded, so no ID can
    /// change the request path.
    ///
    /// ```
    /// # use secmaster::{Client, Credentials, Error};
    /// # use secmaster_fake::{FAKE_TOKEN, FakeSecMaster};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = FakeSecMaster::start().await?;
    /// # let client = Client::builder().endpoint(fake.endpoint()).credentials(Credentials::token(FAKE_TOKEN)).build()?;
    /// let (project, workspace, workflow) = ("f69081793d9e4ea8a2f479dcef961989", "f44065f5-557b-4376-ae02-8c65ef1960f4", "c19470f3-5eaf-4572-82e8-2ff094495919");
    /// let updated = client
    ///     .update_workflow(project, workspace, workflow)
    ///     .description("Aop workflow description Test")
    ///     .disable()
    ///     .send()
    ///     .await?;
    /// assert_eq!(updated.workflow.enabled, Some(false));
    ///
    /// // Rejected before anything is sent, naming the field:
    /// let err = client.update_workflow(project, workspace, "..").disable().send().await.unwrap_err();
    /// assert_eq!(err.field(), Some("workflow_id"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_workflow(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        workflow_id: impl Into<String>,
    ) -> UpdateWorkflow {
        UpdateWorkflow {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), workflow_id.into()],
            body: ModifyAopWorkflowInfo::default(),
            options: CallOptions::default(),
        }
    }
}

/// A prepared Update a Workflow call; set the fields to change, then [`send`](Self::send) it.
///
/// Made by [`Client::update_workflow`]. Fields left unset are not sent, so the service leaves
/// them as they are. `version_id` is mandatory when enabling (the API page's rule, enforced from
/// the spec), so the way to enable is [`enable(version_id)`](Self::enable), which sets both.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct UpdateWorkflow {
    client: Client,
    path: [String; 3],
    body: ModifyAopWorkflowInfo,
    options: CallOptions,
}

/// The result of a successful update.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UpdatedWorkflow {
    /// The workflow as it is after the update (all 25 fields of `AopWorkflowInfo`).
    pub workflow: Workflow,
    /// The request id: the body's `request_id` when non-empty, else the `X-Request-Id` header.
    pub request_id: Option<String>,
}

impl UpdateWorkflow {
    /// Renames the workflow.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }

    /// Changes the workflow description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// Enables the workflow with `version_id` as its activated version (`enabled = true` and
    /// `version_id`, which the API requires together).
    pub fn enable(mut self, version_id: impl Into<String>) -> Self {
        self.body.enabled = Some(true);
        self.body.version_id = Some(version_id.into());
        self
    }

    /// Disables the workflow (`enabled = false`).
    pub fn disable(mut self) -> Self {
        self.body.enabled = Some(false);
        self
    }

    /// Sets the activated version without changing whether the workflow is enabled.
    pub fn version_id(mut self, version_id: impl Into<String>) -> Self {
        self.body.version_id = Some(version_id.into());
        self
    }

    /// Sets the workflow entity type (IP, ACCOUNT or DOMAIN).
    pub fn labels(mut self, labels: Label) -> Self {
        self.body.labels = Some(labels);
        self
    }

    call_options!();

    /// The request body as it will be sent (unset fields are left out).
    pub fn body(&self) -> &ModifyAopWorkflowInfo {
        &self.body
    }

    /// Checks what the spec cannot say: that the update changes something, that `version_id`
    /// is usable text, and that a label is one the API lists. The runtime checks the IDs and the
    /// spec's rules (enabling needs `version_id`) when the call is sent.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        let b = &self.body;
        if b == &ModifyAopWorkflowInfo::default() {
            return Err(Error::invalid(
                "body",
                "the update sets no field; set at least one of name, description, enable/disable, version_id, labels",
            ));
        }
        if let Some(version_id) = &b.version_id {
            if version_id.trim().is_empty() {
                return Err(Error::invalid("version_id", "is empty"));
            }
            if version_id.chars().any(char::is_control) {
                return Err(Error::invalid("version_id", "contains control characters"));
            }
        }
        if let Some(label) = b.labels.as_ref().filter(|l| !l.is_known()) {
            let known: Vec<&str> = Label::KNOWN.iter().map(Label::as_str).collect();
            return Err(Error::invalid(
                "labels",
                format!("`{label}` is not one of {}", known.join(", ")),
            ));
        }
        Ok(())
    }

    /// Validates, then sends the update, retrying what is safe to retry.
    ///
    /// Validation and the request's preparation (path, body) happen when `send` is called;
    /// nothing goes on the wire until the returned future is awaited.
    ///
    /// # Errors
    /// See [`Error`]: invalid input (nothing sent), the service's error answers (including HTTP
    /// 200 with `success: false`), undecodable or oversized bodies, timeouts, connection failures.
    pub fn send(self) -> impl Future<Output = Result<UpdatedWorkflow, Error>> + Send + 'static {
        let checked = self.validate();
        self.client
            .call::<UpdateAopWorkflow>(self.path.into())
            .check(checked)
            .body(&self.body)
            .options(self.options)
            .enveloped(UpdatedWorkflow::new)
    }
}

impl UpdatedWorkflow {
    fn new(data: AopWorkflowInfo, meta: Meta) -> Self {
        Self {
            workflow: data.into(),
            request_id: meta.request_id,
        }
    }

    /// A 200 answer read exactly as [`UpdateWorkflow::send`] reads it (for the benchmarks).
    pub(crate) fn read(body: bytes::Bytes) -> Result<Self, Error> {
        let (data, meta) = crate::runtime::read_enveloped::<UpdateAopWorkflow>(body)?;
        Ok(Self::new(data, meta))
    }
}
