//! Creating, showing and deleting a workflow: `POST …/soc/workflows`, `GET` and `DELETE
//! …/soc/workflows/{workflow_id}`.

use secmaster_bindings::operations::{CreateAopWorkflow, DeleteAopWorkflow, ShowAopWorkflow};
use secmaster_bindings::types::CreateAopWorkflowInfo;

use crate::operations::{Output, not_blank, required, required_text};
use crate::runtime::{CallOptions, call_options};
use crate::{AopType, Client, EngineType, Error, Label, Workflow};

impl Client {
    /// Prepares the creation of a workflow; set its name, type and data class, then
    /// `.send().await`. The workflow has no version yet: add one with
    /// [`create_workflow_version`](Client::create_workflow_version).
    ///
    /// A create is never sent twice: if it fails in a way that leaves its outcome unknown (a
    /// 5xx, a timeout, a connection lost after sending), the error says so
    /// ([`Error::is_outcome_unknown`]); list the workflows by name to find out.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// use secmaster::AopType;
    ///
    /// let created = client
    ///     .create_workflow("project-id", "workspace-id")
    ///     .name("Block attacker IPs")
    ///     .aop_type(AopType::Hemostasis)
    ///     .dataclass_id("e410ae50-43fa-343e-807a-a2a9edb8018e")
    ///     .send()
    ///     .await;
    /// match created {
    ///     Ok(workflow) => println!("created {:?}", workflow.id),
    ///     Err(e) if e.is_outcome_unknown() => {
    ///         // Not sent again: look for it before trying once more.
    ///         let page = client
    ///             .list_workflows("project-id", "workspace-id")
    ///             .name("Block attacker IPs")
    ///             .send()
    ///             .await?;
    ///         println!("created after all: {}", !page.items.is_empty());
    ///     }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_workflow(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> CreateWorkflow {
        CreateWorkflow {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into()],
            draft: Draft::default(),
            options: CallOptions::default(),
        }
    }

    /// Prepares a query of one workflow; `.send().await` returns it.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// let workflow = client.show_workflow("project-id", "workspace-id", "workflow-id").send().await?;
    /// println!("{:?} enabled: {:?}, version {:?}", workflow.name, workflow.enabled, workflow.version_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn show_workflow(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        workflow_id: impl Into<String>,
    ) -> ShowWorkflow {
        ShowWorkflow {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), workflow_id.into()],
            options: CallOptions::default(),
        }
    }

    /// Prepares the deletion of a workflow; `.send().await` returns the workflow deleted.
    ///
    /// A delete is idempotent and retried like a read: when a retry is refused because an
    /// earlier attempt (whose answer was lost) already deleted it, the error says so
    /// ([`ServiceError::earlier_attempt_may_have_succeeded`](crate::ServiceError)).
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// let deleted = client.delete_workflow("project-id", "workspace-id", "workflow-id").send().await?;
    /// println!("deleted {:?} (request {:?})", deleted.name, deleted.request_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete_workflow(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        workflow_id: impl Into<String>,
    ) -> DeleteWorkflow {
        DeleteWorkflow {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), workflow_id.into()],
            options: CallOptions::default(),
        }
    }
}

/// The fields of a workflow to create, as set so far.
#[derive(Debug, Clone, Default)]
struct Draft {
    name: Option<String>,
    description: Option<String>,
    aop_type: Option<AopType>,
    dataclass_id: Option<String>,
    labels: Option<Label>,
}

impl Draft {
    /// The request body, or the first mandatory field missing.
    fn body(self) -> Result<CreateAopWorkflowInfo, Error> {
        not_blank("description", self.description.as_ref())?;
        Ok(CreateAopWorkflowInfo {
            name: required_text("name", self.name)?,
            description: self.description,
            engine_type: EngineType::PublicEngine,
            aop_type: required("aop_type", self.aop_type)?,
            dataclass_id: required_text("dataclass_id", self.dataclass_id)?,
            labels: self.labels,
        })
    }
}

/// A prepared creation of a workflow; set its fields, then [`send`](Self::send) it.
///
/// Made by [`Client::create_workflow`]. `name`, `aop_type` and `dataclass_id` are mandatory
/// (checked before anything is sent); `engine_type` is sent as `public_engine`, its only value.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct CreateWorkflow {
    client: Client,
    path: [String; 2],
    draft: Draft,
    options: CallOptions,
}

impl CreateWorkflow {
    /// The workflow's name (mandatory).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.draft.name = Some(name.into());
        self
    }

    /// The workflow's description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.draft.description = Some(description.into());
        self
    }

    /// The workflow's type (mandatory).
    pub fn aop_type(mut self, aop_type: AopType) -> Self {
        self.draft.aop_type = Some(aop_type);
        self
    }

    /// The ID of the data class the workflow handles (mandatory).
    pub fn dataclass_id(mut self, dataclass_id: impl Into<String>) -> Self {
        self.draft.dataclass_id = Some(dataclass_id.into());
        self
    }

    /// The workflow's entity type (IP, ACCOUNT or DOMAIN).
    pub fn labels(mut self, labels: Label) -> Self {
        self.draft.labels = Some(labels);
        self
    }

    call_options!();

    /// Checks the mandatory fields, then sends the creation. It is sent again only when the
    /// attempt surely never reached the service (a refused connection, a 429).
    ///
    /// # Errors
    /// See [`Error`]: a mandatory field missing (nothing sent, the field named), the service's
    /// refusals, [`Error::OutcomeUnknown`] when a failure leaves unknown whether the workflow
    /// was created.
    pub fn send(self) -> impl Future<Output = Result<Output<Workflow>, Error>> + Send + 'static {
        self.client
            .call::<CreateAopWorkflow>(self.path.into())
            .try_body(self.draft.body())
            .how_to_check("list the workflows with .name(..) to see whether it was created")
            .options(self.options)
            .enveloped(Output::new)
    }
}

/// A prepared query of one workflow; [`send`](Self::send) it.
///
/// Made by [`Client::show_workflow`].
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ShowWorkflow {
    client: Client,
    path: [String; 3],
    options: CallOptions,
}

impl ShowWorkflow {
    call_options!();

    /// Sends the query and returns the workflow.
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(self) -> impl Future<Output = Result<Output<Workflow>, Error>> + Send + 'static {
        self.client
            .call::<ShowAopWorkflow>(self.path.into())
            .options(self.options)
            .enveloped(Output::new)
    }
}

/// A prepared deletion of a workflow; [`send`](Self::send) it.
///
/// Made by [`Client::delete_workflow`].
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct DeleteWorkflow {
    client: Client,
    path: [String; 3],
    options: CallOptions,
}

impl DeleteWorkflow {
    call_options!();

    /// Sends the deletion and returns the workflow deleted.
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(self) -> impl Future<Output = Result<Output<Workflow>, Error>> + Send + 'static {
        self.client
            .call::<DeleteAopWorkflow>(self.path.into())
            .options(self.options)
            .enveloped(Output::new)
    }
}
