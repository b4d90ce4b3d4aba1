//! Importing workflows from a file:
//! `POST /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/import` (`multipart/form-data`).

use bytes::Bytes;
use futures_util::{FutureExt, TryStreamExt};
use reqwest::header::HeaderValue;
use reqwest::multipart::{Form, Part};
use secmaster_bindings::operations::ImportAopworkflow;

use crate::operations::Output;
use crate::runtime::{CallOptions, call_options};
use crate::{Client, Error};

/// The form field the page names for the file.
const FIELD: &str = "uploadFile";

impl Client {
    /// Prepares an import of workflows from a file (as [`export_workflows`](Client::export_workflows)
    /// makes them): sent as `multipart/form-data`, one part `uploadFile` carrying `file_name`
    /// and the bytes unchanged.
    ///
    /// An import is never sent twice once it may have reached the service
    /// ([`Error::is_outcome_unknown`]): list the workflows to see what it made.
    ///
    /// ```no_run
    /// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
    /// let (p, w) = ("project-id", "workspace-id");
    /// let file = client.export_workflows(p, w, ["workflow-id"]).send().await?;
    /// client.import_workflows(p, w, "workflows.json", file.to_vec()).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn import_workflows(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        file_name: impl Into<String>,
        contents: impl Into<Vec<u8>>,
    ) -> ImportWorkflows {
        ImportWorkflows {
            client: self.clone(),
            path: [project_id.into(), workspace_id.into()],
            file_name: file_name.into(),
            contents: Bytes::from(contents.into()),
            options: CallOptions::default(),
        }
    }
}

/// A prepared import; [`send`](Self::send) it.
///
/// Made by [`Client::import_workflows`].
#[derive(Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct ImportWorkflows {
    client: Client,
    path: [String; 2],
    file_name: String,
    contents: Bytes,
    options: CallOptions,
}

impl std::fmt::Debug for ImportWorkflows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportWorkflows")
            .field("path", &self.path)
            .field("file_name", &self.file_name)
            .field("bytes", &self.contents.len())
            .finish_non_exhaustive()
    }
}

impl ImportWorkflows {
    call_options!();

    /// Sends the file (never twice) and returns the request id.
    ///
    /// # Errors
    /// See [`Error`]: an empty file or a file name a form cannot carry (nothing sent, the field
    /// named), the service's refusals, [`Error::OutcomeUnknown`].
    pub fn send(self) -> impl Future<Output = Result<Output<()>, Error>> + Send + 'static {
        let call = self
            .client
            .call::<ImportAopworkflow>(self.path.clone().into())
            .options(self.options.clone())
            .how_to_check("list the workflows to see which the import made");
        let call = match encode_form(&self.file_name, self.contents.clone()) {
            Ok((body, content_type)) => call.raw_body(body, content_type),
            Err(e) => call.check(Err(e)),
        };
        call.acknowledged(Output::new)
    }
}

/// The file as the form to send: its bytes (built once, then signed and sent as they are by
/// every attempt) and its Content-Type with the boundary.
pub(crate) fn encode_form(name: &str, contents: Bytes) -> Result<(Bytes, HeaderValue), Error> {
    if name.trim().is_empty() {
        return Err(Error::invalid("file_name", "is empty"));
    }
    // Kept as given (no percent-encoding), so it must not end the header's quoted string.
    if name
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '\\')
    {
        return Err(Error::invalid(
            "file_name",
            "contains a quote, a backslash or a control character, which a multipart header cannot carry as given",
        ));
    }
    if contents.is_empty() {
        return Err(Error::invalid(FIELD, "the file is empty"));
    }
    let part = Part::stream(contents).file_name(name.to_owned());
    let form = Form::new().percent_encode_noop().part(FIELD, part);
    let content_type = format!("multipart/form-data; boundary={}", form.boundary());
    // Every part is in memory, so the stream is ready at once.
    let chunks: Vec<Bytes> = form
        .into_stream()
        .try_collect()
        .now_or_never()
        .ok_or_else(|| Error::invalid(FIELD, "the form was not ready at once"))?
        .map_err(|e| Error::invalid(FIELD, format!("cannot be encoded: {e}")))?;
    let content_type = HeaderValue::from_str(&content_type).expect("a boundary is ASCII");
    Ok((chunks.concat().into(), content_type))
}
