//! The transport the generated client sends each attempt through: strict path, authentication,
//! a bounded body read, and a record of the raw exchange for error decoding.

use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, HOST, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use secmaster_bindings::{Transport, TransportFuture};

use crate::credentials::Auth;
use crate::signer::{self, Clock};

const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// What every attempt of a client shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub auth: Auth,
    pub clock: Arc<dyn Clock>,
    pub user_agent: HeaderValue,
    pub max_response_bytes: usize,
}

/// The raw answer to one attempt, as read from the wire.
pub(crate) struct Exchange {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body, or its first bytes when it was larger than the limit.
    pub body: Bytes,
    /// Whether the body was larger than the limit (reading stopped there).
    pub truncated: bool,
}

/// Initial buffer for a body: what the server declares, but never more than this up front.
const INITIAL_BODY_CAPACITY: usize = 64 * 1024;

/// One attempt: sends through the shared client, records what came back.
pub(crate) struct Attempt {
    shared: Arc<Shared>,
    path: String,
    project_id: HeaderValue,
    exchange: Mutex<Option<Exchange>>,
}

impl Attempt {
    /// `path` replaces the generated client's path (same endpoint): every ID encoded strictly.
    pub(crate) fn new(shared: Arc<Shared>, path: String, project_id: &str) -> Self {
        let project_id =
            HeaderValue::from_str(project_id).unwrap_or_else(|_| HeaderValue::from_static(""));
        Self {
            shared,
            path,
            project_id,
            exchange: Mutex::new(None),
        }
    }

    /// What came back, if the request got as far as a response.
    pub(crate) fn take_exchange(&self) -> Option<Exchange> {
        self.exchange
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    fn authenticate(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, self.shared.user_agent.clone());
        match &self.shared.auth {
            Auth::Token(token) => {
                let mut value = HeaderValue::from_str(token.expose())
                    .expect("validated when the client was built");
                value.set_sensitive(true);
                headers.insert(X_AUTH_TOKEN, value);
            }
            Auth::AkSk {
                ak,
                sk,
                security_token,
            } => {
                headers.insert(X_PROJECT_ID, self.project_id.clone());
                if let Some(token) = security_token {
                    let mut value = HeaderValue::from_str(token.expose())
                        .expect("validated when the client was built");
                    value.set_sensitive(true);
                    headers.insert(X_SECURITY_TOKEN, value);
                }
                let date = signer::sdk_date(self.shared.clock.now());
                headers.insert(
                    X_SDK_DATE,
                    HeaderValue::from_str(&date).expect("digits and letters"),
                );
                let url = request.url();
                let host = match url.port() {
                    Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
                    None => url.host_str().unwrap_or_default().to_owned(),
                };
                let host_value =
                    HeaderValue::from_str(&host).expect("a URL's host is a valid header");
                let authorization = {
                    let named: Vec<(&str, &str)> = request
                        .headers()
                        .iter()
                        .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
                        .chain(std::iter::once(("host", host.as_str())))
                        .collect();
                    let body = request
                        .body()
                        .and_then(reqwest::Body::as_bytes)
                        .unwrap_or_default();
                    let signed = signer::Request {
                        method: request.method().as_str(),
                        path: url.path(),
                        query: url.query(),
                        headers: &named,
                        body,
                    };
                    signer::sign(&signed, ak, sk.expose(), &date).authorization
                };
                let headers = request.headers_mut();
                headers.insert(HOST, host_value);
                let mut value = HeaderValue::from_str(&authorization).expect("ASCII");
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
        }
    }

    async fn run(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        request.url_mut().set_path(&self.path);
        self.authenticate(&mut request);
        let mut response = client.execute(request).await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = self.shared.max_response_bytes;
        let declared = response.content_length();
        // A success body over the limit is useless; an error body's first bytes still explain it.
        let mut truncated = declared.is_some_and(|n| n > limit as u64);
        let mut buf = BytesMut::new();
        if !truncated || !status.is_success() {
            truncated = false;
            buf.reserve(
                declared
                    .map_or(1024, |n| n as usize)
                    .min(INITIAL_BODY_CAPACITY),
            );
            while let Some(chunk) = response.chunk().await? {
                if buf.len() + chunk.len() > limit {
                    buf.extend_from_slice(&chunk[..limit - buf.len()]);
                    truncated = true;
                    break;
                }
                buf.extend_from_slice(&chunk);
            }
        }
        let body = buf.freeze();
        // The generated client gets a copy of the body to decode; this attempt keeps the original
        // for error decoding (both are the same reference-counted bytes).
        let mut rebuilt = http::Response::new(if truncated {
            Bytes::new()
        } else {
            body.clone()
        });
        *rebuilt.status_mut() = status;
        *rebuilt.headers_mut() = headers.clone();
        rebuilt.headers_mut().remove(CONTENT_LENGTH);
        *self.exchange.lock().unwrap_or_else(|p| p.into_inner()) = Some(Exchange {
            status,
            headers,
            body,
            truncated,
        });
        Ok(reqwest::Response::from(rebuilt))
    }
}

impl Transport for Attempt {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
    ) -> TransportFuture<'a> {
        Box::pin(self.run(client, request))
    }
}
