//! Querying Workflow Instance Details:
//! `GET /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/instances/{instance_id}`.

use secmaster_bindings::operations::ShowAopWorkflowInstance;

use std::time::Duration;

use crate::operations::waiter::wait;
use crate::runtime::{CallOptions, Query, call_options};
use crate::{Client, Error, InstanceStatus, WorkflowInstance};

/// The statuses a run ends in.
pub(crate) fn is_terminal(status: &str) -> bool {
    [
        InstanceStatus::Finished,
        InstanceStatus::Failed,
        InstanceStatus::Terminated,
    ]
    .iter()
    .any(|s| s.as_str() == status)
}

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

    /// Polls the instance, with backoff (250 ms, doubling up to 5 s, a little jitter), until its
    /// run has ended (`FINISHED`, `FAILED` or `TERMINATED`) and returns it as last shown; a
    /// failed or terminated run is a result to look at, not an error.
    ///
    /// # Errors
    /// [`Error::WaitTimedOut`] with the last status seen when `timeout` passes first; the error
    /// of a poll that fails (after the client's retries).
    pub async fn wait_until_done(self, timeout: Duration) -> Result<ShownInstance, Error> {
        let status = |shown: &ShownInstance| {
            shown
                .instance
                .status
                .as_ref()
                .map(|s| s.as_str().to_owned())
        };
        wait(
            "the instance to finish",
            timeout,
            || self.clone().send(),
            status,
            is_terminal,
        )
        .await
    }
}
