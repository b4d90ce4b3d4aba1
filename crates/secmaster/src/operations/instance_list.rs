//! Querying the workflow instance list: `GET …/soc/workflows/instances`, bare `{count,
//! instances}`.

use secmaster_bindings::Op;
use secmaster_bindings::operations::ListAopWorkflowInstance;
use secmaster_bindings::types::ListAopWorkflowInstanceResponse;

use crate::operations::Page;
use crate::operations::paging::{Items, walk};
use crate::runtime::{CallOptions, Meta, Query, call_options};
use crate::{
    Client, Error, InstanceStatus, SortOrder, TriggerType, WorkflowInstance, WorkflowSortKey,
};

impl Client {
    /// Prepares a query of workflow instances: filters, sort and paging, then `.send().await`
    /// for one page, or [`items`](ListWorkflowInstances::items) for all of them.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// use secmaster::InstanceStatus;
    ///
    /// let failed = client
    ///     .list_workflow_instances("project-id", "workspace-id")
    ///     .workflow_id("workflow-id")
    ///     .status(InstanceStatus::Failed)
    ///     .send()
    ///     .await?;
    /// println!("{} of {:?}", failed.items.len(), failed.total);
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_workflow_instances(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> ListWorkflowInstances {
        ListWorkflowInstances {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into()],
            query: Query::default(),
            options: CallOptions::default(),
        }
    }
}

/// A prepared query of workflow instances; set filters and paging, then [`send`](Self::send).
///
/// Made by [`Client::list_workflow_instances`]. Bounds come from the spec and are checked
/// before anything is sent: `offset` 0..=10000, `limit` 1..=100.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ListWorkflowInstances {
    client: Client,
    path: [String; 2],
    query: Query,
    options: CallOptions,
}

/// Text filters of the instance list: `fn name(value)` sets query parameter `name`.
macro_rules! text_filters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.query.set(stringify!($name), value.into());
                self
            }
        )*
    };
}

impl ListWorkflowInstances {
    /// Skips this many instances (0..=10000).
    pub fn offset(mut self, offset: u32) -> Self {
        self.query.set("offset", offset);
        self
    }

    /// Returns at most this many instances (1..=100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.query.set("limit", limit);
        self
    }

    /// The sort key (`sort_key`; the service's default: `create_time`).
    pub fn sort_key(mut self, key: WorkflowSortKey) -> Self {
        self.query.set("sort_key", key.as_str().to_owned());
        self
    }

    /// The sort direction (`sort_dir`; the service's default: `DESC`).
    pub fn sort_dir(mut self, dir: SortOrder) -> Self {
        self.query.set("sort_dir", dir.as_str().to_owned());
        self
    }

    /// Only instances in this status.
    pub fn status(mut self, status: InstanceStatus) -> Self {
        self.query.set("status", status.as_str().to_owned());
        self
    }

    /// Only instances started this way.
    pub fn trigger_type(mut self, trigger: TriggerType) -> Self {
        self.query.set("trigger_type", trigger.as_str().to_owned());
        self
    }

    text_filters! {
        /// Only instances of this workflow.
        workflow_id,
        /// Only the instance with this ID.
        id,
        /// Only instances of this name.
        name,
        /// Only instances started from this data object.
        dataobject_id,
        /// Only instances of this data class.
        dataclass_id,
        /// Only instances started by this playbook.
        playbook_id,
        /// Only instances of this defense layer (the page spells the parameter `defence_id`).
        defence_id,
        /// Only instances started at or after this time (`from_date`; no format documented:
        /// sent as given).
        from_date,
        /// Only instances started at or before this time (`to_date`; sent as given).
        to_date,
    }

    call_options!();

    /// Sends the query and returns one page, with `total` from the answer's `count`.
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send(
        self,
    ) -> impl Future<Output = Result<Page<WorkflowInstance>, Error>> + Send + 'static {
        self.client
            .call::<ListAopWorkflowInstance>(self.path.into())
            .query(self.query)
            .options(self.options)
            .bare(page)
    }

    /// Every matching instance, page after page, as a stream (see [`Items`]), exactly as
    /// [`ListWorkflows::items`](crate::ListWorkflows::items) pages.
    pub fn items(self) -> Items<WorkflowInstance> {
        let query = self.query.clone();
        walk(ListAopWorkflowInstance::OPERATION, query, move |query| {
            Box::pin(
                Self {
                    query,
                    ..self.clone()
                }
                .send(),
            )
        })
    }
}

fn page(answer: ListAopWorkflowInstanceResponse, meta: Meta) -> Page<WorkflowInstance> {
    Page {
        items: answer.instances,
        total: answer.count.and_then(|n| u64::try_from(n).ok()),
        request_id: meta.request_id,
    }
}
