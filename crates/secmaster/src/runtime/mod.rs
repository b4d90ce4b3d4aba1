//! The one call path of every operation.
//!
//! A builder hands a [`Call`] its operation (a generated descriptor, [`Op`]), its path values,
//! query and body; the call checks and prepares them once against the descriptor
//! ([`request`]), and nothing is sent if anything is wrong. Awaited, it runs attempts
//! ([`attempt`]), reads each answer in the operation's shape ([`response`]), and retries what
//! the operation's retry class and the [`RetryPolicy`] allow, in a `tracing` span of its own.

mod attempt;
mod auth;
mod body;
mod builder;
mod failover;
mod form;
mod request;
mod response;

use std::marker::PhantomData;
use std::time::{Duration, Instant};

use bytes::Bytes;
use secmaster_bindings::{Op, Operation, RetryClass, Shape};
use serde::de::DeserializeOwned;
use tracing::Instrument;

pub(crate) use attempt::{Exchange, causes, is_transient};
pub(crate) use auth::{Auth, KeySource, Keys};
pub(crate) use builder::{Request, request_options};
pub(crate) use failover::Endpoints;
pub(crate) use form::encode_form;
pub(crate) use request::{Prepared, ProjectHeader, Query};
pub(crate) use response::Meta;
#[cfg(not(fuzzing))]
pub(crate) use response::decode_error_body;
#[cfg(fuzzing)]
pub use response::decode_error_body;
pub(crate) use response::header_text;

#[cfg(fuzzing)]
mod fuzzing;
#[cfg(fuzzing)]
pub use fuzzing::{expand_path, import_form, read_every_shape};

use crate::{Client, Error, RetryPolicy};
use response::Failure;

/// Settings of one call that override the client's.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub attempt_timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
}

/// A call of operation `O`, being prepared: each step checks what it is given against the
/// descriptor, and the first problem is what the call returns, before any I/O.
pub(crate) struct Call<O: Op> {
    client: Client,
    path: Vec<String>,
    query: Query,
    body: Option<Bytes>,
    /// The body's Content-Type, when it is not the pages' JSON (a multipart form).
    content_type: Option<reqwest::header::HeaderValue>,
    options: CallOptions,
    error: Option<Error>,
    how_to_check: &'static str,
    op: PhantomData<O>,
}

impl Client {
    /// Starts a call of `O` with its path parameters' values, in path order.
    pub(crate) fn call<O: Op>(&self, path: Vec<String>) -> Call<O> {
        Call {
            client: self.clone(),
            path,
            query: Query::default(),
            body: None,
            content_type: None,
            options: CallOptions::default(),
            error: None,
            how_to_check: "show or list what it acts on to see whether it took effect",
            op: PhantomData,
        }
    }
}

/// How a success of an operation's shape is read.
type Decoder<T> = fn(&Exchange, &crate::redact::Redactor) -> Result<(T, Meta), Failure>;

impl<O: Op> Call<O> {
    /// The query parameters set.
    pub(crate) fn query(mut self, query: Query) -> Self {
        self.query = query;
        self
    }

    /// A body already encoded (a multipart form), sent as `content_type` with these bytes.
    pub(crate) fn raw_body(
        mut self,
        body: Bytes,
        content_type: reqwest::header::HeaderValue,
    ) -> Self {
        self.body = Some(body);
        self.content_type = Some(content_type);
        self
    }

    /// The builder's own checks (rules the spec cannot state); the first error wins.
    pub(crate) fn check(mut self, checked: Result<(), Error>) -> Self {
        if let Err(e) = checked {
            self.fail(e);
        }
        self
    }

    /// How a user finds out whether a call of a not-idempotent operation took effect, when it
    /// failed in a way that leaves that unknown ([`Error::OutcomeUnknown`]).
    pub(crate) fn how_to_check(mut self, how: &'static str) -> Self {
        self.how_to_check = how;
        self
    }

    pub(crate) fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Sends the call, reads the `data` of its envelope, and makes the builder's result of it
    /// with `finish`.
    pub(crate) fn enveloped<R: 'static>(
        self,
        finish: fn(O::Data, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static
    where
        O::Data: DeserializeOwned + secmaster_bindings::Normalize + Send + 'static,
    {
        debug_assert!(matches!(
            O::OPERATION.response.shape,
            Shape::Envelope { data: true, .. }
        ));
        self.send(response::envelope::<O::Data>, finish)
    }

    /// Sends the call, whose envelope carries no `data` (a command, an import), and makes the
    /// builder's result of what it says with `finish`.
    pub(crate) fn acknowledged<R: 'static>(
        self,
        finish: fn((), Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static {
        debug_assert!(matches!(
            O::OPERATION.response.shape,
            Shape::Envelope { data: false, .. }
        ));
        self.send(response::acknowledged, finish)
    }

    /// Sends the call and reads its bare body into the builder's result with `finish`.
    pub(crate) fn bare<R: 'static>(
        self,
        finish: fn(O::Data, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static
    where
        O::Data:
            DeserializeOwned + Default + PartialEq + secmaster_bindings::Normalize + Send + 'static,
    {
        debug_assert!(matches!(
            O::OPERATION.response.shape,
            Shape::Bare | Shape::BareList
        ));
        self.send(response::bare::<O::Data>, finish)
    }

    /// The request body, already serialized (JSON made from the spec's fields, its
    /// `x-required-when` rules checked).
    pub(crate) fn json_body(mut self, bytes: Bytes) -> Self {
        self.body = Some(bytes);
        self
    }

    /// Sends the call, whose success has no body to read.
    #[allow(dead_code)] // No operation of today's spec answers without a body.
    pub(crate) fn empty<R: 'static>(
        self,
        finish: fn((), Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static {
        debug_assert_eq!(O::OPERATION.response.shape, Shape::Empty);
        self.send(response::empty, finish)
    }

    /// Sends the call and keeps its body's bytes (a file) in the builder's result (`finish`).
    pub(crate) fn binary<R: 'static>(
        self,
        finish: fn(Bytes, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static {
        debug_assert_eq!(O::OPERATION.response.shape, Shape::Binary);
        self.send(response::binary, finish)
    }

    /// Checks and prepares the request now; the returned future sends it (nothing is sent until
    /// it is awaited, nothing at all when the call is invalid).
    ///
    /// The builder's result is made by `finish` inside this one future, not in an `async` block
    /// of the builder's around it, which would hold this future twice (as the value it captured
    /// and as the future it awaits): the size of a call's future is what hundreds of calls in
    /// flight keep in memory, and what their cache misses are made of.
    fn send<T: Send + 'static, R: 'static>(
        self,
        decode: Decoder<T>,
        finish: fn(T, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static {
        let op = O::OPERATION;
        let prepared = match self.error {
            Some(e) => Err(e),
            None => {
                let inner = self.client.shared();
                let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
                request::prepare(
                    op,
                    &inner.endpoint.url,
                    inner.aksk,
                    &path,
                    &self.query,
                    self.body,
                )
                .map(|mut prepared| {
                    if let Some(content_type) = self.content_type {
                        prepared.content_type = content_type;
                    }
                    prepared
                })
            }
        };
        let (client, options, how_to_check) = (self.client, self.options, self.how_to_check);
        let (workspace_id, id) = span_ids(op, self.path);
        async move {
            // Borrowed, not moved out: a moved copy would be held in the future beside it.
            let prepared = match prepared {
                Ok(ref prepared) => prepared,
                Err(e) => return Err(e),
            };
            // Made when the future first runs, so that its parent is the span current where the
            // call is awaited.
            let span = tracing::info_span!("secmaster.call", operation = op.id, workspace_id, id);
            let (result, meta) = execute(&client, op, prepared, &options, decode)
                .instrument(span)
                .await
                .map_err(|error| outcome(op, error, how_to_check))?;
            Ok(finish(result, meta))
        }
    }
}

/// Reads a 200 answer with `body` as a call of `O` reads it (for the benchmarks and the fuzz
/// targets: the client's real decoding, not a copy).
pub(crate) fn read_enveloped<O: Op>(body: Bytes) -> Result<(O::Data, Meta), Error>
where
    O::Data: DeserializeOwned + secmaster_bindings::Normalize,
{
    let exchange = Exchange::ok(body);
    response::envelope::<O::Data>(&exchange, &crate::redact::Redactor::default())
        .map_err(|(e, _)| e)
}

/// The IDs a call's span names: its workspace, and the resource it acts on (its last path
/// value, when that is not the project or the workspace).
fn span_ids(op: &Operation, path: Vec<String>) -> (String, String) {
    let names: Vec<&str> = op.path_params().collect();
    let mut workspace = String::new();
    let mut id = String::new();
    for (name, value) in names.iter().zip(path) {
        match *name {
            "workspace_id" => workspace = value,
            "project_id" => {}
            _ => id = value,
        }
    }
    (workspace, id)
}

/// The attempt loop: sends `prepared` until it succeeds, fails for good, or the retry policy
/// stops.
async fn execute<T>(
    client: &Client,
    op: &'static Operation,
    prepared: &Prepared,
    options: &CallOptions,
    decode: Decoder<T>,
) -> Result<(T, Meta), Error> {
    let inner = client.shared();
    let policy = options.retry.as_ref().unwrap_or(&inner.retry);
    let timeout = options.attempt_timeout.unwrap_or(inner.attempt_timeout);
    let limit = match op.response.shape {
        Shape::Binary => (inner.max_download_bytes, "max_download_bytes"),
        _ => (inner.max_response_bytes, "max_response_bytes"),
    };
    let started = Instant::now();
    let mut attempt_no = 0;
    // Whether an attempt failed in a way that may have let it act (its answer lost). A read
    // cannot have acted, whatever happened to its answer.
    let mut ambiguous_before = false;
    let acts = !attempt::is_read(op);
    loop {
        attempt_no += 1;
        let attempt_started = Instant::now();
        let outcome =
            attempt::attempt_once(inner, (op, prepared), timeout, limit, attempt_no, decode).await;
        let latency_ms = attempt_started.elapsed().as_millis() as u64;
        let (error, retry_after) = match outcome {
            Ok((result, mut meta)) => {
                meta.request_id = meta.request_id.map(|id| inner.redactor.text(id));
                meta.after_ambiguous = ambiguous_before;
                let request_id = meta.request_id.as_deref().unwrap_or("");
                tracing::info!(
                    attempt = attempt_no,
                    request_id,
                    latency_ms,
                    "call succeeded"
                );
                return Ok((result, meta));
            }
            Err(failure) => failure,
        };
        // Every error passes here, whatever its variant: no secret reaches it or the log.
        let error = inner.redactor.error(
            error
                .with_attempts(attempt_no, started.elapsed(), op.id)
                .after_ambiguous(ambiguous_before),
        );
        ambiguous_before |= acts && error.is_ambiguous();
        tracing::warn!(
            attempt = attempt_no,
            status = error.status().unwrap_or(0),
            request_id = error.request_id().unwrap_or(""),
            latency_ms,
            error = %error,
            "attempt failed"
        );
        if !may_retry(&error, op.retry) {
            return Err(error);
        }
        let Some(delay) = policy.next_delay(attempt_no, started.elapsed(), retry_after) else {
            return Err(error);
        };
        tracing::info!(
            attempt = attempt_no,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(delay).await;
    }
}

/// The error a call ends with: for an operation that could act twice, an ambiguous failure
/// (it was not sent again), or a 2xx whose body cannot be read (it most likely took effect), is
/// an [`Error::OutcomeUnknown`] that says how to find out.
fn outcome(op: &'static Operation, error: Error, how_to_check: &'static str) -> Error {
    let unreadable_success = matches!(
        error,
        Error::Decode {
            status: 200..=299,
            ..
        } | Error::ResponseTooLarge {
            status: 200..=299,
            ..
        }
    );
    if op.retry == RetryClass::NotIdempotent && (error.is_ambiguous() || unreadable_success) {
        Error::OutcomeUnknown {
            operation: op.id,
            how_to_check,
            source: Box::new(error),
        }
    } else {
        error
    }
}

/// Whether a failed attempt may be sent again, by the operation's retry class: an idempotent
/// operation after any transient failure; one that could act twice only when the attempt surely
/// never reached the service (refused connections, 429).
fn may_retry(error: &Error, class: RetryClass) -> bool {
    match class {
        RetryClass::Idempotent => error.is_retryable(),
        RetryClass::NotIdempotent => error.never_reached_the_service() && error.is_retryable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;

    fn service(status: u16) -> Error {
        Error::Service(Box::new(ServiceError {
            status,
            code: None,
            message: None,
            request_id: None,
            attempts: 1,
            earlier_attempt_may_have_succeeded: false,
            operation: None,
        }))
    }

    #[tokio::test]
    async fn what_is_retried_comes_from_the_operations_retry_class() {
        let refused = reqwest::Client::new()
            .get("http://127.0.0.1:1/")
            .send()
            .await
            .unwrap_err();
        let refused = Error::Transport {
            connect: refused.is_connect(),
            attempts: 1,
            source: refused,
        };
        let timeout = Error::Timeout {
            elapsed: Duration::from_secs(1),
            attempts: 1,
        };
        let cases = [
            (service(503), true, false),
            (service(500), true, false),
            (service(429), true, true),
            (service(400), false, false),
            (timeout, true, false),
            (refused, true, true),
        ];
        for (error, idempotent, not_idempotent) in cases {
            assert_eq!(
                may_retry(&error, RetryClass::Idempotent),
                idempotent,
                "{error}"
            );
            assert_eq!(
                may_retry(&error, RetryClass::NotIdempotent),
                not_idempotent,
                "a repeat could act twice: {error}"
            );
        }
    }
}
