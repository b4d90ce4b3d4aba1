//! Querying the Workflow List: `GET /v1/{project_id}/workspaces/{workspace_id}/soc/workflows`.

use secmaster_bindings::Op;
use secmaster_bindings::operations::ListWorkflows as ListWorkflowsOp;

use crate::operations::Page;
use crate::operations::paging::{Items, walk};
use crate::runtime::{CallOptions, Query, call_options};
use crate::{AopType, Client, Error, SortOrder, Workflow, WorkflowSortKey};

impl Client {
    /// Prepares a query of the workflows of a workspace: filters, sort order and paging, then
    /// `.send().await` for one page.
    ///
    /// Only the parameters set are sent (the service's defaults apply to the rest: offset 0,
    /// limit 10, newest first).
    ///
    /// ```no_run
    /// # use secmaster::{Client, Credentials, SortOrder};
    /// # async fn demo(client: Client) -> Result<(), secmaster::Error> {
    /// let page = client
    ///     .list_workflows("project-id", "workspace-id")
    ///     .enabled(true)
    ///     .order(SortOrder::Asc)
    ///     .limit(50)
    ///     .send()
    ///     .await?;
    /// println!("{} of {:?}", page.items.len(), page.total);
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_workflows(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> ListWorkflows {
        ListWorkflows {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into()],
            query: Query::default(),
            options: CallOptions::default(),
        }
    }
}

/// A prepared query of the workflow list; set filters and paging, then [`send`](Self::send).
///
/// Made by [`Client::list_workflows`]. Bounds come from the spec and are checked before
/// anything is sent: `offset` 0..=10000, `limit` 1..=100.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ListWorkflows {
    client: Client,
    path: [String; 2],
    query: Query,
    options: CallOptions,
}

impl ListWorkflows {
    /// Skips this many workflows (0..=10000).
    pub fn offset(mut self, offset: u32) -> Self {
        self.query.set("offset", offset);
        self
    }

    /// Returns at most this many workflows (1..=100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.query.set("limit", limit);
        self
    }

    /// Only enabled (`true`) or only disabled (`false`) workflows.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.query.set("enabled", enabled);
        self
    }

    /// Only workflows of this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.query.set("name", name.into());
        self
    }

    /// Only workflows with this description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.query.set("description", description.into());
        self
    }

    /// Only workflows of this data class (by ID).
    pub fn dataclass_id(mut self, dataclass_id: impl Into<String>) -> Self {
        self.query.set("dataclass_id", dataclass_id.into());
        self
    }

    /// Only workflows of this data class (by name).
    pub fn dataclass_name(mut self, dataclass_name: impl Into<String>) -> Self {
        self.query.set("dataclass_name", dataclass_name.into());
        self
    }

    /// Only workflows of this type.
    pub fn aop_type(mut self, aop_type: AopType) -> Self {
        self.query.set("aop_type", aop_type.as_str().to_owned());
        self
    }

    /// The sort direction (the service's default: `DESC`).
    pub fn order(mut self, order: SortOrder) -> Self {
        self.query.set("order", order.as_str().to_owned());
        self
    }

    /// The sort key (the service's default: `create_time`).
    pub fn sortby(mut self, sortby: WorkflowSortKey) -> Self {
        self.query.set("sortby", sortby.as_str().to_owned());
        self
    }

    call_options!();

    /// Sends the query and returns one page, with `total` counting every match.
    ///
    /// # Errors
    /// See [`Error`]: a bound crossed or a bad ID (nothing sent, the field named), the
    /// service's error answers, a success without its `data`, timeouts, connection failures.
    pub fn send(self) -> impl Future<Output = Result<Page<Workflow>, Error>> + Send + 'static {
        self.client
            .call::<ListWorkflowsOp>(self.path.into())
            .query(self.query)
            .options(self.options)
            .enveloped(Page::new)
    }

    /// Every matching workflow, page after page, as a stream (see [`Items`]): from the
    /// builder's offset (0 when unset), in pages of its limit (100 when unset), one page in
    /// memory at a time. The filters and sort order set apply to every page.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// use futures_util::TryStreamExt;
    ///
    /// let names: Vec<String> = client
    ///     .list_workflows("project-id", "workspace-id")
    ///     .items()
    ///     .map_ok(|w| w.name.unwrap_or_default())
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn items(self) -> Items<Workflow> {
        let query = self.query.clone();
        walk(ListWorkflowsOp::OPERATION, query, move |query| {
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
