//! One attempt on the wire: the prepared request, authenticated, sent through the client's
//! connection pool within the attempt timeout, and its answer read with a bound on the body.

use std::error::Error as _;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::request::Prepared;
use crate::Error;

/// The raw answer to one attempt, as read from the wire.
pub(crate) struct Exchange {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body, or its first bytes when it was larger than the limit.
    pub body: Bytes,
    /// Whether the body was larger than the limit (reading stopped there).
    pub truncated: bool,
}

impl Exchange {
    /// A complete 200 answer with `body` and no headers: how the benchmarks and the fuzz
    /// targets hand the client's decoding a body.
    pub(crate) fn ok(body: Bytes) -> Self {
        Self {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body,
            truncated: false,
        }
    }
}

/// The most reserved up front for a body; a declared length is a hint, not a promise (a hostile
/// server may declare any), and the buffer grows with what arrives.
const INITIAL_BODY_CAPACITY: usize = 16 * 1024;

/// Sends one attempt and reads its answer, within `timeout`, keeping at most `limit` bytes of
/// the body.
pub(crate) async fn attempt(
    inner: &crate::client::Inner,
    prepared: &Prepared,
    host: Option<&reqwest::header::HeaderValue>,
    timeout: Duration,
    limit: usize,
    attempt_no: u32,
) -> Result<Exchange, Error> {
    let auth = &inner.auth;
    // Refreshing the keys is bounded on its own (CREDENTIALS_REFRESH_TIMEOUT), not by the
    // attempt's time.
    let keys = auth.keys().await?;
    let request = match host {
        Some(host) => auth.request_to(prepared, &keys, host)?,
        None => auth.request(prepared, &keys)?,
    };
    let exchange = tokio::time::timeout(timeout, exchange(&inner.http, request, limit)).await;
    match exchange {
        Ok(Ok(exchange)) => Ok(exchange),
        Ok(Err(source)) if !source.is_timeout() => Err(Error::Transport {
            connect: source.is_connect(),
            attempts: attempt_no,
            source,
        }),
        // Our own timer, or reqwest's: either way the attempt ran out of time.
        Ok(Err(_)) | Err(_) => Err(Error::Timeout {
            elapsed: timeout,
            attempts: attempt_no,
        }),
    }
}

async fn exchange(
    http: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> reqwest::Result<Exchange> {
    let mut response = http.execute(request).await?;
    let status = response.status();
    let declared = response.content_length();
    let mut truncated = declared.is_some_and(|n| n > limit as u64);
    let mut body = BytesMut::new();
    // A success body over the limit is useless, so it is not read; an error body's first bytes
    // still explain the error.
    if !truncated || !status.is_success() {
        truncated = false;
        let expected = declared.map_or(INITIAL_BODY_CAPACITY, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        });
        body.reserve(expected.min(limit).min(INITIAL_BODY_CAPACITY));
        while let Some(chunk) = response.chunk().await? {
            let room = limit - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
    }
    Ok(Exchange {
        status,
        headers: std::mem::take(response.headers_mut()),
        body: body.freeze(),
        truncated,
    })
}

/// One attempt of `op`, its answer read: an error status or an oversized body as the error, else
/// the operation's shape decoded, with the service's deprecation notice when it sends one.
pub(super) async fn attempt_once<T>(
    inner: &crate::client::Inner,
    (op, prepared): (&'static secmaster_bindings::Operation, &Prepared),
    timeout: Duration,
    (limit, setter): (usize, &'static str),
    attempt_no: u32,
    decode: super::Decoder<T>,
) -> Result<(T, super::Meta), super::response::Failure> {
    let mut exchange = super::failover::send(inner, prepared, timeout, limit, attempt_no)
        .await
        .map_err(|e| (e, None))?;
    // Every answer passes here: no secret it echoes reaches a decoder.
    inner.redactor.exchange(&mut exchange);
    let now = inner.auth.clock.now();
    match super::response::unsuccessful(&exchange, &inner.redactor, (limit, setter), now) {
        Some(failure) => Err(failure),
        None => decode(&exchange, &inner.redactor).map(|(result, mut meta)| {
            meta.deprecation = crate::Deprecation::noticed(op, &exchange.headers, &inner.redactor);
            (result, meta)
        }),
    }
}

/// Whether `op` only reads (a GET, or a check that changes nothing): an attempt of it cannot
/// have acted, so a refusal after a lost answer means what it says.
pub(super) fn is_read(op: &secmaster_bindings::Operation) -> bool {
    op.read_only
}

/// Whether a failure to send or read can pass if tried again: refused or reset connections,
/// timeouts, a connection closed mid-answer, a DNS lookup that failed (resolvers fail for a
/// moment too). Not a protocol violation (a malformed or oversized answer head, an HTTP/0.9
/// body) nor a refused certificate: the same server would answer the same way.
pub(crate) fn is_transient(error: &reqwest::Error) -> bool {
    if error.is_timeout() {
        return true;
    }
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>() {
            if hyper.is_parse() || hyper.is_parse_status() || hyper.is_user() {
                return false;
            }
            if hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled() {
                return true;
            }
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            // What TLS reports a refused certificate or handshake as (wrapped in another I/O
            // error by the connector): it will be refused again.
            if refused_by_tls(io) {
                return false;
            }
            return matches!(
                io.kind(),
                ConnectionRefused
                    | ConnectionReset
                    | ConnectionAborted
                    | BrokenPipe
                    | UnexpectedEof
                    | TimedOut
                    | Interrupted
                    | NotConnected
            ) || error.is_connect();
        }
        source = cause.source();
    }
    error.is_connect()
}

/// Whether a connection was refused, or its TLS handshake failed: the failures that move a call
/// to the next of several endpoints.
pub(crate) fn refused_connection(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && (io.kind() == std::io::ErrorKind::ConnectionRefused || refused_by_tls(io))
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Whether `io` is, or wraps, the `InvalidData` error TLS reports a refused certificate or
/// handshake as (`source()` skips an I/O error's inner error; `get_ref()` reaches it).
fn refused_by_tls(io: &std::io::Error) -> bool {
    io.kind() == std::io::ErrorKind::InvalidData
        || io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<std::io::Error>())
            .is_some_and(refused_by_tls)
}

/// The error and every cause under it, each said once (reqwest's message alone is "error
/// sending request"; what went wrong is below it).
pub(crate) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}
