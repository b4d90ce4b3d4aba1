//! The HTTP side: routing, the journal, faults, authentication, and the page's response shapes.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::response::Response;
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::json;

use crate::auth::{Identity, Refusal};
use crate::store::Caller;
use crate::{Fault, Inner, JournalEntry, admin};

pub(crate) const JSON_UTF8: &str = "application/json;charset=UTF-8";

pub(crate) async fn handle(State(fake): State<Arc<Inner>>, request: Request) -> Response {
    let request_id = new_request_id();
    let mut response = respond(&fake, request, &request_id).await;
    response.headers_mut().insert(
        "x-request-id",
        HeaderValue::from_str(&request_id).expect("hex"),
    );
    response
}

async fn respond(fake: &Inner, request: Request, request_id: &str) -> Response {
    let (parts, body) = request.into_parts();
    if parts.version == Version::HTTP_11 && !parts.headers.contains_key(header::HOST) {
        fake.record(JournalEntry::line(&parts, 0));
        let message = "An HTTP/1.1 request must carry a Host header (RFC 9112, section 3.2)";
        return gateway_error(StatusCode::BAD_REQUEST, "APIGW.0201", message, request_id);
    }
    if parts.uri.path() == admin::JOURNAL_PATH {
        return admin::journal(fake, parts, body, request_id).await;
    }
    let Some((project, workspace, workflow)) = match_path(parts.uri.path()) else {
        fake.record(JournalEntry::line(&parts, 0));
        return gateway_error(
            StatusCode::NOT_FOUND,
            "APIGW.0101",
            "The API does not exist or has not been published",
            request_id,
        );
    };
    if parts.method != axum::http::Method::PUT {
        fake.record(JournalEntry::line(&parts, 0));
        let mut r = gateway_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "APIGW.0101",
            "Only PUT is published on this path",
            request_id,
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("PUT"));
        return r;
    }
    let (body, identity) = match admit(fake, &parts, body, request_id).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    fake.record(JournalEntry::full(&parts, &body, &fake.limits));
    if let Some(fault) = fake.take_fault(&workflow)
        && let Some(answer) = injected(fault, request_id).await
    {
        return answer;
    }

    let caller = Caller {
        id: identity.id,
        name: identity.name,
    };
    let now = fake.page_time();
    let outcome = fake
        .with_store(|store| store.update((&project, &workspace, &workflow), &body, &caller, &now));
    match outcome {
        Ok(data) => {
            let body = json!({"code": "00000000", "message": "", "success": true, "request_id": request_id, "data": data});
            plain(StatusCode::OK, JSON_UTF8, body.to_string())
        }
        Err(rejection) => {
            let body = json!({"code": rejection.code, "message": rejection.message});
            plain(StatusCode::BAD_REQUEST, JSON_UTF8, body.to_string())
        }
    }
}

/// The answer a fault calls for, or `None` when the request goes on (after a delay).
async fn injected(fault: Fault, request_id: &str) -> Option<Response> {
    match fault {
        Fault::Delay(by) => {
            tokio::time::sleep(by).await;
            None
        }
        Fault::Status {
            status,
            retry_after,
        } => {
            let mut r = gateway_error(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                "APIGW.0000",
                "injected fault",
                request_id,
            );
            if let Some(seconds) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            Some(r)
        }
        Fault::Html502 => {
            let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";
            Some(plain(StatusCode::BAD_GATEWAY, "text/html", page.into()))
        }
        Fault::CutMidBody => {
            let start = Bytes::from_static(b"{\"code\":\"00000000\",\"data\":{\"id\":");
            let stream = futures_util::stream::iter([
                Ok(start),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected: connection cut mid-body",
                )),
            ]);
            let mut r = Response::new(Body::from_stream(stream));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(4096u32));
            Some(r)
        }
        Fault::SuccessFalse => {
            let body = json!({"code": "SecMaster.00040001", "message": "injected: success false", "success": false, "request_id": request_id});
            Some(plain(StatusCode::OK, JSON_UTF8, body.to_string()))
        }
    }
}

/// Reads the body and authenticates the request, or answers why not (a line in the journal).
/// A token is checked before the body is read, so a request with a wrong one costs no body; a
/// declared `Content-Length` over the limit is refused at once, without waiting for the bytes.
pub(crate) async fn admit(
    fake: &Inner,
    parts: &Parts,
    body: Body,
    request_id: &str,
) -> Result<(Bytes, Identity), Response> {
    let refuse = |body_len: usize, status: StatusCode, code: &str, message: &str| {
        // A body left unread is hyper's to drain or, if it is not all there, to close on.
        fake.record(JournalEntry::line(parts, body_len));
        gateway_error(status, code, message, request_id)
    };
    let unauthorized = |body_len: usize, refusal: Refusal| {
        refuse(
            body_len,
            StatusCode::UNAUTHORIZED,
            refusal.code,
            &refusal.message,
        )
    };
    let verify = |body: &[u8]| {
        let (path, query) = (parts.uri.path(), parts.uri.query());
        let method = parts.method.as_str();
        fake.keyring()
            .verify(method, path, query, &parts.headers, body, fake.now())
    };
    let signed = parts.headers.contains_key(header::AUTHORIZATION);
    if !signed && let Err(refusal) = verify(b"") {
        return Err(unauthorized(0, refusal));
    }
    let max = fake.limits.max_body_bytes;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let too_large = "Request entity too large";
    if declared.is_some_and(|n| n > max as u64) {
        return Err(refuse(
            0,
            StatusCode::PAYLOAD_TOO_LARGE,
            "APIGW.0201",
            too_large,
        ));
    }
    let read = tokio::time::timeout(
        fake.limits.body_read_timeout,
        axum::body::to_bytes(body, max),
    );
    let body = match read.await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return Err(refuse(
                0,
                StatusCode::PAYLOAD_TOO_LARGE,
                "APIGW.0201",
                too_large,
            ));
        }
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
    match verify(&body) {
        Ok(identity) => Ok((body, identity)),
        Err(refusal) => Err(unauthorized(body.len(), refusal)),
    }
}

/// `/v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}` → the decoded IDs.
fn match_path(path: &str) -> Option<(String, String, String)> {
    let segments: Vec<&str> = path.split('/').collect();
    let [
        "",
        "v1",
        project,
        "workspaces",
        workspace,
        "soc",
        "workflows",
        workflow,
    ] = segments.as_slice()
    else {
        return None;
    };
    let decode = |s: &str| {
        let decoded = percent_decode_str(s).decode_utf8().ok()?.into_owned();
        (!decoded.is_empty()).then_some(decoded)
    };
    Some((decode(project)?, decode(workspace)?, decode(workflow)?))
}

pub(crate) fn plain(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The API gateway's error shape.
pub(crate) fn gateway_error(
    status: StatusCode,
    code: &str,
    message: &str,
    request_id: &str,
) -> Response {
    let body = json!({"error_code": code, "error_msg": message, "request_id": request_id});
    plain(status, JSON_UTF8, body.to_string())
}

fn new_request_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// Keeps a fault's delay from outliving the test that set it.
pub(crate) const MAX_DELAY: Duration = Duration::from_secs(300);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_path_and_only_it_matches() {
        assert_eq!(
            match_path("/v1/p/workspaces/w/soc/workflows/a%2Fb"),
            Some(("p".into(), "w".into(), "a/b".into()))
        );
        assert_eq!(match_path("/v1/p/workspaces/w/soc/workflows/"), None);
        assert_eq!(match_path("/v1/p/workspaces/w/soc/workflows/f/x"), None);
        assert_eq!(match_path("/v2/p/workspaces/w/soc/workflows/f"), None);
        assert_eq!(match_path("/v1/p/workspaces/w/soc/workflows/%FF"), None);
    }
}
