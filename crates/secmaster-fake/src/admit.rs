//! Admitting a request: its credentials checked as far as the headers allow, room for its body
//! reserved in the budget all connections share ([`Limits::body_budget_bytes`]), the body read
//! within its limits, then the signature checked over it.
//!
//! So a request with a wrong token, an unknown access key, a malformed `Authorization` or a
//! stale `X-Sdk-Date` costs no byte of body, and however many connections send bodies at once,
//! the fake holds at most the budget of them (a body that does not fit waits, unread in its
//! socket, until others are done).

use std::sync::Arc;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::auth::{Identity, Line, Refusal};
use crate::server::gateway_error;
use crate::{Inner, JournalEntry, Limits};

/// The share of the body budget a request holds while it lives (released when dropped).
pub(crate) type Reserved = Arc<OwnedSemaphorePermit>;

/// The budget of request-body bytes held at once, across connections.
pub(crate) fn budget(limits: &Limits) -> Arc<Semaphore> {
    let bytes = limits
        .body_budget_bytes
        .max(limits.max_body_bytes)
        .min(Semaphore::MAX_PERMITS);
    Arc::new(Semaphore::new(bytes))
}

/// Reads the body and authenticates the request, or answers why not (a line in the journal).
/// The headers are checked first (a token whole, a signature as far as it can be without the
/// body), so a request refused on them costs no body; a declared `Content-Length` over the limit
/// is refused at once. Then the body's room is reserved in the budget, the body read, and a
/// signature checked over it.
pub(crate) async fn admit(
    fake: &Inner,
    parts: &Parts,
    body: Body,
    request_id: &str,
) -> Result<(Bytes, Identity, Reserved), Response> {
    let refuse = |body_len: usize, status: StatusCode, code: &str, message: &str| {
        // A body left unread is hyper's to drain or, if it is not all there, to close on.
        fake.record(JournalEntry::line(parts, body_len));
        gateway_error(status, code, message, request_id)
    };
    let unauthorized = |body_len: usize, refusal: Refusal| {
        let (code, message) = (refusal.code, refusal.message);
        refuse(body_len, StatusCode::UNAUTHORIZED, code, &message)
    };
    let pending = fake
        .keyring()
        .precheck(&parts.headers, fake.now())
        .map_err(|refusal| unauthorized(0, refusal))?;
    let max = fake.limits.max_body_bytes;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let too_large = "Request entity too large";
    let payload_too_large = StatusCode::PAYLOAD_TOO_LARGE;
    if declared.is_some_and(|n| n > max as u64) {
        return Err(refuse(0, payload_too_large, "APIGW.0201", too_large));
    }
    // A body of unknown length (chunked) reserves the most a body may be.
    let room = declared.map_or(max, |n| usize::try_from(n).unwrap_or(max));
    let deadline = Instant::now() + fake.limits.body_read_timeout;
    let Ok(reserved) = reserve(fake, room, deadline).await else {
        let mut r = refuse(
            0,
            StatusCode::SERVICE_UNAVAILABLE,
            "APIGW.0201",
            "The fake is reading too many request bodies at once; retry later",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return Err(r);
    };
    let body = match tokio::time::timeout_at(deadline, read(body, max, room)).await {
        Ok(Some(body)) => body,
        Ok(None) => return Err(refuse(0, payload_too_large, "APIGW.0201", too_large)),
        Err(_) => {
            let message = "The request body did not arrive in time";
            return Err(refuse(
                0,
                StatusCode::REQUEST_TIMEOUT,
                "APIGW.0201",
                message,
            ));
        }
    };
    let line = Line {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
    };
    match pending.finish(&line, &parts.headers, &body) {
        Ok(identity) => Ok((body, identity, reserved)),
        Err(refusal) => Err(unauthorized(body.len(), refusal)),
    }
}

/// `room` bytes of the budget, waiting for them until `deadline`.
async fn reserve(fake: &Inner, room: usize, deadline: Instant) -> Result<Reserved, ()> {
    let permits = u32::try_from(room).unwrap_or(u32::MAX);
    let acquire = fake.bodies.clone().acquire_many_owned(permits);
    match tokio::time::timeout_at(deadline, acquire).await {
        Ok(Ok(permit)) => Ok(Arc::new(permit)),
        _ => Err(()),
    }
}

/// The body, into one buffer of its declared size (`None` past `max`).
async fn read(body: Body, max: usize, room: usize) -> Option<Bytes> {
    let mut buf = BytesMut::with_capacity(room.min(max));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        // A broken body reads as too large: it cannot be taken either way.
        let chunk = chunk.ok()?;
        if buf.len() + chunk.len() > max {
            return None;
        }
        buf.extend_from_slice(&chunk);
    }
    Some(buf.freeze())
}
