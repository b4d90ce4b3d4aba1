//! The one error type of the crate: what happened, to which field or request, and what to do.

use std::time::Duration;

pub(crate) use crate::redact::one_line;
pub use crate::service_error::ServiceError;

/// Everything that can go wrong with a call or with building a client.
///
/// Display is one readable line with the HTTP status, error code, message and request id where
/// there are any. Secrets (tokens, SK, security tokens) never appear in it.
///
/// ```
/// # use secmaster::Error;
/// fn explain(e: &Error) -> String {
///     match (e.status(), e.code()) {
///         (Some(401), Some("APIGW.0301")) => "check the AK/SK and the clock".to_owned(),
///         _ if e.is_retryable() => format!("transient, try later: {e}"),
///         _ => e.to_string(),
///     }
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument failed validation; nothing was sent.
    #[error("invalid {field}: {reason} (nothing was sent)")]
    InvalidInput {
        /// The field or argument at fault, as named in the API (`version_id`, `workflow_id`, ...),
        /// or, where the builder's setter names a wire field otherwise, as the setter does
        /// (`workflow_id` for the validation's `aopworkflow_id`).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// The client could not be built from its configuration (endpoint, region, credentials).
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// No usable credentials: a provider found something broken (an AK without its SK, an
    /// unreadable file, a malformed answer), none found anything, or temporary keys expired and
    /// could not be refreshed. Nothing was sent.
    #[error("no usable credentials from {provider}: {}", one_line(reason))]
    Credentials {
        /// Where they were looked for ("the environment", "the profile file /root/...").
        provider: String,
        /// What is wrong, or what each provider looked at.
        reason: String,
    },

    /// The service answered with an error: a non-2xx status, or a 2xx whose body refuses the
    /// request (`success: false`, or an error code in an answer without `success`).
    #[error("{0}")]
    Service(Box<ServiceError>),

    /// A 2xx response body could not be decoded.
    #[error("could not decode the HTTP {status} response at `{}`: {}{}", one_line(path), one_line(reason), request_id_suffix(request_id.as_deref()))]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// Path of the field that failed (`data.enabled`), or `.` for the whole body.
        path: String,
        /// What the decoder said.
        reason: String,
        /// Request id from the `X-Request-Id` header, when the server sent one.
        request_id: Option<String>,
    },

    /// The response body was larger than the configured limit; reading stopped there.
    #[error("the HTTP {status} response body is larger than the {limit}-byte limit (see ClientBuilder::{setter}){}", request_id_suffix(request_id.as_deref()))]
    ResponseTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
        /// The `ClientBuilder` setter of that limit: `max_response_bytes` for JSON answers,
        /// `max_download_bytes` for files (an export).
        setter: &'static str,
        /// Request id from the `X-Request-Id` header, when the server sent one.
        request_id: Option<String>,
    },

    /// An attempt, or the whole call with its retries, took longer than allowed.
    #[error("timed out after {elapsed:?} ({attempts} attempt{})", plural(*attempts))]
    Timeout {
        /// Time spent on the call, across all attempts.
        elapsed: Duration,
        /// Attempts made.
        attempts: u32,
    },

    /// The request could not be sent or the response not read: connection refused or reset,
    /// DNS or TLS failure, connection closed mid-body, an answer that breaks HTTP. Display says
    /// the cause (reqwest's own message is only "error sending request").
    #[error("{} after {attempts} attempt{}: {}", if *connect { "could not connect" } else { "connection failed" }, plural(*attempts), one_line(&crate::runtime::causes(source)))]
    Transport {
        /// Whether the failure happened while connecting (nothing reached the server).
        connect: bool,
        /// Attempts made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// Every endpoint of the region refused the connection or the TLS handshake (several are
    /// listed by `HUAWEICLOUD_SDK_REGION_SECMASTER_<REGION>` or the regions file, and each was
    /// tried in turn); `source` is the last one's failure.
    #[error("every endpoint refused ({}): {source}", endpoints.join(", "))]
    AllEndpointsFailed {
        /// The endpoints tried.
        endpoints: Vec<String>,
        /// The failure of the last one.
        source: Box<Error>,
    },

    /// A call that could act twice if repeated (a create, a review) failed in a way that leaves
    /// its outcome unknown: a 5xx, a timeout, or a connection lost after the request was sent.
    /// It was not sent again. `how_to_check` says how to find out whether it took effect; the
    /// failure itself is `source` ([`status`](Self::status), [`code`](Self::code) and
    /// [`request_id`](Self::request_id) read through to it).
    #[error(
        "{source}; the outcome is unknown: the request may have reached SecMaster, and it was not sent again because a repeat could act twice ({how_to_check})"
    )]
    OutcomeUnknown {
        /// The operation (its operationId, `CreateAopWorkflow`).
        operation: &'static str,
        /// How to find out whether the call took effect.
        how_to_check: &'static str,
        /// The failure of the last attempt.
        source: Box<Error>,
    },

    /// An operation on many IDs at once (a batch delete, a conversion of alerts, relations
    /// created together) acted on some of them and not on the others: its answer's `error_ids`.
    /// What succeeded stays done; show the failed IDs to see why (an ID that does not exist, an
    /// object in a state that refuses it), then send the call again for those alone. When an
    /// earlier attempt of the same call was lost (a retried delete), a failed ID may be one that
    /// attempt already acted on.
    #[error("{operation} did not act on {} of {} IDs: {}{}{}", failed.len(), failed.len() + succeeded.len(), id_list(failed), if *earlier_attempt_may_have_succeeded { " (an earlier attempt of this call was lost and may have acted on them)" } else { "" }, request_id_suffix(request_id.as_deref()))]
    PartialFailure {
        /// The operationId.
        operation: &'static str,
        /// The IDs it acted on.
        succeeded: Vec<String>,
        /// The IDs it did not act on.
        failed: Vec<String>,
        /// Whether an earlier attempt of the same call failed in a way that may have let it act
        /// (a 5xx, a timeout, an answer lost), so that a failed ID may already be done.
        earlier_attempt_may_have_succeeded: bool,
        /// The request ID of the answer.
        request_id: Option<String>,
    },

    /// A wait for something to reach a state (a run to finish, a version to leave
    /// `publishing`) ran out of time; `last_status` is what the last answer said.
    #[error("gave up waiting for {what} after {waited:?}: the last status seen was {}", last_status.as_deref().map_or_else(|| "none".to_owned(), one_line))]
    WaitTimedOut {
        /// What was awaited ("the instance to finish").
        what: &'static str,
        /// How long it waited.
        waited: Duration,
        /// The status of the last answer, when it had one.
        last_status: Option<String>,
    },

    /// Paging through a list reached the service's largest offset (10000) with items left, or
    /// the end of its paging window (`offset + limit` below 10000 for playbook instances and
    /// audit logs: offsets up to 9998 and 9989): narrow the query with filters instead. Every
    /// item before it was yielded.
    #[error("the list has more items than paging can reach: the service takes offsets up to {max_offset}, and {yielded} items were read of {}", total.map_or_else(|| "more".to_owned(), |t| t.to_string()))]
    PagingLimit {
        /// The largest offset a page can start at.
        max_offset: u32,
        /// Items yielded before stopping.
        yielded: u64,
        /// How many items the service said match, when it said.
        total: Option<u64>,
    },
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.status(),
            Self::Service(e) => Some(e.status),
            Self::Decode { status, .. } | Self::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The service's error code (`APIGW.0301`, `SecMaster.xxx`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.code(),
            Self::Service(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The service's error message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.message(),
            Self::Service(e) => e.message.as_deref(),
            _ => None,
        }
    }

    /// The request id to quote to Huawei Cloud support, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.request_id(),
            Self::Service(e) => e.request_id.as_deref(),
            Self::Decode { request_id, .. }
            | Self::ResponseTooLarge { request_id, .. }
            | Self::PartialFailure { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The field at fault, for [`Error::InvalidInput`].
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The service error, for [`Error::Service`] (and an [`Error::OutcomeUnknown`] whose failure
    /// was one).
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.service(),
            Self::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the service said that what the call names does not exist
    /// ([`ServiceError::is_not_found`]: a 404, or the answer the spec declares for the
    /// operation, as 400 `SecMaster.20030005` for a missing alert). After an ambiguous earlier
    /// attempt of a delete, it may only mean that attempt succeeded
    /// ([`ServiceError::earlier_attempt_may_have_succeeded`]).
    pub fn is_not_found(&self) -> bool {
        self.service().is_some_and(ServiceError::is_not_found)
    }

    /// Whether the same call may be made again and succeed later, for the operation that
    /// failed: 429, 500, 502, 503, 504, timeouts, and connection failures that can pass (refused
    /// or reset connections, DNS failures, a connection closed mid-answer). Not retryable:
    /// validation errors, other 4xx, refusals in a 2xx body, answers that break HTTP, and a call whose
    /// outcome is unknown ([`is_outcome_unknown`](Self::is_outcome_unknown)), which a repeat
    /// could perform twice. Retries already made by the client count against this.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::AllEndpointsFailed { source, .. } => source.is_retryable(),
            Self::OutcomeUnknown { .. } => false,
            Self::Service(e) => is_retryable_status(e.status),
            Self::Timeout { .. } => true,
            Self::Transport { source, .. } => crate::runtime::is_transient(source),
            _ => false,
        }
    }

    /// Whether a call that a repeat could perform twice failed in a way that leaves unknown
    /// whether it took effect ([`Error::OutcomeUnknown`]): check before trying again.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown { .. })
    }

    /// Whether the failed attempt may have reached the service and acted: a 5xx, a timeout, a
    /// connection lost after the request was written.
    pub(crate) fn is_ambiguous(&self) -> bool {
        match self {
            Self::Service(e) => e.status >= 500,
            Self::Timeout { .. } => true,
            Self::Transport { connect, .. } => !connect,
            _ => false,
        }
    }

    /// Whether the failed attempt surely never reached the service: the connection could not
    /// be made, or the gateway throttled it (429) before it was processed. Only then is an
    /// operation that could act twice sent again.
    pub(crate) fn never_reached_the_service(&self) -> bool {
        match self {
            Self::AllEndpointsFailed { .. } => true,
            Self::Service(e) => e.status == 429,
            Self::Transport { connect, .. } => *connect,
            _ => false,
        }
    }

    /// Marks a 4xx refusal that came after an ambiguous attempt of the same call: it may only
    /// say that the earlier attempt took effect.
    pub(crate) fn after_ambiguous(self, ambiguous_before: bool) -> Self {
        match self {
            Self::Service(mut e) if ambiguous_before && is_refusal_of_the_request(e.status) => {
                e.earlier_attempt_may_have_succeeded = true;
                Self::Service(e)
            }
            other => other,
        }
    }

    /// Records the attempts made (and the total time, for timeouts) in the final error, and the
    /// operation a service error refused.
    pub(crate) fn with_attempts(
        self,
        attempts: u32,
        elapsed: Duration,
        operation: &'static str,
    ) -> Self {
        match self {
            Self::Service(mut e) => {
                e.attempts = attempts;
                e.operation = Some(operation);
                Self::Service(e)
            }
            Self::Timeout { .. } => Self::Timeout { elapsed, attempts },
            Self::AllEndpointsFailed { endpoints, source } => Self::AllEndpointsFailed {
                endpoints,
                source: Box::new(source.with_attempts(attempts, elapsed, operation)),
            },
            Self::Transport {
                connect, source, ..
            } => Self::Transport {
                connect,
                attempts,
                source,
            },
            other => other,
        }
    }
}

/// Whether `status` refuses the request itself (a 4xx about its content or its target, or a 2xx
/// refusal), which a repeat of a call that already took effect may receive. Not: authentication
/// and size refusals, throttling.
fn is_refusal_of_the_request(status: u16) -> bool {
    (200..300).contains(&status)
        || ((400..500).contains(&status) && !matches!(status, 401 | 403 | 407 | 413 | 429))
}

/// The statuses worth another attempt of an idempotent request.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

pub(crate) fn request_id_suffix(request_id: Option<&str>) -> String {
    match request_id {
        Some(id) if !id.is_empty() => format!(" (request id {})", one_line(id)),
        _ => String::new(),
    }
}

/// The first few of `ids`, on one line.
fn id_list(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = ids.iter().take(SHOWN).map(|id| one_line(id)).collect();
    match ids.len().saturating_sub(SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}
