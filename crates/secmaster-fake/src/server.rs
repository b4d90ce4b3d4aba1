//! The HTTP side: the operation handler inside the layers (`layers.rs`), reading and
//! authenticating a body, injected faults, and the gateway's and the pages' response shapes.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::json;

use secmaster::bindings::{FieldKind, RequestBody};

use crate::layers::{Admitted, RequestId, Routing};
use crate::store::Caller;
use crate::{Fault, Inner, ops};

pub(crate) const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The operation itself, inside the layers (`layers.rs`): the request routed, authenticated,
/// journaled and past any fault; answered on a blocking thread (reading a large body, writing a
/// large answer), the store locked for its step alone.
pub(crate) async fn operation(State(fake): State<Arc<Inner>>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let id = parts
        .extensions
        .get::<RequestId>()
        .map_or_else(String::new, |r| r.0.clone());
    let (Some(routing), Some(admitted)) = (
        parts.extensions.get::<Routing>(),
        parts.extensions.get::<Admitted>(),
    ) else {
        let message = "the fake's layers did not run before the operation";
        return gateway_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "APIGW.0000",
            message,
            &id,
        );
    };
    let caller = Caller {
        id: admitted.identity.id.clone(),
        name: admitted.identity.name.clone(),
        now: fake.page_time(),
    };
    let form = match routing.op.request {
        Some(request) if request.media_type.starts_with("multipart/") => {
            read_form(request, &parts.headers, admitted.body.clone()).await
        }
        _ => None,
    };
    let now = fake.now();
    let later = |d: Duration| {
        now.checked_add(d)
            .unwrap_or(now + Duration::from_secs(86_400))
    };
    let ends = crate::store::Ends {
        run: later(fake.run_time),
        terminate: (!fake.terminate_time.is_zero()).then(|| later(fake.terminate_time)),
    };
    let (op, params, body) = (routing.op, routing.params.clone(), admitted.body.clone());
    let query = parts.uri.query().map(str::to_owned);
    let blocking = tokio::task::spawn_blocking(move || {
        let request = ops::Request {
            op,
            params: &params,
            query: query.as_deref(),
            body: &body,
            caller: &caller,
            request_id: &id,
            upload: form.as_ref().and_then(|f| f.file.as_deref()),
            texts: form.as_ref().map_or(&[], |f| f.texts.as_slice()),
            now,
            ends,
            limits: &fake.limits,
        };
        ops::answer(&fake.store, &request)
    });
    blocking.await.unwrap_or_else(|_| {
        let message = "the operation failed in the fake";
        gateway_error(StatusCode::INTERNAL_SERVER_ERROR, "APIGW.0000", message, "")
    })
}

/// The parts of a `multipart/form-data` body that its operation's form names: the file (its first
/// part), and the text of every other part, in order (a second part of the file's name among
/// them, empty, so that the check refuses a name sent twice); parts it does not name are ignored.
#[derive(Default)]
struct Form {
    file: Option<Bytes>,
    texts: Vec<(&'static str, String)>,
}

/// The form of `body`, read as `request` (the operation's descriptor) names its parts; `None`
/// when the body is not a `multipart/form-data` form.
async fn read_form(
    request: RequestBody,
    headers: &axum::http::HeaderMap,
    body: Bytes,
) -> Option<Form> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut form = Form::default();
    while let Some(part) = parts.next_field().await.ok()? {
        let named = part
            .name()
            .and_then(|n| request.fields.iter().find(|f| f.name == n));
        let Some(field) = named else { continue };
        if matches!(field.kind, FieldKind::Binary) && form.file.is_none() {
            form.file = Some(part.bytes().await.ok()?);
        } else if matches!(field.kind, FieldKind::Binary) {
            form.texts.push((field.name, String::new()));
        } else {
            form.texts.push((field.name, part.text().await.ok()?));
        }
    }
    Some(form)
}

/// A response that announces a body, sends `start` of it, and breaks the connection.
pub(crate) fn cut(start: &'static [u8]) -> Response {
    let stream = futures_util::stream::iter([
        Ok(Bytes::from_static(start)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected: connection cut",
        )),
    ]);
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(4096u32));
    r
}

/// The answer a fault calls for, or `None` when the request goes on (after a delay).
pub(crate) async fn injected(fault: Fault, request_id: &str) -> Option<Response> {
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
        Fault::CutMidBody => Some(cut(b"{\"code\":\"00000000\",\"data\":{\"id\":")),
        Fault::ClosedBeforeProcessing | Fault::ClosedAfterProcessing => Some(cut(b"")),
        Fault::SuccessFalse => {
            let body = json!({"code": "SecMaster.00040001", "message": "injected: success false", "success": false, "request_id": request_id});
            Some(plain(StatusCode::OK, JSON_UTF8, body.to_string()))
        }
    }
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

/// Keeps a fault's delay from outliving the test that set it.
pub(crate) const MAX_DELAY: Duration = Duration::from_secs(300);
