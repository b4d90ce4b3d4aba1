//! Exporting Workflows: `POST /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/export`.

use std::ops::Deref;

use bytes::Bytes;
use secmaster_bindings::operations::ExportAopworkflow;
use secmaster_bindings::types::ExportAopworkflowInfo;

use crate::runtime::{CallOptions, call_options};
use crate::{Client, Error};

impl Client {
    /// Prepares an export of workflows, by ID, as a file; `.send().await` returns its bytes.
    ///
    /// The file can be as large as [`ClientBuilder::max_download_bytes`](crate::ClientBuilder::max_download_bytes)
    /// (64 MiB by default), well above the cap on JSON answers. An export only reads, so a failed
    /// attempt is retried like a query.
    ///
    /// ```
    /// # use secmaster::{Client, Credentials};
    /// # let client = Client::builder().endpoint("http://127.0.0.1:9").credentials(Credentials::token("t")).build()?;
    /// let export = client.export_workflows("project", "workspace", ["c19470f3-5eaf-4572-82e8-2ff094495919"]);
    /// let ids: Vec<String> = vec![];
    /// # let _ = (export, ids);
    /// # Ok::<(), secmaster::Error>(())
    /// ```
    pub fn export_workflows(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> ExportWorkflows {
        ExportWorkflows {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into()],
            body: ExportAopworkflowInfo {
                id: ids.into_iter().map(Into::into).collect(),
            },
            options: CallOptions::default(),
        }
    }
}

/// A prepared export; [`send`](Self::send) it.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ExportWorkflows {
    client: Client,
    path: [String; 2],
    body: ExportAopworkflowInfo,
    options: CallOptions,
}

/// An exported file: its bytes exactly as the service sent them (it derefs to `[u8]`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportedWorkflows {
    /// The file.
    pub bytes: Bytes,
    /// The `X-Request-Id` header, when the gateway sent one.
    pub request_id: Option<String>,
}

impl Deref for ExportedWorkflows {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl AsRef<[u8]> for ExportedWorkflows {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl ExportWorkflows {
    call_options!();

    /// Checks the IDs to export: at least one, none empty or with control characters.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `id` (the body's field).
    pub fn validate(&self) -> Result<(), Error> {
        if self.body.id.is_empty() {
            return Err(Error::invalid("id", "lists no workflow to export"));
        }
        for id in &self.body.id {
            if id.trim().is_empty() || id.chars().any(char::is_control) {
                return Err(Error::invalid(
                    "id",
                    format!("holds {id:?}, which is no workflow ID"),
                ));
            }
        }
        Ok(())
    }

    /// Sends the export and reads the file.
    ///
    /// # Errors
    /// See [`Error`]: no IDs or a bad one (nothing sent), the service's error answers, a file
    /// larger than the download limit, timeouts, connection failures.
    pub fn send(self) -> impl Future<Output = Result<ExportedWorkflows, Error>> + Send + 'static {
        let checked = self.validate();
        self.client
            .call::<ExportAopworkflow>(self.path.into())
            .check(checked)
            .body(&self.body)
            .options(self.options)
            .binary(|bytes, meta| ExportedWorkflows {
                bytes,
                request_id: meta.request_id,
            })
    }
}
