//! Update a Workflow: the builder users call, its validation, and the attempt loop.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use secmaster_bindings::operations::UPDATE_AOP_WORKFLOW;
use secmaster_bindings::types::ModifyAopWorkflowInfo;
use serde::Deserialize;
use tracing::Instrument;

use crate::credentials::Auth;
use crate::error::{ServiceError, is_retryable_status, one_line};
use crate::retry::parse_retry_after;
use crate::transport::{Exchange, Prepared, Shared};
use crate::validate::{PathTemplate, check_id};
use crate::{Client, Error, Label, Workflow};

/// A prepared Update a Workflow call; set the fields to change, then [`send`](Self::send) it.
///
/// Made by [`Client::update_workflow`]. Fields left unset are not sent, so the service leaves
/// them as they are. `version_id` is mandatory when enabling (the API page's rule), so the only
/// way to enable is [`enable(version_id)`](Self::enable), which sets both.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send().await"]
pub struct UpdateWorkflow {
    client: Client,
    project_id: String,
    workspace_id: String,
    workflow_id: String,
    body: ModifyAopWorkflowInfo,
}

/// The result of a successful update.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UpdatedWorkflow {
    /// The workflow as it is after the update (all 25 fields of `AopWorkflowInfo`).
    pub workflow: Workflow,
    /// The request id: the body's `request_id` when non-empty, else the `X-Request-Id` header.
    pub request_id: Option<String>,
}

impl UpdateWorkflow {
    pub(crate) fn new(
        client: Client,
        project_id: String,
        workspace_id: String,
        workflow_id: String,
    ) -> Self {
        Self {
            client,
            project_id,
            workspace_id,
            workflow_id,
            body: ModifyAopWorkflowInfo::default(),
        }
    }

    /// Renames the workflow.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }

    /// Changes the workflow description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// Enables the workflow with `version_id` as its activated version (`enabled = true` and
    /// `version_id`, which the API requires together).
    pub fn enable(mut self, version_id: impl Into<String>) -> Self {
        self.body.enabled = Some(true);
        self.body.version_id = Some(version_id.into());
        self
    }

    /// Disables the workflow (`enabled = false`).
    pub fn disable(mut self) -> Self {
        self.body.enabled = Some(false);
        self
    }

    /// Sets the activated version without changing whether the workflow is enabled.
    pub fn version_id(mut self, version_id: impl Into<String>) -> Self {
        self.body.version_id = Some(version_id.into());
        self
    }

    /// Sets the workflow entity type (IP, ACCOUNT or DOMAIN).
    pub fn labels(mut self, labels: Label) -> Self {
        self.body.labels = Some(labels);
        self
    }

    /// The request body as it will be sent (unset fields are left out).
    pub fn body(&self) -> &ModifyAopWorkflowInfo {
        &self.body
    }

    /// Checks everything that can be checked before sending.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: a bad ID, an update that changes nothing, an
    /// empty or control-laden `version_id`, a label the API does not list, or enabling without a
    /// version.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("project_id", &self.project_id)?;
        check_id("workspace_id", &self.workspace_id)?;
        check_id("workflow_id", &self.workflow_id)?;
        if matches!(self.client.shared().transport.auth, Auth::AkSk { .. })
            && !self.project_id.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Error::invalid(
                "project_id",
                "must be printable ASCII with AK/SK credentials, since it is sent in the X-Project-Id header",
            ));
        }
        let b = &self.body;
        if b.name.is_none()
            && b.description.is_none()
            && b.enabled.is_none()
            && b.version_id.is_none()
            && b.labels.is_none()
        {
            return Err(Error::invalid(
                "body",
                "the update sets no field; set at least one of name, description, enable/disable, version_id, labels",
            ));
        }
        if let Some(version_id) = &b.version_id {
            if version_id.trim().is_empty() {
                return Err(Error::invalid("version_id", "is empty"));
            }
            if version_id.chars().any(char::is_control) {
                return Err(Error::invalid("version_id", "contains control characters"));
            }
        }
        if b.enabled == Some(true) && b.version_id.is_none() {
            return Err(Error::invalid(
                "version_id",
                "is mandatory when the workflow is enabled; use .enable(version_id)",
            ));
        }
        if let Some(label) = b.labels.as_ref().filter(|l| !l.is_known()) {
            let known: Vec<&str> = Label::KNOWN.iter().map(Label::as_str).collect();
            return Err(Error::invalid(
                "labels",
                format!("`{label}` is not one of {}", known.join(", ")),
            ));
        }
        Ok(())
    }

    /// Validates, then sends the update, retrying what is safe to retry.
    ///
    /// Validation and the request's preparation (path, body) happen when `send` is called;
    /// nothing goes on the wire until the returned future is awaited.
    ///
    /// # Errors
    /// See [`Error`]: invalid input (nothing sent), the service's error answers (including HTTP
    /// 200 with `success: false`), undecodable or oversized bodies, timeouts, connection failures.
    pub fn send(self) -> impl Future<Output = Result<UpdatedWorkflow, Error>> + Send + 'static {
        // Everything the attempts need is made here, so that the future holds only the client,
        // the prepared request and the two IDs its span names, not the builder (its size is
        // what 256 calls in flight keep in memory).
        let prepared = self.validate().and_then(|()| self.prepare());
        let UpdateWorkflow {
            client,
            workspace_id,
            workflow_id,
            ..
        } = self;
        async move {
            // Borrowed, not moved out: a moved copy would be kept in the future beside the
            // original.
            let prepared = match prepared {
                Ok(ref prepared) => prepared,
                Err(e) => return Err(e),
            };
            // Made when the future first runs, as an `async fn`'s would be, so that its parent
            // is the span current where the call is awaited.
            let span = tracing::info_span!(
                "secmaster.update_workflow",
                operation = UPDATE_AOP_WORKFLOW.id,
                workspace_id = %workspace_id,
                workflow_id = %workflow_id,
            );
            // The span is attached (and so entered on every poll) only when a subscriber wants
            // it; it then also holds the events of reqwest and hyper under this call.
            if span.is_disabled() {
                run(&client, prepared).await
            } else {
                run(&client, prepared).instrument(span).await
            }
        }
    }

    /// The request every attempt sends: the spec's method, path and media type, each ID
    /// strictly encoded once, the body serialized once.
    fn prepare(&self) -> Result<Prepared, Error> {
        let inner = self.client.shared();
        let op = &UPDATE_AOP_WORKFLOW;
        let mut url = inner.endpoint.url.clone();
        url.set_path(&inner.update_path.expand(&[
            &self.project_id,
            &self.workspace_id,
            &self.workflow_id,
        ]));
        let body = serde_json::to_vec(&self.body)
            .map_err(|e| Error::invalid("body", format!("cannot be serialized: {e}")))?;
        Ok(Prepared {
            method: reqwest::Method::from_bytes(op.method.as_bytes())
                .expect("the spec's methods are HTTP methods"),
            url,
            content_type: HeaderValue::from_static(
                op.request_content_type
                    .expect("the operation takes a JSON body"),
            ),
            body: body.into(),
            // Validation made it printable ASCII whenever AK/SK sends it.
            project_id: matches!(inner.transport.auth, Auth::AkSk { .. })
                .then(|| HeaderValue::from_str(&self.project_id).ok())
                .flatten(),
        })
    }
}

/// Update a Workflow's path parameters, in the order [`PathTemplate::expand`] takes their values.
const PATH_PARAMS: [&str; 3] = ["project_id", "workspace_id", "workflow_id"];

/// The operation's path under an endpoint's path prefix, split once per client.
pub(crate) fn path_template(prefix: &str) -> PathTemplate {
    PathTemplate::new(prefix, UPDATE_AOP_WORKFLOW.path, &PATH_PARAMS)
}

/// The attempt loop: sends `prepared` until it succeeds, fails for good, or the retry policy
/// stops.
async fn run(client: &Client, prepared: &Prepared) -> Result<UpdatedWorkflow, Error> {
    let inner = client.shared();
    let started = Instant::now();
    let mut attempt_no = 0u32;
    loop {
        attempt_no += 1;
        let attempt_started = if attempt_no == 1 {
            started
        } else {
            Instant::now()
        };
        let exchange = attempt(client, prepared, attempt_no).await;
        // In a block of its own, so that the (large) outcome is not kept across the sleep below.
        let (error, retry_after) = {
            match exchange
                .map_err(|e| (e, None))
                .and_then(|e| interpret(e, &inner.transport))
            {
                Ok(updated) => {
                    // Out of line, so the call's own code stays small (see `interpret`). Called
                    // on every success: `info!` decides by itself whether anything listens,
                    // including the `log` crate when tracing's `log` feature is on and no
                    // subscriber is set (a level check here would skip that case).
                    updated_event(attempt_no, &updated, attempt_started);
                    return Ok(updated);
                }
                Err(failure) => failure,
            }
        };
        let delay = after_failure(
            inner,
            error,
            retry_after,
            attempt_no,
            started,
            attempt_started,
        )?;
        tokio::time::sleep(delay).await;
    }
}

/// Logs a successful attempt.
#[inline(never)]
fn updated_event(attempt_no: u32, updated: &UpdatedWorkflow, attempt_started: Instant) {
    tracing::info!(
        attempt = attempt_no,
        status = 200,
        request_id = updated.request_id.as_deref().unwrap_or(""),
        latency_ms = attempt_started.elapsed().as_millis() as u64,
        "workflow updated"
    );
}

/// After a failed attempt: logs it, and returns the delay before the next attempt, or the call's
/// error when there is to be none (not retryable, or the retry policy stops).
#[cold]
#[inline(never)]
fn after_failure(
    inner: &crate::client::Inner,
    error: Error,
    retry_after: Option<Duration>,
    attempt_no: u32,
    started: Instant,
    attempt_started: Instant,
) -> Result<Duration, Error> {
    let error = with_attempts(error, attempt_no, started.elapsed());
    tracing::warn!(attempt = attempt_no, status = error.status().unwrap_or(0), request_id = error.request_id().unwrap_or(""), latency_ms = attempt_started.elapsed().as_millis() as u64, error = %error, "attempt failed");
    if !error.is_retryable() {
        return Err(error);
    }
    let Some(delay) = inner
        .retry
        .next_delay(attempt_no, started.elapsed(), retry_after)
    else {
        return Err(error);
    };
    tracing::info!(
        attempt = attempt_no,
        delay_ms = delay.as_millis() as u64,
        "retrying"
    );
    Ok(delay)
}

/// One attempt on the wire, within the attempt timeout.
async fn attempt(client: &Client, prepared: &Prepared, attempt_no: u32) -> Result<Exchange, Error> {
    let inner = client.shared();
    let sent = inner.transport.send(&inner.http, prepared);
    match tokio::time::timeout(inner.attempt_timeout, sent).await {
        Ok(Ok(exchange)) => Ok(exchange),
        Ok(Err(source)) if !source.is_timeout() => Err(Error::Transport {
            connect: source.is_connect(),
            attempts: attempt_no,
            source,
        }),
        // Our own timer, or reqwest's: either way the attempt ran out of time.
        Ok(Err(_)) | Err(_) => Err(Error::Timeout {
            elapsed: inner.attempt_timeout,
            attempts: attempt_no,
        }),
    }
}

/// A failed attempt: the error, with the server's `Retry-After` when it sent one.
type Failure = (Error, Option<Duration>);

/// Turns the raw exchange into the call's outcome.
///
/// The success path is kept short; every failure is built in a `#[cold]` function of its own, so
/// that the code run on every call stays small (it is fetched anew on most calls, after the
/// kernel and the network stack have run).
fn interpret(exchange: Exchange, shared: &Shared) -> Result<UpdatedWorkflow, Failure> {
    if !exchange.status.is_success() || exchange.truncated {
        return Err(unsuccessful(exchange, shared));
    }
    let mut response = match decode(&exchange.body) {
        Ok(response) => response,
        Err((path, reason)) => return Err(undecodable(&exchange, shared, path, reason)),
    };
    let request_id = response
        .request_id
        .take()
        .filter(|id| !id.is_empty())
        .or_else(|| header_text(&exchange.headers, &X_REQUEST_ID));
    match response.success {
        Some(true) => {}
        None if response.data.is_some() => {}
        _ => return Err(refused(&exchange, shared, response, request_id)),
    }
    Ok(UpdatedWorkflow {
        workflow: response.data.unwrap_or_default(),
        request_id,
    })
}

/// A non-2xx answer (even a truncated error body tells the status, and whether to retry), or a
/// 2xx whose body was over the limit.
#[cold]
#[inline(never)]
fn unsuccessful(exchange: Exchange, shared: &Shared) -> Failure {
    let Exchange {
        status,
        headers,
        body,
        truncated,
    } = exchange;
    let request_id = header_text(&headers, &X_REQUEST_ID);
    if status.is_success() {
        debug_assert!(truncated);
        return (
            Error::ResponseTooLarge {
                status: status.as_u16(),
                limit: shared.max_response_bytes,
                request_id,
            },
            None,
        );
    }
    let retry_after =
        header_text(&headers, &RETRY_AFTER).and_then(|v| parse_retry_after(&v, shared.clock.now()));
    let mut error = decode_error_body(status.as_u16(), &body, request_id);
    redact_service_error(&mut error, &shared.auth);
    (
        Error::Service(Box::new(error)),
        retry_after.filter(|_| is_retryable_status(status.as_u16())),
    )
}

/// A 2xx body that does not decode, or decodes to neither success nor data.
#[cold]
#[inline(never)]
fn undecodable(exchange: &Exchange, shared: &Shared, path: String, reason: String) -> Failure {
    (
        Error::Decode {
            status: exchange.status.as_u16(),
            path,
            reason: redact(reason, &shared.auth),
            request_id: header_text(&exchange.headers, &X_REQUEST_ID),
        },
        None,
    )
}

/// A 2xx body that says `success: false` (the peers' SDKs report these as successes), or has
/// neither `success: true` nor `data`.
#[cold]
#[inline(never)]
fn refused(
    exchange: &Exchange,
    shared: &Shared,
    response: ResponseBody,
    request_id: Option<String>,
) -> Failure {
    if response.success.is_none() {
        return undecodable(
            exchange,
            shared,
            ".".to_owned(),
            "the body has neither `success: true` nor `data`".to_owned(),
        );
    }
    let mut error = ServiceError {
        status: exchange.status.as_u16(),
        code: response.code.filter(|c| !c.is_empty()),
        message: response.message.filter(|m| !m.is_empty()),
        request_id,
        attempts: 1,
    };
    redact_service_error(&mut error, &shared.auth);
    (Error::Service(Box::new(error)), None)
}

/// Replaces any secret of `auth` that a server echoed (a gateway may echo the canonical request,
/// which holds the signed `X-Security-Token`) with `***`.
fn redact(text: String, auth: &Auth) -> String {
    let secrets: [Option<&str>; 2] = match auth {
        Auth::Token(t) => [Some(t.expose()), None],
        Auth::AkSk {
            sk, security_token, ..
        } => [
            Some(sk.expose()),
            security_token.as_ref().map(|t| t.expose()),
        ],
    };
    secrets
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .fold(text, |text, secret| {
            if text.contains(secret) {
                text.replace(secret, "***")
            } else {
                text
            }
        })
}

fn redact_service_error(error: &mut ServiceError, auth: &Auth) {
    for field in [&mut error.code, &mut error.message, &mut error.request_id] {
        if let Some(text) = field.take() {
            *field = Some(redact(text, auth));
        }
    }
}

/// The request ID a gateway sets on every answer.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        // `to_str` lets through visible ASCII, spaces and tabs only: ASCII trimming is all there is
        // (and less code than `str::trim`'s Unicode tables on every call).
        .map(str::trim_ascii)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A 2xx body of Update a Workflow: the bindings' `UpdateAopWorkflowResponse`, with its `data` read
/// straight into the [`Workflow`] view (the same fields, names and types, normalized as the view's
/// `From<AopWorkflowInfo>` does; tests and the `decode_response` fuzz target hold the two ways
/// equal), which saves decoding into one struct and moving every field into another.
#[derive(Deserialize, Default, Debug)]
// Decode errors name the wire type, as the bindings' do.
#[serde(expecting = "struct UpdateAopWorkflowResponse")]
pub struct ResponseBody {
    /// Error code.
    pub code: Option<String>,
    /// The workflow.
    pub data: Option<Workflow>,
    /// Error description.
    pub message: Option<String>,
    /// Request ID.
    pub request_id: Option<String>,
    /// Whether the request is successful.
    pub success: Option<bool>,
}

/// Decodes a 2xx body; on failure decodes it again to name the field that failed.
fn decode(body: &[u8]) -> Result<ResponseBody, (String, String)> {
    // Tracking the path slows every field down; a body that decodes never needs it.
    serde_json::from_slice(body).or_else(|_| decode_with_path(body))
}

/// Decodes a 2xx body, naming the path of the field that failed (`.` for the body as a whole).
#[cold]
#[inline(never)]
pub fn decode_with_path(body: &[u8]) -> Result<ResponseBody, (String, String)> {
    decode_tracking(body)
}

/// Decodes `body` as a `T`, naming the path of the field that failed (`.` for the body as a
/// whole: empty, or text after the JSON value).
pub fn decode_tracking<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    if body.is_empty() {
        return Err((".".to_owned(), "the body is empty".to_owned()));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        // A path made only of empty keys (`{"": ...}`) prints as nothing; name the body instead.
        let path = Some(e.path().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".to_owned());
        (path, e.into_inner().to_string())
    })?;
    de.end().map_err(|e| (".".to_owned(), e.to_string()))?;
    Ok(value)
}

/// The error shapes seen from SecMaster and its gateway, any of whose fields may be missing.
#[derive(Deserialize, Default)]
struct ErrorBody {
    code: Option<serde_json::Value>,
    message: Option<serde_json::Value>,
    error_code: Option<serde_json::Value>,
    error_msg: Option<serde_json::Value>,
    #[serde(rename = "errorCode")]
    error_code_camel: Option<serde_json::Value>,
    #[serde(rename = "errorMsg")]
    error_msg_camel: Option<serde_json::Value>,
    request_id: Option<serde_json::Value>,
    error: Option<Box<ErrorBody>>,
}

fn json_text(value: Option<serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(s) if s.is_empty() => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads an error body in any of its shapes: `{code, message}` (this operation's 400),
/// `{error_code, error_msg}` (the API gateway's), `{errorCode, errorMsg}`, `{error: {...}}`,
/// or not JSON at all (an HTML 502), whose text becomes the message.
pub fn decode_error_body(
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
) -> ServiceError {
    let mut error = ServiceError {
        status,
        code: None,
        message: None,
        request_id: header_request_id,
        attempts: 1,
    };
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(mut parsed) => {
            if let Some(inner) = parsed.error.take() {
                let inner = *inner;
                parsed.code = parsed.code.or(inner.code).or(inner.error_code);
                parsed.message = parsed.message.or(inner.message).or(inner.error_msg);
            }
            error.code = json_text(parsed.error_code)
                .or(json_text(parsed.error_code_camel))
                .or(json_text(parsed.code));
            error.message = json_text(parsed.error_msg)
                .or(json_text(parsed.error_msg_camel))
                .or(json_text(parsed.message));
            error.message = error.message.map(|m| bounded(m, MAX_MESSAGE_CHARS));
            error.code = error.code.map(|c| bounded(c, MAX_MESSAGE_CHARS));
            if error.request_id.is_none() {
                error.request_id =
                    json_text(parsed.request_id).map(|r| bounded(r, MAX_MESSAGE_CHARS));
            }
        }
        Err(_) => error.message = text_summary(body),
    }
    error
}

/// The longest code or message kept from an error body, in characters.
const MAX_MESSAGE_CHARS: usize = 1024;

/// `text` cut to `max` characters, marked with `…` when cut.
fn bounded(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// The `<title>` of an HTML page, else the start of the body as text; `None` for an empty body.
fn text_summary(body: &[u8]) -> Option<String> {
    const MAX_CHARS: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let lower = text.to_ascii_lowercase();
    let title = lower.find("<title>").and_then(|start| {
        let start = start + "<title>".len();
        lower[start..]
            .find("</title>")
            .map(|len| &text[start..start + len])
    });
    let summary: String = one_line(title.unwrap_or(&text))
        .chars()
        .take(MAX_CHARS)
        .collect();
    (!summary.is_empty()).then_some(summary)
}

/// Records the attempts made (and the total time, for timeouts) in the final error.
fn with_attempts(error: Error, attempts: u32, elapsed: Duration) -> Error {
    match error {
        Error::Service(mut e) => {
            e.attempts = attempts;
            Error::Service(e)
        }
        Error::Timeout { .. } => Error::Timeout { elapsed, attempts },
        Error::Transport {
            connect, source, ..
        } => Error::Transport {
            connect,
            attempts,
            source,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specs_required_when_rules_are_exactly_the_ones_enforced_here() {
        use secmaster_bindings::constraints::{REQUIRED_WHEN, RequiredWhen};
        assert_eq!(
            REQUIRED_WHEN
                .iter()
                .map(|r| (r.schema, r.field, r.when_field, r.equals))
                .collect::<Vec<_>>(),
            [("ModifyAopWorkflowInfo", "version_id", "enabled", "true")],
            "the spec's x-required-when rules changed: enforce the new ones in UpdateWorkflow::validate"
        );
        let _: &RequiredWhen = &REQUIRED_WHEN[0];

        // And validation enforces that rule even on a body built without `enable()`.
        let client = Client::builder()
            .endpoint("http://127.0.0.1:9")
            .credentials(crate::Credentials::token("t"))
            .build()
            .unwrap();
        let mut call = client.update_workflow("p", "w", "f");
        call.body.enabled = Some(true);
        let e = call.validate().unwrap_err();
        assert_eq!(e.field(), Some("version_id"));
        assert!(
            e.to_string()
                .contains("mandatory when the workflow is enabled"),
            "{e}"
        );
        call.body.version_id = Some("v1".into());
        assert!(call.validate().is_ok());
    }

    /// `AopWorkflowInfo`'s 25 fields (the spec lists them alphabetically).
    const FIELDS: [&str; 25] = [
        "aop_type",
        "approve_role",
        "create_time",
        "creator_id",
        "creator_name",
        "current_approval_version_id",
        "current_rejected_version_id",
        "dataclass_id",
        "dataclass_name",
        "description",
        "edit_role",
        "enabled",
        "engine_type",
        "id",
        "labels",
        "modifier_id",
        "modifier_name",
        "name",
        "owner_id",
        "project_id",
        "update_time",
        "use_role",
        "version",
        "version_id",
        "workspace_id",
    ];

    /// A decoded 2xx body: the view, then `code`, `message`, `request_id`, then `success`.
    type Decoded = (Option<Workflow>, [Option<String>; 3], Option<bool>);

    /// The bindings' way: decode into the generated `UpdateAopWorkflowResponse` (naming the failed
    /// field's path as the client does), then convert.
    fn decode_generated(body: &[u8]) -> Result<Decoded, (String, String)> {
        let r: secmaster_bindings::types::UpdateAopWorkflowResponse = decode_tracking(body)?;
        Ok((
            r.data.map(Workflow::from),
            [r.code, r.message, r.request_id],
            r.success,
        ))
    }

    /// The client's way: errors are the path and reason its `Error::Decode` shows.
    fn decode_direct(body: &[u8]) -> Result<Decoded, (String, String)> {
        let r = decode(body)?;
        Ok((r.data, [r.code, r.message, r.request_id], r.success))
    }

    #[test]
    fn the_view_decoded_directly_equals_the_bindings_decoding_converted() {
        // Every field of `AopWorkflowInfo` set, through the bindings' own serializer.
        let mut full = serde_json::to_value(secmaster_bindings::types::AopWorkflowInfo {
            aop_type: Some("SURVEY".into()),
            engine_type: Some("some_new_engine".into()),
            labels: Some("DOMAIN".into()),
            enabled: Some(false),
            ..Default::default()
        })
        .unwrap();
        // The generated type leaves `None` fields out when serializing: the spec's 25 names.
        for (i, field) in FIELDS.into_iter().enumerate() {
            if !matches!(field, "aop_type" | "engine_type" | "labels" | "enabled") {
                full[field] = serde_json::Value::String(format!("{field}-{i}"));
            }
        }
        let body =
            serde_json::json!({"success": true, "request_id": "r", "data": full}).to_string();
        let (data, ..) = decode_direct(body.as_bytes()).unwrap();
        let data = data.unwrap();
        assert_eq!(
            Ok((
                Some(data.clone()),
                [None, None, Some("r".into())],
                Some(true)
            )),
            decode_generated(body.as_bytes())
        );
        assert_eq!(data.modifier_name.as_deref(), Some("modifier_name-16"));
        assert_eq!(
            data.engine_type,
            Some(crate::EngineType::Other("some_new_engine".into()))
        );
        // The same with every text field empty (read as absent but for name and description).
        for field in FIELDS {
            if field != "enabled" {
                full[field] = serde_json::Value::String(String::new());
            }
        }
        let body = serde_json::json!({"data": full}).to_string();
        let direct = decode_direct(body.as_bytes()).unwrap();
        assert_eq!(Ok(direct.clone()), decode_generated(body.as_bytes()));
        let data = direct.0.unwrap();
        assert_eq!(
            (data.name.as_deref(), data.id, data.aop_type),
            (Some(""), None, None)
        );

        for body in [
            &br#"{"success":true,"data":null}"#[..],
            br#"{"success":true,"data":{}}"#,
            br#"{"data":{"id":null,"enabled":null,"aop_type":null}}"#,
            br#"{"data":{"id":"a","id":"b"}}"#,
            br#"{"data":{"aop_type":5}}"#,
            br#"{"data":{"enabled":"yes"}}"#,
            br#"{"data":{"name":"\u00e9\n\"x\""}, "extra": [1, {"y": 2}]}"#,
            br#"{"success":"true"}"#,
            br#"{"data":{"labels":"\u0049P"}}"#,
            br#"{} trailing"#,
            b"",
        ] {
            assert_eq!(
                decode_direct(body),
                decode_generated(body),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // `data` as an array is read by position, and the two structs list their fields in other
        // orders (the view in the API page's, the bindings alphabetically); and the view's
        // `expecting` drops serde's "with N elements". Both refuse these, at the same path.
        for (body, path) in [
            (&br#"{"data":[]}"#[..], "data"),
            (br#"{"data":["a"]}"#, "data"),
            (b"[]", "."),
        ] {
            let (direct, generated) = (decode_direct(body), decode_generated(body));
            assert_eq!(direct.as_ref().unwrap_err().0, path);
            assert_eq!(generated.as_ref().unwrap_err().0, path);
            let reason = direct.unwrap_err().1;
            assert!(reason.contains("expected struct"), "{reason}");
        }
    }

    proptest::proptest! {
        /// Random `data` objects (any subset of the 25 fields, values of every JSON kind,
        /// escapes, unknown keys): the client's decoding and the bindings' agree.
        #[test]
        fn direct_and_generated_decoding_agree(
            entries in proptest::collection::vec(
                (0usize..27, 0usize..9, "[a-zA-Z_é\\\"\n]{0,6}"),
                0..12,
            ),
            success in proptest::option::of(proptest::bool::ANY),
        ) {
            let field_name = |i: usize| FIELDS.get(i).copied().unwrap_or(if i == 25 { "unknown" } else { "" });
            let mut data = String::from("{");
            for (k, (name, kind, text)) in entries.iter().enumerate() {
                let value = match kind {
                    0 => serde_json::Value::Null,
                    1 => serde_json::Value::String(String::new()),
                    2 | 3 => serde_json::Value::String(text.clone()),
                    4 => serde_json::Value::String(["NORMAL", "EASE", "IP", "public_engine"][text.len() % 4].into()),
                    5 => serde_json::Value::Bool(text.len() % 2 == 0),
                    6 => serde_json::json!(text.len()),
                    7 => serde_json::json!({"k": text}),
                    _ => serde_json::json!([text]),
                };
                if k > 0 {
                    data.push(',');
                }
                data.push_str(&format!("{}:{}", serde_json::Value::String(field_name(*name).into()), value));
            }
            data.push('}');
            let success = success.map_or("null".to_owned(), |s| s.to_string());
            let body = format!(r#"{{"success":{success},"data":{data}}}"#);
            proptest::prop_assert_eq!(decode_direct(body.as_bytes()), decode_generated(body.as_bytes()), "{}", body);
        }
    }

    #[test]
    fn the_operations_400_shape() {
        let e = decode_error_body(
            400,
            br#"{"code":"SecMaster.1001","message":"bad version"}"#,
            None,
        );
        assert_eq!(
            (e.code.as_deref(), e.message.as_deref()),
            (Some("SecMaster.1001"), Some("bad version"))
        );
        assert_eq!(e.request_id, None);
    }

    #[test]
    fn the_gateways_shape_with_its_request_id() {
        let body = br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"r-1"}"#;
        let e = decode_error_body(401, body, None);
        assert_eq!(e.code.as_deref(), Some("APIGW.0301"));
        assert_eq!(e.request_id.as_deref(), Some("r-1"));
        let shown = e.to_string();
        assert!(shown.starts_with("SecMaster answered HTTP 401 APIGW.0301: Incorrect IAM authentication information (request id r-1)"), "{shown}");
        assert!(
            shown.contains("clock"),
            "a signature rejection says what to check: {shown}"
        );
        let e = decode_error_body(401, body, Some("from-header".into()));
        assert_eq!(
            e.request_id.as_deref(),
            Some("from-header"),
            "the header wins"
        );
    }

    #[test]
    fn camel_case_nested_and_non_string_shapes() {
        let e = decode_error_body(500, br#"{"errorCode":"X.1","errorMsg":"m"}"#, None);
        assert_eq!(
            (e.code.as_deref(), e.message.as_deref()),
            (Some("X.1"), Some("m"))
        );
        let e = decode_error_body(500, br#"{"error":{"code":"Y.2","message":"n"}}"#, None);
        assert_eq!(
            (e.code.as_deref(), e.message.as_deref()),
            (Some("Y.2"), Some("n"))
        );
        let e = decode_error_body(500, br#"{"code":42,"message":null}"#, None);
        assert_eq!(
            (e.code.as_deref(), e.message.as_deref()),
            (Some("42"), None)
        );
        let e = decode_error_body(500, br#"[1,2]"#, None);
        assert_eq!(e.code, None);
    }

    /// Found by the decode_error fuzz target: a code (or request id) whose JSON string holds a
    /// newline still gives a one-line Display.
    #[test]
    fn codes_and_request_ids_with_newlines_display_on_one_line() {
        let e = decode_error_body(
            400,
            br#"{"code":"Serr\nuth","message":"a\r\nb","request_id":"r\n1"}"#,
            None,
        );
        assert_eq!(
            e.code.as_deref(),
            Some("Serr\nuth"),
            "the field keeps what was sent"
        );
        assert_eq!(
            e.to_string(),
            "SecMaster answered HTTP 400 Serr uth: a b (request id r 1)"
        );
        // A decode error's path may hold a hostile key with a newline too.
        let (path, reason) = decode_with_path(br#"{"data": {"a\nb": {"x": tru}}}"#).unwrap_err();
        assert_eq!(path, "data.a\nb");
        let e = Error::Decode {
            status: 200,
            path,
            reason,
            request_id: Some("r\n2".into()),
        };
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("at `data.a b`"), "{e}");
    }

    #[test]
    fn an_html_502_becomes_its_title_on_one_line() {
        let body = b"<html>\n<head><title>502 Bad\n Gateway</title></head><body><h1>nginx</h1></body></html>";
        let e = decode_error_body(502, body, Some("abc".into()));
        assert_eq!(e.message.as_deref(), Some("502 Bad Gateway"));
        assert_eq!(
            e.to_string(),
            "SecMaster answered HTTP 502: 502 Bad Gateway (request id abc)"
        );
        let e = decode_error_body(503, b"upstream\r\nconnect error", None);
        assert_eq!(e.message.as_deref(), Some("upstream connect error"));
        let e = decode_error_body(503, b"", None);
        assert_eq!(e.to_string(), "SecMaster answered HTTP 503");
        let e = decode_error_body(500, &[0xff, 0xfe, b'o', b'k'], None);
        assert_eq!(e.message.as_deref(), Some("\u{fffd}\u{fffd}ok"));
    }

    #[test]
    fn decode_errors_name_the_field_path() {
        let (path, reason) =
            decode_with_path(br#"{"success":true,"data":{"enabled":"yes"}}"#).unwrap_err();
        assert_eq!(path, "data.enabled");
        assert!(reason.contains("invalid type"), "{reason}");
        let (path, reason) = decode_with_path(b"").unwrap_err();
        assert_eq!((path.as_str(), reason.as_str()), (".", "the body is empty"));
        let (path, _) = decode_with_path(br#"{"success":true} trailing"#).unwrap_err();
        assert_eq!(path, ".");
        // Found by the decode_response fuzz target: a syntax error inside an unknown "" key.
        let (path, reason) = decode_with_path(
            b"{\n  \"\" : {\n  \"code\" : \"00000000  \"ap0000000\"c08ab,\n  \"data\" : 8b68\"",
        )
        .unwrap_err();
        assert!(
            !path.is_empty() && !reason.is_empty(),
            "{path:?} {reason:?}"
        );
    }
}
