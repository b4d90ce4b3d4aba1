//! A client for Huawei Cloud SecMaster's workflow API: **Update a Workflow**
//! (`PUT /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}`), done properly.
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
//! println!("{} {:?}", updated.workflow.name.as_deref().unwrap_or(""), updated.request_id);
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
//! Modules are one per concern: `client` (the client and its builder), `update` (the
//! operation's builder and attempt loop), `validate`, `credentials`, `signer` (AK/SK), `endpoint`,
//! `retry`, `error`, `workflow` (the response view), `transport` (one attempt on the wire).
//! [`signer`] is public: it signs any Huawei Cloud API request the way the official SDKs do.

#![warn(missing_docs)]

mod client;
mod credentials;
mod endpoint;
mod error;
mod retry;
pub mod signer;
mod transport;
mod update;
mod validate;
mod workflow;

pub use client::{
    Client, ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES,
};
pub use credentials::{
    Credentials, ENV_AK, ENV_AUTH_TOKEN, ENV_PROJECT_ID, ENV_SECURITY_TOKEN, ENV_SK,
};
pub use endpoint::{REGIONS, override_variable as region_override_variable};
pub use error::{Error, ServiceError};
pub use jiff;
pub use retry::RetryPolicy;
pub use signer::{Clock, SystemClock};
pub use update::{UpdateWorkflow, UpdatedWorkflow};
pub use validate::MAX_ID_BYTES;
pub use workflow::{AopType, EngineType, Label, Workflow, parse_timestamp};

/// The generated bindings this crate is built on, for what it does not wrap.
pub use secmaster_bindings as bindings;

/// Internals exposed to the fuzz targets in `fuzz/` only (`cargo fuzz` builds with `--cfg fuzzing`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzz_api {
    pub use crate::update::{decode_error_body, decode_tracking, decode_with_path};
    pub use crate::validate::{check_id, expand_path};
    pub use crate::workflow::Workflow;
}
