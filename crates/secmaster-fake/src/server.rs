//! The HTTP side: routing, the journal, faults, authentication, and the page's response shapes.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::json;

use crate::store::Caller;
use crate::{Fault, Inner, JournalEntry};

/// The largest request body read; the real gateway takes 12 MB for AK/SK requests.
const MAX_REQUEST_BYTES: usize = 12 * 1024 * 1024;
const JSON_UTF8: &str = "application/json;charset=UTF-8";

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
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return gateway_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "APIGW.0201",
                "Request entity too large",
                request_id,
            );
        }
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let ids = match_path(&path);
    let fault = ids
        .as_ref()
        .and_then(|(_, _, workflow)| fake.take_fault(workflow));
    fake.record(JournalEntry {
        method: parts.method.to_string(),
        path: path.clone(),
        query: query.clone(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });

    let Some((project, workspace, workflow)) = ids else {
        return gateway_error(
            StatusCode::NOT_FOUND,
            "APIGW.0101",
            "The API does not exist or has not been published",
            request_id,
        );
    };
    if parts.method != axum::http::Method::PUT {
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
    let mut success_false = false;
    match fault {
        Some(Fault::Delay(by)) => tokio::time::sleep(by).await,
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
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
            return r;
        }
        Some(Fault::Html502) => {
            let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";
            return plain(StatusCode::BAD_GATEWAY, "text/html", page.into());
        }
        Some(Fault::CutMidBody) => {
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
            return r;
        }
        Some(Fault::SuccessFalse) => success_false = true,
        None => {}
    }

    let identity = match fake.keyring().verify(
        parts.method.as_str(),
        &path,
        query.as_deref(),
        &parts.headers,
        &body,
        fake.now(),
    ) {
        Ok(identity) => identity,
        Err(refusal) => {
            return gateway_error(
                StatusCode::UNAUTHORIZED,
                refusal.code,
                &refusal.message,
                request_id,
            );
        }
    };
    if success_false {
        let body = json!({"code": "SecMaster.00040001", "message": "injected: success false", "success": false, "request_id": request_id});
        return plain(StatusCode::OK, JSON_UTF8, body.to_string());
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

fn plain(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The API gateway's error shape.
fn gateway_error(status: StatusCode, code: &str, message: &str, request_id: &str) -> Response {
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
