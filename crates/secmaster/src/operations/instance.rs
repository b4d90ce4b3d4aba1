//! Querying Workflow Instance Details:
//! `GET /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/instances/{instance_id}`.

use secmaster_bindings::operations::ShowAopWorkflowInstance;

use crate::runtime::{CallOptions, Query, call_options};
use crate::{Client, Error, WorkflowInstance};

impl Client {
    /// Prepares a look at one run of a workflow (an instance), then `.send().await`.
    ///
    /// The service answers the instance itself, with no envelope; its `status` is an open enum
    /// ([`InstanceStatus`](crate::InstanceStatus)).
    pub fn show_workflow_instance(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        instance_id: impl Into<String>,
    ) -> ShowWorkflowInstance {
        ShowWorkflowInstance {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into(), instance_id.into()],
            query: Query::default(),
            options: CallOptions::default(),
        }
    }
}

/// A prepared query of one workflow instance; [`send`](Self::send) it.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ShowWorkflowInstance {
    client: Client,
    path: [String; 3],
    query: Query,
    options: CallOptions,
}

/// A workflow instance as the service answered it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ShownInstance {
    /// The instance (its `topology` only when asked for with
    /// [`with_topology`](ShowWorkflowInstance::with_topology)).
    pub instance: WorkflowInstance,
    /// The `X-Request-Id` header, when the gateway sent one.
    pub request_id: Option<String>,
}

impl ShowWorkflowInstance {
    /// Whether to include the topology: a record per node the run went through
    /// (`show_topology`; the service's default is not to).
    pub fn with_topology(mut self, with: bool) -> Self {
        self.query.set("show_topology", with);
        self
    }

    call_options!();

    /// Sends the query.
    ///
    /// # Errors
    /// See [`Error`]: a bad ID (nothing sent), the service's error answers (including a body
    /// that says `success: false`), undecodable bodies, timeouts, connection failures.
    pub fn send(self) -> impl Future<Output = Result<ShownInstance, Error>> + Send + 'static {
        self.client
            .call::<ShowAopWorkflowInstance>(self.path.into())
            .query(self.query)
            .options(self.options)
            .bare(|instance, meta| ShownInstance {
                instance,
                request_id: meta.request_id,
            })
    }
}
