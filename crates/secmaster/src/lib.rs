//! A client for Huawei Cloud SecMaster: **Update a Workflow**
//! (`PUT /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}`), done properly,
//! and on the same call path the chapters a SOC automates first:
//!
//! - workflows: [`Client::list_workflows`] (one page, or [`items`](ListWorkflows::items) for
//!   all), [`Client::create_workflow`], [`Client::show_workflow`], [`Client::update_workflow`],
//!   [`Client::delete_workflow`];
//! - their versions: [`Client::list_workflow_versions`], [`Client::create_workflow_version`],
//!   [`Client::show_workflow_version`], [`Client::update_workflow_version`] (edits, submit,
//!   activate, deactivate), [`Client::review_workflow_version`],
//!   [`Client::delete_workflow_version`], [`Client::validate_workflow_version`];
//! - their runs: [`Client::run_workflow`], [`Client::list_workflow_instances`],
//!   [`Client::show_workflow_instance`] (and [`wait_until_done`](ShowWorkflowInstance::wait_until_done)),
//!   [`Client::update_workflow_instance`] (terminate, retry, debug);
//! - files: [`Client::export_workflows`], [`Client::import_workflows`];
//! - the SOC's objects: workspaces, data classes, alerts, incidents, indicators and their
//!   relations ([`Client::create_alert`], [`Client::list_alerts`] with a typed
//!   [`search`] condition, ...);
//! - playbooks, their versions, rules, actions, reviews and instances
//!   ([`Client::create_playbook`], [`Client::create_playbook_version`],
//!   [`Client::show_playbook_instance`], ...): see "A playbook" below.
//!
//! [`Client::workspace`] gives a [`WorkspaceClient`] that fills in the project and workspace of
//! every call.
//!
//! Built on the generated `secmaster-bindings` crate, it adds what the official SDKs lack:
//! validation before any byte is sent, the rule that enabling needs a version, token *and*
//! AK/SK authentication, retries of what is safe to retry, `success: false` treated as the error
//! it is, and errors that carry status, code, message and request id.
//!
//! ```no_run
//! use secmaster::{Client, Credentials, Label};
//!
//! # async fn demo() -> Result<(), secmaster::Error> {
//! let client = Client::builder()
//!     .region("cn-north-4")
//!     .credentials(Credentials::token(std::env::var("SECMASTER_AUTH_TOKEN").unwrap_or_default()))
//!     .build()?;
//!
//! let updated = client
//!     .update_workflow("project-id", "workspace-id", "workflow-id")
//!     .name("Test_aop")
//!     .description("Aop workflow description Test")
//!     .enable("version-id")
//!     .labels(Label::Ip)
//!     .send()
//!     .await?;
//!
//! println!("{} {:?}", updated.name.as_deref().unwrap_or(""), updated.request_id);
//! # Ok(())
//! # }
//! ```
//!
//! A version's life, from draft to enabled workflow:
//!
//! ```no_run
//! # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
//! use secmaster::AopType;
//!
//! let (p, w, workflow) = ("project-id", "workspace-id", "workflow-id");
//! let draft = client
//!     .create_workflow_version(p, w, workflow)
//!     .name("v2")
//!     .description("Notify on new alerts")
//!     .taskflow(r#"{"nodes":[],"edges":[]}"#)
//!     .taskconfig("{}")
//!     .aop_type(AopType::Normal)
//!     .send()
//!     .await?;
//! let version = draft.id.clone().unwrap_or_default();
//! client.update_workflow_version(p, w, &version).submit().send().await?;
//! client.review_workflow_version(p, w, &version).approve("checked").send().await?;
//! client.update_workflow_version(p, w, &version).activate().send().await?;
//! client.update_workflow(p, w, workflow).enable(&version).send().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Running the workflow, waiting for the run to end, and looking at what it did:
//!
//! ```no_run
//! # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
//! use std::time::Duration;
//! use secmaster::InstanceStatus;
//!
//! let (p, w) = ("project-id", "workspace-id");
//! let run = client
//!     .run_workflow(p, w, "workflow-id")
//!     .context(serde_json::json!({"alert_id": "a-1"}))
//!     .send()
//!     .await?;
//! let instance = run.instance_id.clone().unwrap_or_default();
//! let done = client
//!     .show_workflow_instance(p, w, &instance)
//!     .with_topology(true)
//!     .wait_until_done(Duration::from_secs(600))
//!     .await?;
//! if done.status != Some(InstanceStatus::Finished) {
//!     for node in done.topology.iter().flat_map(|t| &t.audit_logs) {
//!         println!("{:?}: {:?} {:?}", node.action_name, node.status, node.error_msg);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A playbook that runs a workflow for every High alert, and its instances awaited:
//!
//! ```no_run
//! # async fn demo(ws: secmaster::WorkspaceClient) -> Result<(), secmaster::Error> {
//! use std::time::Duration;
//! use secmaster::bindings::open_enums::{PlaybookInstanceStatus, PlaybookTriggerType};
//! use secmaster::search::{Condition, Operator};
//!
//! // A workflow enabled on an activated version, and the alerts' data class.
//! let (alert_class, workflow) = ("alert-dataclass-id", "workflow-id");
//! let made = ws.create_playbook().name("Page on high alerts").send().await?;
//! let playbook = made.id.clone().unwrap_or_default();
//! let draft = ws
//!     .create_playbook_version(&playbook) // a playbook_id or workspace_id set: the path's
//!     .dataclass_id(alert_class)
//!     .trigger_type(PlaybookTriggerType::Event)
//!     .dataobject_create(true) // alerts created
//!     .rule_enable(true) // the rule picks them only when enabled
//!     .rule(Condition::field("severity", Operator::Eq, "High"))
//!     .runs_workflow(workflow)
//!     .send()
//!     .await?;
//! let version = draft.id.clone().unwrap_or_default();
//! ws.update_playbook_version(&version).submit().send().await?; // APPROVING
//! ws.review_playbook_version(&version).approve("checked").send().await?; // or .reject(..)
//! ws.update_playbook(&playbook).enable(&version).send().await?; // or .disable()
//!
//! // Each High alert of the class now starts an instance that runs the workflow.
//! let page = ws.list_playbook_instances().offset(0).limit(10).send().await?;
//! for started in &page.items {
//!     let id = started.id.clone().unwrap_or_default();
//!     let done = ws.show_playbook_instance(&id).wait_until_done(Duration::from_secs(600)).await?;
//!     if done.status == Some(PlaybookInstanceStatus::Failed) {
//!         ws.change_playbook_instance(&id).retry().send().await?; // .terminate() while it runs
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Mistakes are caught before anything is sent, with the field named:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), secmaster::Error> {
//! use secmaster::{Client, Credentials};
//!
//! let client = Client::builder().endpoint("http://127.0.0.1:9").credentials(Credentials::token("t")).build()?;
//! let err = client.update_workflow("p", "w", "..").name("x").send().await.unwrap_err();
//! assert_eq!(err.field(), Some("workflow_id"));
//! # Ok(())
//! # }
//! ```
//!
//! The crate's map, request in to result out: an operation's builder (generated from the spec
//! in `generated`: setters, `send`, `items`, waiters; its intent methods and rules written in
//! `custom`, attached by the spec's `x-rust-*` extensions) hands the `runtime` a generated
//! descriptor (`secmaster_bindings::operations`), path values, query and body; the runtime
//! checks and prepares the request (`runtime::request`), runs attempts (`runtime::attempt`)
//! with retries by the operation's retry class, and reads each answer in the operation's shape
//! (`runtime::response`) into the result's view (`workflow`). Around it: `client` and
//! `builder`, `credentials`, `signer` (AK/SK), `endpoint`, `retry`, `error`, `redact`.
//! [`signer`] is public: it signs any Huawei Cloud API request the way the official SDKs do.

#![warn(missing_docs)]

mod builder;
mod client;
mod credentials;
mod custom;
mod deprecation;
mod discovery;
mod endpoint;
mod error;
#[rustfmt::skip]
mod generated;
mod instance;
mod operations;
mod proxy;
mod redact;
mod regions_file;
mod retry;
mod runtime;
pub mod search;
mod service_error;
pub mod signer;
mod tls;
mod validate;
mod version;
mod workflow;

pub use builder::{
    ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_DOWNLOAD_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES, ENV_REGION,
};
pub use client::{Client, WorkspaceClient};
pub use credentials::cache::{CREDENTIALS_REFRESH_AHEAD, CREDENTIALS_REFRESH_TIMEOUT};
pub use credentials::{
    Credentials, CredentialsFuture, DefaultChain, ENV_AK, ENV_AUTH_TOKEN, ENV_CREDENTIALS_FILE,
    ENV_DOMAIN_ID, ENV_OIDC_AGENCY_URN, ENV_OIDC_DURATION_SECONDS, ENV_OIDC_ID_TOKEN,
    ENV_OIDC_POLICY, ENV_OIDC_POLICY_IDS, ENV_OIDC_PROVIDER_URN, ENV_OIDC_SESSION_NAME,
    ENV_OIDC_TOKEN_FILE, ENV_POD_IDENTITY_TOKEN_FILE, ENV_POD_IDENTITY_URI, ENV_PROJECT_ID,
    ENV_SECURITY_TOKEN, ENV_SK, ENV_STS_ENDPOINT, EcsMetadataProvider, EnvironmentProvider,
    OidcProvider, PodIdentityProvider, ProfileProvider, ProvideCredentials, Provided,
};
pub use deprecation::Deprecation;
pub use discovery::ENV_IAM_ENDPOINT;
pub use endpoint::{ENV_REGIONS_FILE, REGIONS, override_variable as region_override_variable};
pub use error::{Error, ServiceError};
pub use generated::*;
pub use instance::StartedRun;
pub use jiff;
pub use operations::paging::Items;
pub use operations::{ExportedWorkflows, Output, Page, Review, ShownInstance, UpdatedWorkflow};
pub use retry::RetryPolicy;
pub use signer::{Clock, SystemClock};
pub use validate::MAX_ID_BYTES;
pub use version::{
    ApprovalResult, TaskflowType, ValidateMode, VersionAction, VersionStatus, WorkflowVersion,
};
pub use workflow::{
    AopType, EngineType, Label, SortOrder, Workflow, WorkflowSortKey, parse_timestamp,
};

/// The status of a workflow instance, how it was started, and the commands a run takes
/// (unlisted values are kept in `Other`).
pub use secmaster_bindings::open_enums::{InstanceStatus, TriggerType, UpdateCommand};
/// A workflow instance (one run of a workflow) as the service sends it: the bindings'
/// `AopworkflowInstanceDetail`.
pub use secmaster_bindings::types::AopworkflowInstanceDetail as WorkflowInstance;

/// The generated bindings this crate is built on, for what it does not wrap.
pub use secmaster_bindings as bindings;

/// For the benchmarks only: not part of the API, and may change in any release.
#[doc(hidden)]
pub mod internals {
    /// Reads a 200 answer of Update a Workflow exactly as a call does: the envelope, its
    /// `data` (required), the `Workflow` view.
    pub fn read_update_answer(body: bytes::Bytes) -> Result<crate::UpdatedWorkflow, crate::Error> {
        use secmaster_bindings::operations::UpdateAopWorkflow;
        let (data, meta) = crate::runtime::read_enveloped::<UpdateAopWorkflow>(body)?;
        Ok(crate::Output::new(data, meta))
    }

    /// Reads a 200 answer of ListWorkflows exactly as a call does: the envelope, `data`
    /// (required), `total`, each workflow's view.
    pub fn read_list_answer(
        body: bytes::Bytes,
    ) -> Result<crate::Page<crate::Workflow>, crate::Error> {
        use secmaster_bindings::operations::ListWorkflows;
        let (data, meta) = crate::runtime::read_enveloped::<ListWorkflows>(body)?;
        Ok(crate::Page::new(data, meta))
    }
}

/// Internals exposed to the fuzz targets in `fuzz/` only (`cargo fuzz` builds with `--cfg fuzzing`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzz_api {
    pub use crate::runtime::{decode_error_body, expand_path, import_form, read_every_shape};
}
