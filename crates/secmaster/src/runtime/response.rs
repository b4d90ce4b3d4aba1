//! Reading an answer: error statuses in any error shape, and a success in its operation's shape
//! (the envelope, a bare body, a file), with `success: false` and a missing `data` as the errors
//! they are.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, RETRY_AFTER};
use secmaster_bindings::Normalize;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::attempt::Exchange;
use crate::error::{ServiceError, is_retryable_status};
use crate::retry::parse_retry_after;
use crate::{Error, redact::Redactor};

/// A failed attempt: the error, with the server's `Retry-After` when it sent one.
pub(crate) type Failure = (Error, Option<Duration>);

/// What a success says besides its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Meta {
    /// The body's `request_id` when non-empty, else the `X-Request-Id` header.
    pub request_id: Option<String>,
    /// For a page of a list: how many items match in all.
    pub total: Option<u64>,
    /// Whether an earlier attempt of the same call failed in a way that may have let it act
    /// (its answer lost): a batch's "not acted on" may then mean "already done".
    pub after_ambiguous: bool,
    /// The service's deprecation notice, when the answer carries one.
    pub deprecation: Option<crate::Deprecation>,
}

/// The request ID a gateway sets on every answer.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub(crate) fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A success's request id: the body's when it is not empty, else the `X-Request-Id` header.
fn request_id(exchange: &Exchange, in_body: Option<String>) -> Option<String> {
    in_body
        .filter(|id| !id.is_empty())
        .or_else(|| header_text(&exchange.headers, &X_REQUEST_ID))
}

/// The error of an answer that is not a usable success: a non-2xx status (even a truncated error
/// body tells the status, and whether to retry), or a 2xx body over the limit.
pub(crate) fn unsuccessful(
    exchange: &Exchange,
    redactor: &Redactor,
    (limit, setter): (usize, &'static str),
    now: std::time::SystemTime,
) -> Option<Failure> {
    let request_id = header_text(&exchange.headers, &X_REQUEST_ID);
    let status = exchange.status.as_u16();
    if exchange.status.is_success() {
        return exchange.truncated.then_some((
            Error::ResponseTooLarge {
                status,
                limit,
                setter,
                request_id,
            },
            None,
        ));
    }
    let retry_after = header_text(&exchange.headers, &RETRY_AFTER)
        .and_then(|v| parse_retry_after(&v, now))
        .filter(|_| is_retryable_status(status));
    let mut error = decode_error_body(status, &exchange.body, request_id);
    redactor.service_error(&mut error);
    Some((Error::Service(Box::new(error)), retry_after))
}

/// The `{code, message, success, request_id, data}` envelope, with the list members beside.
#[derive(Deserialize)]
#[serde(bound = "D: Deserialize<'de>", expecting = "the response envelope")]
struct Envelope<D> {
    code: Option<String>,
    message: Option<String>,
    success: Option<bool>,
    request_id: Option<String>,
    data: Option<D>,
    #[serde(default, deserialize_with = "count")]
    total: Option<u64>,
}

/// A list's `total`, read leniently: it is no part of the result, so an integer as text
/// (`"12"`), a negative or fractional number, `null`, an object or an array reads as unknown
/// rather than failing the page it came with. (A number no `f64` holds, `1e400`, is not JSON
/// serde_json reads: the body fails as a whole.)
fn count<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// An enveloped success: its `data`, which the operation documents, so that a success without
/// it is an error, not an empty result.
pub(crate) fn envelope<D: DeserializeOwned + Normalize>(
    exchange: &Exchange,
    redactor: &Redactor,
) -> Result<(D, Meta), Failure> {
    let body: Envelope<D> = decode(&exchange.body)
        .map_err(|(path, reason)| undecodable(exchange, redactor, path, reason))?;
    let refuses = body.refuses();
    let request_id = request_id(exchange, body.request_id);
    if refuses {
        return Err(refused(
            exchange,
            redactor,
            body.code,
            body.message,
            request_id,
        ));
    }
    let Some(mut data) = body.data else {
        let reason = match body.success {
            Some(true) => {
                "missing: the answer says success but carries no `data`, which this operation documents"
            }
            _ => "missing: the body has neither `success: true` nor `data`",
        };
        return Err(undecodable(
            exchange,
            redactor,
            "data".to_owned(),
            reason.to_owned(),
        ));
    };
    data.normalize();
    Ok((
        data,
        Meta {
            request_id,
            after_ambiguous: false,
            deprecation: None,
            total: body.total,
        },
    ))
}

impl<D> Envelope<D> {
    /// Whether the envelope refuses the request: `success: false`, or, without `success`, an
    /// error code as the 400s use them. Answers without `success` (the review's `{code,
    /// message, data}`) say success with an all-zero code (`00000000`, the pages' example) or
    /// none; anything else (`SecMaster.20010001`) is a refusal, as the official SDKs cannot
    /// tell but the pages' 400s show.
    fn refuses(&self) -> bool {
        let error_code = self
            .code
            .as_deref()
            .map(str::trim)
            .is_some_and(|c| !c.is_empty() && !c.bytes().all(|b| b == b'0'));
        self.success == Some(false) || (self.success.is_none() && error_code)
    }
}

/// An envelope without `data` (a command's or an import's answer): a success unless it says
/// `success: false` or carries an error code.
pub(crate) fn acknowledged(
    exchange: &Exchange,
    redactor: &Redactor,
) -> Result<((), Meta), Failure> {
    // The gateway's `{error_code, error_msg}` in a 2xx is a refusal too.
    check_verdict(exchange, redactor)?;
    let body: Envelope<serde::de::IgnoredAny> = decode(&exchange.body)
        .map_err(|(path, reason)| undecodable(exchange, redactor, path, reason))?;
    let refuses = body.refuses();
    let request_id = request_id(exchange, body.request_id);
    if refuses {
        return Err(refused(
            exchange,
            redactor,
            body.code,
            body.message,
            request_id,
        ));
    }
    if body.success.is_none() && body.code.is_none() {
        let reason = "missing: the body has neither `success` nor `code`".to_owned();
        return Err(undecodable(
            exchange,
            redactor,
            "success".to_owned(),
            reason,
        ));
    }
    Ok((
        (),
        Meta {
            request_id,
            after_ambiguous: false,
            deprecation: None,
            total: None,
        },
    ))
}

/// The members a bare or binary success is checked for: a body that says `success: false` is a
/// refusal whatever its operation's shape.
#[derive(Deserialize)]
struct Verdict {
    success: Option<bool>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    /// The gateway's error shape, which has no `success`.
    error_code: Option<String>,
    error_msg: Option<String>,
}

/// A bare success: the body is the result. One that holds none of the result's fields (`{}`) is
/// no result, whatever leniency allows for each field.
pub(crate) fn bare<D: DeserializeOwned + Default + PartialEq + Normalize>(
    exchange: &Exchange,
    redactor: &Redactor,
) -> Result<(D, Meta), Failure> {
    let mut data: D = decode(&exchange.body)
        .map_err(|(path, reason)| undecodable(exchange, redactor, path, reason))?;
    check_verdict(exchange, redactor)?;
    // An answer that is a list may be empty; an object must hold something.
    if data == D::default() && !exchange.body.trim_ascii_start().starts_with(b"[") {
        let reason = "the body holds none of the result's fields".to_owned();
        return Err(undecodable(exchange, redactor, ".".to_owned(), reason));
    }
    data.normalize();
    let request_id = header_text(&exchange.headers, &X_REQUEST_ID);
    Ok((
        data,
        Meta {
            request_id,
            after_ambiguous: false,
            deprecation: None,
            total: None,
        },
    ))
}

/// A success with no body to read: whatever it holds (nothing, as a rule) is not the result,
/// unless it is a refusal.
#[allow(dead_code)] // No operation of today's spec answers without a body.
pub(crate) fn empty(exchange: &Exchange, redactor: &Redactor) -> Result<((), Meta), Failure> {
    check_verdict(exchange, redactor)?;
    let request_id = header_text(&exchange.headers, &X_REQUEST_ID);
    Ok((
        (),
        Meta {
            request_id,
            after_ambiguous: false,
            deprecation: None,
            total: None,
        },
    ))
}

/// A file: the body's bytes (unless it is a JSON refusal).
pub(crate) fn binary(exchange: &Exchange, redactor: &Redactor) -> Result<(Bytes, Meta), Failure> {
    let json = exchange
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if json {
        check_verdict(exchange, redactor)?;
    }
    let request_id = header_text(&exchange.headers, &X_REQUEST_ID);
    Ok((
        exchange.body.clone(),
        Meta {
            request_id,
            after_ambiguous: false,
            deprecation: None,
            total: None,
        },
    ))
}

fn check_verdict(exchange: &Exchange, redactor: &Redactor) -> Result<(), Failure> {
    match serde_json::from_slice::<Verdict>(&exchange.body) {
        Ok(v)
            if v.success == Some(false)
                || v.error_code.as_deref().is_some_and(|c| !c.is_empty()) =>
        {
            let request_id = request_id(exchange, v.request_id);
            let (code, message) = match v.error_code {
                Some(code) if !code.is_empty() => (Some(code), v.error_msg),
                _ => (v.code, v.message),
            };
            Err(refused(exchange, redactor, code, message, request_id))
        }
        _ => Ok(()),
    }
}

/// A 2xx body that does not decode.
fn undecodable(exchange: &Exchange, redactor: &Redactor, path: String, reason: String) -> Failure {
    (
        Error::Decode {
            status: exchange.status.as_u16(),
            path,
            reason: redactor.text(reason),
            request_id: header_text(&exchange.headers, &X_REQUEST_ID),
        },
        None,
    )
}

/// A 2xx body that says `success: false` (the peers' SDKs report these as successes).
fn refused(
    exchange: &Exchange,
    redactor: &Redactor,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
) -> Failure {
    let mut error = ServiceError {
        status: exchange.status.as_u16(),
        code: code.filter(|c| !c.is_empty()),
        message: message.filter(|m| !m.is_empty()),
        request_id,
        attempts: 1,
        earlier_attempt_may_have_succeeded: false,
        operation: None,
    };
    redactor.service_error(&mut error);
    (Error::Service(Box::new(error)), None)
}

/// Decodes a 2xx body; on failure decodes it again to name the field that failed.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    // Tracking the path slows every field down; a body that decodes never needs it.
    serde_json::from_slice(body).or_else(|_| decode_tracking(body))
}

/// Decodes `body` as a `T`, naming the path of the field that failed (`.` for the body as a
/// whole: empty, or text after the JSON value).
pub fn decode_tracking<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
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

mod error_body;
pub use error_body::decode_error_body;

#[cfg(test)]
mod tests;
