//! What the workspace's tests and benchmarks share, so that none of them keeps a server or a
//! copy of the page examples of its own:
//! - [`TestServer`]: a scriptable HTTP/1.1 server on loopback that records every request byte
//!   for byte and answers each with the next scripted [`Reply`], misbehaviour included (delays,
//!   bodies cut short, oversized, chunked or malformed answers) that a well-behaved server
//!   library would not produce; and [`KeepAliveServer`], which answers one reply forever on
//!   kept-alive connections, for benchmarks.
//! - [`examples`]: the API pages' examples (and the constructed ones) from `spec/examples/`.
//! - [`ids`]: the IDs of the page's example workflow.

mod server;

pub use server::{Captured, KeepAliveServer, Reply, TestServer};

/// The examples of `spec/examples/`, as the spec embeds them.
pub mod examples {
    /// Update a Workflow's request body, from its API page.
    pub const UPDATE_REQUEST: &str =
        include_str!("../../../spec/examples/update-workflow-request.json");
    /// Update a Workflow's 200 answer, from its API page.
    pub const UPDATE_200: &str = include_str!("../../../spec/examples/update-workflow-200.json");
    /// A ListWorkflows 200 answer (constructed from the page's workflow).
    pub const LIST_WORKFLOWS_200: &str =
        include_str!("../../../spec/examples/list-workflows-200.json");
    /// ExportAopworkflow's request body, from its API page.
    pub const EXPORT_REQUEST: &str =
        include_str!("../../../spec/examples/export-workflows-request.json");
    /// A ShowAopWorkflowInstance 200 answer (constructed).
    pub const SHOW_INSTANCE_200: &str =
        include_str!("../../../spec/examples/show-workflow-instance-200.json");
    /// CreateAopWorkflow's request body (constructed from the SDK's wire example).
    pub const CREATE_WORKFLOW_REQUEST: &str =
        include_str!("../../../spec/examples/create-workflow-request.json");
    /// A 200 answer carrying one version (the create, show, update and delete of a version).
    pub const VERSION_200: &str = include_str!("../../../spec/examples/workflow-version-200.json");
    /// A ListAopWorkflowVersions 200 answer: `ver-0001` activated, `ver-0002` approved.
    pub const LIST_VERSIONS_200: &str =
        include_str!("../../../spec/examples/list-workflow-versions-200.json");
    /// CreateAopWorkflowVersion's request body (constructed).
    pub const CREATE_VERSION_REQUEST: &str =
        include_str!("../../../spec/examples/create-workflow-version-request.json");
    /// UpdateAopWorkflowVersion's request body: a submission (constructed).
    pub const UPDATE_VERSION_REQUEST: &str =
        include_str!("../../../spec/examples/update-workflow-version-request.json");
    /// CreateAopWorkflowVersionApprovel's request body (constructed).
    pub const REVIEW_REQUEST: &str =
        include_str!("../../../spec/examples/review-workflow-version-request.json");
    /// CreateAopWorkflowVersionApprovel's 200 answer: `{code, message, data}` (constructed).
    pub const REVIEW_200: &str =
        include_str!("../../../spec/examples/review-workflow-version-200.json");
    /// ValidateAopWorkflowVersion's request body (constructed).
    pub const VALIDATE_REQUEST: &str =
        include_str!("../../../spec/examples/validate-workflow-version-request.json");
    /// CreateWorkflowInstance's request body (constructed from the SDK's wire example).
    pub const RUN_REQUEST: &str = include_str!("../../../spec/examples/run-workflow-request.json");
    /// CreateWorkflowInstance's 200 answer: bare, the request's fields and the new instance.
    pub const RUN_200: &str = include_str!("../../../spec/examples/run-workflow-200.json");
    /// A ListAopWorkflowInstance 200 answer: bare `{count, instances}` (constructed).
    pub const LIST_INSTANCES_200: &str =
        include_str!("../../../spec/examples/list-workflow-instances-200.json");
    /// UpdateWorkflowInstance's request body: a retry (the SDK's wire example).
    pub const UPDATE_INSTANCE_REQUEST: &str =
        include_str!("../../../spec/examples/update-instance-request.json");
    /// An envelope without `data` (UpdateWorkflowInstance's 200, constructed).
    pub const ACKNOWLEDGED_200: &str = include_str!("../../../spec/examples/acknowledged-200.json");
    /// ImportAopworkflow's 200 answer, from its API page: `{code, message}`.
    pub const IMPORT_200: &str = include_str!("../../../spec/examples/import-workflows-200.json");
    /// ValidateAopWorkflowVersion's 200 answer (constructed: no page documents its `data`).
    pub const VALIDATE_200: &str =
        include_str!("../../../spec/examples/validate-workflow-version-200.json");
}

/// The IDs of the API page's example workflow.
pub mod ids {
    /// Its project.
    pub const PROJECT: &str = "f69081793d9e4ea8a2f479dcef961989";
    /// Its workspace.
    pub const WORKSPACE: &str = "f44065f5-557b-4376-ae02-8c65ef1960f4";
    /// The workflow.
    pub const WORKFLOW: &str = "c19470f3-5eaf-4572-82e8-2ff094495919";
    /// The version of the constructed version examples (approved, not activated).
    pub const VERSION: &str = "ver-0002";
    /// The instance of the constructed ShowAopWorkflowInstance example.
    pub const INSTANCE: &str = "8d8b6f0c-0b5e-4f36-9a3b-2a1c3e5d7f90";
}
