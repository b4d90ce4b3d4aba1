//! A workflow's versions: listing them (`GET …/{workflow_id}/versions`), creating one (`POST`
//! there), showing and deleting one (`GET`, `DELETE …/versions/{version_id}`). Editing, review
//! and validation are in [`super::version_edits`].

use secmaster_bindings::operations::{
    CreateAopWorkflowVersion, DeleteAopWorkflowVersion, ListAopWorkflowVersions,
    ShowAopWorkflowVersion,
};
use secmaster_bindings::types::CreateAopWorkflowVersionInfo;

use crate::operations::{Output, Page, not_blank, required, required_text};
use crate::runtime::{CallOptions, Query, call_options};
use crate::version::encode_topology;
use crate::{AopType, Client, Error, TaskflowType, VersionStatus, WorkflowVersion};

impl Client {
    /// Prepares a query of a workflow's versions, optionally of one status; `.send().await`
    /// returns them all (the operation does not page).
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// use secmaster::VersionStatus;
    ///
    /// let approved = client
    ///     .list_workflow_versions("project-id", "workspace-id", "workflow-id")
    ///     .status(VersionStatus::NotActivated)
    ///     .send()
    ///     .await?;
    /// for v in &approved.items {
    ///     println!("{:?} {:?} {:?}", v.id, v.version, v.status);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_workflow_versions(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        workflow_id: impl Into<String>,
    ) -> ListWorkflowVersions {
        ListWorkflowVersions {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), workflow_id.into()],
            query: Query::default(),
            options: CallOptions::default(),
        }
    }

    /// Prepares the creation of a version of a workflow: its topology, parameter configuration,
    /// type and description. It starts as a draft (`pending_submit`, as the user guide describes
    /// a new version; no page states it); submit it for review with
    /// [`update_workflow_version`](Client::update_workflow_version)`(..).submit()`.
    ///
    /// Like every create it is never sent twice ([`Error::is_outcome_unknown`]).
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// use secmaster::AopType;
    ///
    /// let topology = r#"{"nodes":[{"id":"start","type":"start"}],"edges":[]}"#;
    /// let version = client
    ///     .create_workflow_version("project-id", "workspace-id", "workflow-id")
    ///     .name("v2")
    ///     .description("Notify on new alerts")
    ///     .taskflow(topology) // the topology itself: the crate Base64-encodes it
    ///     .taskconfig("{}")
    ///     .aop_type(AopType::Normal)
    ///     .send()
    ///     .await?;
    /// println!("{:?} is {:?}", version.id, version.status);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_workflow_version(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        workflow_id: impl Into<String>,
    ) -> CreateWorkflowVersion {
        CreateWorkflowVersion {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), workflow_id.into()],
            draft: Draft::default(),
            options: CallOptions::default(),
        }
    }

    /// Prepares a query of one version (its path has no workflow ID); `.send().await` returns
    /// it, with its topology decoded.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// let v = client.show_workflow_version("project-id", "workspace-id", "version-id").send().await?;
    /// println!("{:?}: {}", v.status, v.topology.as_ref().map(|t| t.to_string()).unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    pub fn show_workflow_version(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        version_id: impl Into<String>,
    ) -> ShowWorkflowVersion {
        ShowWorkflowVersion {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), version_id.into()],
            options: CallOptions::default(),
        }
    }

    /// Prepares the deletion of a version; `.send().await` returns the version deleted. A
    /// deleted version cannot be restored.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// client.delete_workflow_version("project-id", "workspace-id", "version-id").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete_workflow_version(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        version_id: impl Into<String>,
    ) -> DeleteWorkflowVersion {
        DeleteWorkflowVersion {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), version_id.into()],
            options: CallOptions::default(),
        }
    }
}

/// A prepared query of a workflow's versions; [`send`](Self::send) it.
///
/// Made by [`Client::list_workflow_versions`].
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ListWorkflowVersions {
    client: Client,
    path: [String; 3],
    query: Query,
    options: CallOptions,
}

impl ListWorkflowVersions {
    /// Only versions in this status.
    pub fn status(mut self, status: VersionStatus) -> Self {
        self.query.set("status", status.as_str().to_owned());
        self
    }

    call_options!();

    /// Sends the query and returns the versions (`total` as the service counts them).
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(
        self,
    ) -> impl Future<Output = Result<Page<WorkflowVersion>, Error>> + Send + 'static {
        self.client
            .call::<ListAopWorkflowVersions>(self.path.into())
            .query(self.query)
            .options(self.options)
            .enveloped(Page::new)
    }
}

/// The fields of a version to create, as set so far.
#[derive(Debug, Clone, Default)]
struct Draft {
    name: Option<String>,
    description: Option<String>,
    topology: Option<Vec<u8>>,
    taskconfig: Option<String>,
    aop_type: Option<AopType>,
    input: Option<String>,
    output: Option<String>,
}

impl Draft {
    /// The request body, or the first mandatory field missing or invalid.
    fn body(self) -> Result<CreateAopWorkflowVersionInfo, Error> {
        let name = required_text("name", self.name)?;
        let description = required_text("description", self.description)?;
        let topology = required("taskflow", self.topology)?;
        not_blank("input", self.input.as_ref())?;
        not_blank("output", self.output.as_ref())?;
        Ok(CreateAopWorkflowVersionInfo {
            name,
            description,
            taskflow: encode_topology("taskflow", &topology)?,
            taskflow_type: TaskflowType::Json,
            taskconfig: required_text("taskconfig", self.taskconfig)?,
            aop_type: required("aop_type", self.aop_type)?,
            input: self.input,
            output: self.output,
        })
    }
}

/// A prepared creation of a workflow version; set its fields, then [`send`](Self::send) it.
///
/// Made by [`Client::create_workflow_version`]. Mandatory (checked before anything is sent):
/// `name`, `description`, `taskflow`, `taskconfig`, `aop_type`. `taskflow_type` is sent as
/// `JSON`, its only value.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct CreateWorkflowVersion {
    client: Client,
    path: [String; 3],
    draft: Draft,
    options: CallOptions,
}

impl CreateWorkflowVersion {
    /// The version's name (mandatory).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.draft.name = Some(name.into());
        self
    }

    /// The version's description (mandatory).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.draft.description = Some(description.into());
        self
    }

    /// The topology, as JSON text or bytes (mandatory). It is checked to be JSON and sent
    /// Base64-encoded, as the wire wants it.
    pub fn taskflow(mut self, topology: impl AsRef<[u8]>) -> Self {
        self.draft.topology = Some(topology.as_ref().to_vec());
        self
    }

    /// The parameter configuration of the topology (mandatory).
    pub fn taskconfig(mut self, taskconfig: impl Into<String>) -> Self {
        self.draft.taskconfig = Some(taskconfig.into());
        self
    }

    /// The workflow type (mandatory).
    pub fn aop_type(mut self, aop_type: AopType) -> Self {
        self.draft.aop_type = Some(aop_type);
        self
    }

    /// The workflow's input.
    pub fn input(mut self, input: impl Into<String>) -> Self {
        self.draft.input = Some(input.into());
        self
    }

    /// The workflow's output.
    pub fn output(mut self, output: impl Into<String>) -> Self {
        self.draft.output = Some(output.into());
        self
    }

    call_options!();

    /// Checks the mandatory fields and the topology, then sends the creation (never twice).
    ///
    /// # Errors
    /// See [`Error`]: a mandatory field missing or a topology that is not JSON (nothing sent,
    /// the field named), the service's refusals, [`Error::OutcomeUnknown`].
    pub fn send(
        self,
    ) -> impl Future<Output = Result<Output<WorkflowVersion>, Error>> + Send + 'static {
        self.client
            .call::<CreateAopWorkflowVersion>(self.path.into())
            .try_body(self.draft.body())
            .how_to_check("list the workflow's versions to see whether it was created")
            .options(self.options)
            .enveloped(Output::new)
    }
}

/// A prepared query of one version; [`send`](Self::send) it.
///
/// Made by [`Client::show_workflow_version`].
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ShowWorkflowVersion {
    client: Client,
    path: [String; 3],
    options: CallOptions,
}

impl ShowWorkflowVersion {
    call_options!();

    /// Polls the version, with backoff (as [`wait_until_done`](crate::ShowWorkflowInstance::wait_until_done)
    /// does), until it has left `publishing`, and returns it as last shown (`publish_failed` is
    /// a result to look at, not an error).
    ///
    /// # Errors
    /// [`Error::WaitTimedOut`] with the last status seen when `timeout` passes first; the error
    /// of a poll that fails.
    pub async fn wait_until_published(
        self,
        timeout: std::time::Duration,
    ) -> Result<Output<WorkflowVersion>, Error> {
        let status = |v: &Output<WorkflowVersion>| v.status.as_ref().map(|s| s.as_str().to_owned());
        crate::operations::waiter::wait(
            "the version to leave publishing",
            timeout,
            || self.clone().send(),
            status,
            |s| s != VersionStatus::Publishing.as_str(),
        )
        .await
    }

    /// Sends the query and returns the version.
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(
        self,
    ) -> impl Future<Output = Result<Output<WorkflowVersion>, Error>> + Send + 'static {
        self.client
            .call::<ShowAopWorkflowVersion>(self.path.into())
            .options(self.options)
            .enveloped(Output::new)
    }
}

/// A prepared deletion of a version; [`send`](Self::send) it.
///
/// Made by [`Client::delete_workflow_version`].
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct DeleteWorkflowVersion {
    client: Client,
    path: [String; 3],
    options: CallOptions,
}

impl DeleteWorkflowVersion {
    call_options!();

    /// Sends the deletion and returns the version deleted.
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(
        self,
    ) -> impl Future<Output = Result<Output<WorkflowVersion>, Error>> + Send + 'static {
        self.client
            .call::<DeleteAopWorkflowVersion>(self.path.into())
            .options(self.options)
            .enveloped(Output::new)
    }
}
