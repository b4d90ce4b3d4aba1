//! What every operation goes through, as axum middleware around the one operation handler
//! (outermost first):
//!
//! 1. [`gateway`]: a request id on every answer (`X-Request-Id`), the Host check;
//! 2. [`admin`]: the journal's own path, answered here (it is no operation);
//! 3. [`route`]: the operation and its path parameters, from the generated descriptors (404 or
//!    405 otherwise);
//! 4. [`authenticate`]: the credentials checked as far as the headers allow, the body read
//!    within its limits and the shared budget (`admit.rs`), the signature verified over it, the
//!    credentials' projects checked against the path's;
//! 5. [`journal`]: the request recorded whole (a request refused before this costs one line);
//! 6. [`faults`]: a fault chosen for the operation or the resource, before the operation runs
//!    or, for a connection lost after processing, after it.
//!
//! Each passes what it learned to the next in the request's extensions.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use secmaster::bindings::Operation;

use crate::admit::admit;
use crate::auth::Identity;
use crate::router::{self, Routed};
use crate::server::{cut, gateway_error, injected};
use crate::{Fault, Inner, JournalEntry, admin};

/// The request id of the answer.
#[derive(Clone)]
pub(crate) struct RequestId(pub String);

/// The operation a request asks for, with its path parameters (decoded, in path order).
#[derive(Clone)]
pub(crate) struct Routing {
    pub op: &'static Operation,
    pub params: Vec<String>,
}

/// The request's body, read whole, and who sent it.
#[derive(Clone)]
pub(crate) struct Admitted {
    pub body: Bytes,
    pub identity: Arc<Identity>,
    /// The body's room in the budget, held until the request is answered.
    pub _reserved: crate::admit::Reserved,
}

fn request_id(request: &Request) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .map_or_else(String::new, |r| r.0.clone())
}

/// A request id on every answer; an HTTP/1.1 request without `Host` refused (RFC 9112).
pub(crate) async fn gateway(
    State(fake): State<Arc<Inner>>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response =
        if request.version() == Version::HTTP_11 && !request.headers().contains_key(header::HOST) {
            let (parts, _) = request.into_parts();
            fake.record(JournalEntry::line(&parts, 0));
            let message = "An HTTP/1.1 request must carry a Host header (RFC 9112, section 3.2)";
            gateway_error(StatusCode::BAD_REQUEST, "APIGW.0201", message, &id)
        } else {
            next.run(request).await
        };
    response
        .headers_mut()
        .insert("x-request-id", HeaderValue::from_str(&id).expect("hex"));
    response
}

/// The date the fake's deprecation notices give (the pages give none; the service sends one).
pub const DEPRECATION_DATE: &str = "2026-06-30";

/// The headers the service's answers of a deprecated operation carry (the spec's
/// `deprecated: true`), naming its replacement (`x-replaced-by`) when the spec names one.
fn deprecation_headers(op: &Operation, headers: &mut axum::http::HeaderMap) {
    let info = match op.replaced_by {
        Some(id) => format!("{} is deprecated; use {id} instead", op.id),
        None => format!("{} is deprecated", op.id),
    };
    let info = HeaderValue::from_str(&info).expect("operationIds are header text");
    headers.insert("x-api-deprecation-info", info);
    let date = HeaderValue::from_static(DEPRECATION_DATE);
    headers.insert("x-api-deprecation-date", date);
}

/// The journal's path, answered here.
pub(crate) async fn admin(
    State(fake): State<Arc<Inner>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if let Some(playbook) = admin::fire_path(&path) {
        let id = request_id(&request);
        let (parts, body) = request.into_parts();
        return admin::fire(&fake, parts, body, &id, playbook).await;
    }
    if path != admin::JOURNAL_PATH {
        return next.run(request).await;
    }
    let id = request_id(&request);
    let (parts, body) = request.into_parts();
    admin::journal(&fake, parts, body, &id).await
}

/// The operation, from the generated descriptors; 404 or 405 (one journal line) otherwise.
pub(crate) async fn route(
    State(fake): State<Arc<Inner>>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = request_id(&request);
    let refuse = |request: Request, status: StatusCode, message: &str| {
        let (parts, _) = request.into_parts();
        fake.record(JournalEntry::line(&parts, 0));
        gateway_error(status, "APIGW.0101", message, &id)
    };
    match router::route(request.method().as_str(), request.uri().path()) {
        Routed::Found(op, params) => {
            request.extensions_mut().insert(Routing { op, params });
            let mut response = next.run(request).await;
            if op.deprecated {
                deprecation_headers(op, response.headers_mut());
            }
            response
        }
        Routed::WrongMethod(methods) => {
            let allow = methods.join(", ");
            let message = format!("Only {allow} are published on this path");
            let mut r = refuse(request, StatusCode::METHOD_NOT_ALLOWED, &message);
            let allow = HeaderValue::from_str(&allow).expect("method names");
            r.headers_mut().insert(header::ALLOW, allow);
            r
        }
        Routed::NotFound => refuse(
            request,
            StatusCode::NOT_FOUND,
            "The API does not exist or has not been published",
        ),
    }
}

/// The body read and the credentials verified (401 otherwise), then checked against the
/// path's project (403 otherwise): each refusal one journal line, and nothing changed.
pub(crate) async fn authenticate(
    State(fake): State<Arc<Inner>>,
    request: Request,
    next: Next,
) -> Response {
    let id = request_id(&request);
    let (mut parts, body) = request.into_parts();
    let (body, identity, reserved) = match admit(&fake, &parts, body, &id).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    let project = parts
        .extensions
        .get::<Routing>()
        .and_then(|r| r.params.first().cloned())
        .unwrap_or_default();
    if let Some(why) = identity.refuses(&project) {
        fake.record(JournalEntry::line(&parts, body.len()));
        return gateway_error(StatusCode::FORBIDDEN, "APIGW.0302", &why, &id);
    }
    parts.extensions.insert(Admitted {
        body: body.clone(),
        identity: Arc::new(identity),
        _reserved: reserved,
    });
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// The admitted request, recorded whole.
pub(crate) async fn journal(
    State(fake): State<Arc<Inner>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    if let Some(admitted) = parts.extensions.get::<Admitted>() {
        fake.record(JournalEntry::full(&parts, &admitted.body, &fake.limits));
    }
    next.run(Request::from_parts(parts, body)).await
}

/// A fault waiting for this operation or resource: answered instead of the operation, or (a
/// connection lost after processing) after it.
pub(crate) async fn faults(
    State(fake): State<Arc<Inner>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(routing) = request.extensions().get::<Routing>().cloned() else {
        return next.run(request).await;
    };
    let resource = routing.params.get(2).map_or("", String::as_str);
    match fake.take_fault(routing.op.id, resource) {
        None => next.run(request).await,
        Some(Fault::ClosedAfterProcessing) => {
            // Processed, then the connection is lost before the answer: the client cannot know.
            let _ = next.run(request).await;
            cut(b"{\"code\":")
        }
        Some(fault) => {
            let id = request_id(&request);
            match injected(fault, &id).await {
                Some(answer) => answer,
                None => next.run(request).await,
            }
        }
    }
}
