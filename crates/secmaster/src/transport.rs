//! One attempt on the wire: the request the spec describes, authenticated, sent through the
//! client's connection pool, and its answer read with a bound on the body.

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};
use std::sync::Arc;

use crate::credentials::Auth;
use crate::signer::{self, Clock, SigningKey};

const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// `Accept`: the only representation this client reads (the generated client sends the same).
const ACCEPT_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// What every attempt of a client shares: credentials made into header values once.
pub(crate) struct Shared {
    pub auth: Auth,
    pub clock: Arc<dyn Clock>,
    pub user_agent: HeaderValue,
    pub max_response_bytes: usize,
    /// `X-Auth-Token` (token credentials) or `X-Security-Token` (temporary AK/SK), marked
    /// sensitive so that neither hyper nor `Debug` shows it.
    secret_header: Option<(HeaderName, HeaderValue)>,
    /// The `Host` header, signed with AK/SK.
    host: HeaderValue,
    /// The AK/SK pair made ready to sign (AK/SK credentials only).
    signing: Option<SigningKey>,
    /// The last `X-Sdk-Date` made, with the Unix second it is for.
    last_sdk_date: std::sync::Mutex<Option<(u64, HeaderValue)>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// A request ready to send, the same for every attempt of one call.
pub(crate) struct Prepared {
    pub method: Method,
    /// The endpoint with the operation's path, every ID strictly encoded.
    pub url: Url,
    /// The operation's request media type, as the spec writes it.
    pub content_type: HeaderValue,
    /// The JSON body (reference-counted: attempts share it).
    pub body: Bytes,
    /// `X-Project-Id`, sent (and signed) with AK/SK only.
    pub project_id: Option<HeaderValue>,
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

/// The most reserved up front for a body that arrives in more than one chunk.
const INITIAL_BODY_CAPACITY: usize = 16 * 1024;

/// A header value for a secret, checked when the credentials were validated.
fn sensitive(secret: &str) -> HeaderValue {
    let mut value = HeaderValue::from_str(secret).expect("validated with the credentials");
    value.set_sensitive(true);
    value
}

impl Shared {
    /// `auth` must have been validated (`Credentials::validate`); `host` is the endpoint's.
    pub(crate) fn new(
        auth: Auth,
        clock: Arc<dyn Clock>,
        user_agent: HeaderValue,
        max_response_bytes: usize,
        host: &str,
    ) -> Self {
        let secret_header = match &auth {
            Auth::Token(token) => Some((X_AUTH_TOKEN, sensitive(token.expose()))),
            Auth::AkSk { security_token, .. } => security_token
                .as_ref()
                .map(|t| (X_SECURITY_TOKEN, sensitive(t.expose()))),
        };
        let signing = match &auth {
            Auth::AkSk { ak, sk, .. } => Some(SigningKey::new(ak, sk.expose())),
            Auth::Token(_) => None,
        };
        Self {
            auth,
            clock,
            user_agent,
            max_response_bytes,
            secret_header,
            host: HeaderValue::from_str(host).expect("a URL's host is a valid header value"),
            signing,
            last_sdk_date: std::sync::Mutex::new(None),
        }
    }

    /// The request of one attempt, with its authentication.
    fn request(&self, prepared: &Prepared) -> reqwest::Request {
        let mut request = reqwest::Request::new(prepared.method.clone(), prepared.url.clone());
        let headers = request.headers_mut();
        // A header map's first insert makes room for six headers: enough for a token call's
        // four, so only a signed call (up to eight) reserves more.
        if self.signing.is_some() {
            headers.reserve(8);
        }
        headers.insert(ACCEPT, ACCEPT_JSON);
        headers.insert(CONTENT_TYPE, prepared.content_type.clone());
        match &self.signing {
            None => {
                headers.insert(USER_AGENT, self.user_agent.clone());
                if let Some((name, value)) = &self.secret_header {
                    headers.insert(name.clone(), value.clone());
                }
            }
            Some(key) => {
                // Inserted in the order the signature lists them (lower-case names, ascending),
                // so that signing needs no sort.
                headers.insert(HOST, self.host.clone());
                headers.insert(USER_AGENT, self.user_agent.clone());
                if let Some(project_id) = &prepared.project_id {
                    headers.insert(X_PROJECT_ID, project_id.clone());
                }
                let date = self.sdk_date();
                headers.insert(X_SDK_DATE, date.clone());
                if let Some((name, value)) = &self.secret_header {
                    headers.insert(name.clone(), value.clone());
                }
                // The headers to sign: all of those set above (each is text: the client
                // refuses a user agent suffix that is not printable ASCII). There are at most
                // seven, so they are listed on the stack.
                let mut named = [("", ""); 8];
                debug_assert!(
                    headers.len() <= named.len(),
                    "room for every header to sign"
                );
                let mut count = 0;
                for (name, value) in headers.iter() {
                    if let (Some(slot), Ok(value)) = (named.get_mut(count), value.to_str()) {
                        *slot = (name.as_str(), value);
                        count += 1;
                    }
                }
                let signed = signer::Request {
                    method: prepared.method.as_str(),
                    path: prepared.url.path(),
                    query: prepared.url.query(),
                    headers: &named[..count],
                    body: &prepared.body,
                };
                let authorization =
                    key.authorization(&signed, date.to_str().expect("digits and letters"));
                let mut value =
                    HeaderValue::from_maybe_shared(Bytes::from(authorization)).expect("ASCII");
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
        }
        *request.body_mut() = Some(reqwest::Body::from(prepared.body.clone()));
        request
    }

    /// `X-Sdk-Date` for now: made once a second (it has a resolution of one), reused within it.
    fn sdk_date(&self) -> HeaderValue {
        let now = self.clock.now();
        let second = now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut last = self
            .last_sdk_date
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*last {
            Some((at, date)) if *at == second => date.clone(),
            _ => {
                let date =
                    HeaderValue::from_str(&signer::sdk_date(now)).expect("digits and letters");
                *last = Some((second, date.clone()));
                date
            }
        }
    }

    /// Sends one attempt and reads its answer, keeping at most `max_response_bytes` of the body.
    ///
    /// The body is read chunk by chunk through one small future (no `Response::bytes`, whose
    /// future is four times the size of this one); a body that arrives in one chunk is kept
    /// as it came, without a copy.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        prepared: &Prepared,
    ) -> reqwest::Result<Exchange> {
        let mut response = http.execute(self.request(prepared)).await?;
        let status = response.status();
        let limit = self.max_response_bytes;
        let declared = response.content_length();
        let mut body = BodyBuf::new(declared, limit);
        let mut truncated = declared.is_some_and(|n| n > limit as u64);
        // A success body over the limit is useless, so it is not read; an error body's first
        // bytes still explain the error.
        if !truncated || !status.is_success() {
            truncated = false;
            while let Some(chunk) = response.chunk().await? {
                let room = limit - body.len();
                if chunk.len() > room {
                    body.push(chunk.slice(..room));
                    truncated = true;
                    break;
                }
                body.push(chunk);
            }
        }
        Ok(Exchange {
            status,
            headers: std::mem::take(response.headers_mut()),
            body: body.finish(),
            truncated,
        })
    }
}

/// A body being read: its first chunk as it came, and a buffer only once a second one arrives.
struct BodyBuf {
    first: Bytes,
    rest: Option<BytesMut>,
    /// What that buffer reserves up front.
    reserve: usize,
}

impl BodyBuf {
    /// `declared` (the Content-Length, if any) and `limit` size the buffer. The declared length
    /// is only a hint (a hostile server may declare any): at most INITIAL_BODY_CAPACITY is
    /// reserved up front, and the buffer grows with what arrives.
    fn new(declared: Option<u64>, limit: usize) -> Self {
        let expected = declared.map_or(INITIAL_BODY_CAPACITY, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        });
        Self {
            first: Bytes::new(),
            rest: None,
            reserve: expected.min(limit).min(INITIAL_BODY_CAPACITY),
        }
    }

    fn len(&self) -> usize {
        self.rest.as_ref().map_or(self.first.len(), BytesMut::len)
    }

    fn push(&mut self, chunk: Bytes) {
        if let Some(rest) = &mut self.rest {
            rest.extend_from_slice(&chunk);
        } else if self.first.is_empty() {
            self.first = chunk;
        } else {
            let mut rest =
                BytesMut::with_capacity(self.reserve.max(self.first.len() + chunk.len()));
            rest.extend_from_slice(&self.first);
            rest.extend_from_slice(&chunk);
            self.first = Bytes::new();
            self.rest = Some(rest);
        }
    }

    fn finish(self) -> Bytes {
        self.rest.map_or(self.first, BytesMut::freeze)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, SystemTime};

    /// A clock at a settable number of milliseconds after the epoch.
    #[derive(Debug, Default)]
    struct Settable(AtomicU64);

    impl Clock for Settable {
        fn now(&self) -> SystemTime {
            SystemTime::UNIX_EPOCH + Duration::from_millis(self.0.load(Ordering::SeqCst))
        }
    }

    #[test]
    fn the_sdk_date_is_made_anew_each_second_and_reused_within_it() {
        let clock = Arc::new(Settable::default());
        let auth = crate::Credentials::ak_sk("AK", "SK").auth;
        let shared = Shared::new(
            auth,
            clock.clone(),
            HeaderValue::from_static("ua"),
            1024,
            "example.com",
        );
        let at = |ms: u64| {
            clock.0.store(ms, Ordering::SeqCst);
            shared.sdk_date().to_str().unwrap().to_owned()
        };
        assert_eq!(at(1_704_067_200_000), "20240101T000000Z");
        let first = shared.sdk_date();
        assert_eq!(at(1_704_067_200_999), "20240101T000000Z");
        assert_eq!(
            shared.sdk_date().as_bytes().as_ptr(),
            first.as_bytes().as_ptr(),
            "within the second, the value made first is reused"
        );
        assert_eq!(at(1_704_067_201_000), "20240101T000001Z");
        // Back in time (a clock set back): the date follows the clock, not the cache.
        assert_eq!(at(1_704_067_199_500), "20231231T235959Z");
        assert_eq!(at(0), "19700101T000000Z");
    }
}
