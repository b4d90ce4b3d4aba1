//! Authentication of each attempt: the keys of the moment (fixed, or refreshed through a
//! provider), and the request signed with them or carrying the token.

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, HeaderName, HeaderValue, USER_AGENT,
};

use super::request::{Prepared, ProjectHeader, unsendable_project};
use crate::Error;
use crate::credentials::Credential;
use crate::signer::{self, Clock, SigningKey};

const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// The keys of one set of credentials, made ready for requests once: the token or security
/// token header value, the AK/SK key schedule.
pub(crate) struct Keys {
    /// What they came from (the project, the IAM endpoint, the AK: for project discovery).
    pub credentials: crate::Credentials,
    pub expires_at: Option<jiff::Timestamp>,
    /// `X-Auth-Token` (token credentials) or `X-Security-Token` (temporary AK/SK), marked
    /// sensitive so that neither hyper nor `Debug` shows it.
    secret_header: Option<(HeaderName, HeaderValue)>,
    /// The AK/SK pair made ready to sign (AK/SK credentials only).
    signing: Option<SigningKey>,
}

impl Keys {
    /// `credentials` must have been validated.
    pub(crate) fn new(credentials: crate::Credentials) -> Self {
        let (secret_header, signing) = match &credentials.auth {
            Credential::Token(token) => (Some((X_AUTH_TOKEN, sensitive(token.expose()))), None),
            Credential::AkSk {
                ak,
                sk,
                security_token,
            } => (
                security_token
                    .as_ref()
                    .map(|t| (X_SECURITY_TOKEN, sensitive(t.expose()))),
                Some(SigningKey::new(ak, sk.expose())),
            ),
        };
        Self {
            expires_at: credentials.expires_at(),
            credentials,
            secret_header,
            signing,
        }
    }
}

/// Where a client's keys come from: fixed credentials, or a provider through the cache.
pub(crate) enum KeySource {
    Fixed(std::sync::Arc<Keys>),
    Provider(crate::credentials::cache::CredentialCache),
}

/// How every attempt of a client authenticates: header values made once per client, and the
/// keys made once per set of credentials.
pub(crate) struct Auth {
    pub clock: std::sync::Arc<dyn Clock>,
    user_agent: HeaderValue,
    /// The `Host` header, signed with AK/SK.
    host: HeaderValue,
    source: KeySource,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// A header value for a secret, checked when the credentials were validated.
fn sensitive(secret: &str) -> HeaderValue {
    let mut value = HeaderValue::from_str(secret).expect("validated with the credentials");
    value.set_sensitive(true);
    value
}

impl Auth {
    /// `host` is the endpoint's `Host` header value.
    pub(crate) fn new(
        source: KeySource,
        clock: std::sync::Arc<dyn Clock>,
        user_agent: HeaderValue,
        host: &str,
    ) -> Self {
        Self {
            clock,
            user_agent,
            host: HeaderValue::from_str(host).expect("a URL's host is a valid header value"),
            source,
        }
    }

    #[cfg(test)]
    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.user_agent
    }

    /// The keys to sign with now (refreshed first when they are near their expiry).
    pub(crate) async fn keys(&self) -> Result<std::sync::Arc<Keys>, Error> {
        match &self.source {
            KeySource::Fixed(keys) => Ok(keys.clone()),
            KeySource::Provider(cache) => cache.keys().await,
        }
    }

    /// The request of one attempt, with its authentication by `keys`: a token header, or the
    /// headers an AK/SK signature covers and the signature.
    pub(crate) fn request(
        &self,
        prepared: &Prepared,
        keys: &Keys,
    ) -> Result<reqwest::Request, Error> {
        self.request_to(prepared, keys, &self.host)
    }

    /// [`request`](Self::request) to another host of Huawei Cloud (IAM), whose `Host` it signs.
    pub(crate) fn request_to(
        &self,
        prepared: &Prepared,
        keys: &Keys,
        host: &HeaderValue,
    ) -> Result<reqwest::Request, Error> {
        let mut request = reqwest::Request::new(prepared.method.clone(), prepared.url.clone());
        let headers = request.headers_mut();
        headers.insert(ACCEPT, prepared.accept.clone());
        headers.insert(CONTENT_TYPE, prepared.content_type.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        if let Some((name, value)) = &keys.secret_header {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(key) = &keys.signing {
            headers.insert(HOST, host.clone());
            match &prepared.project_id {
                ProjectHeader::None => {}
                ProjectHeader::Value(project_id) => {
                    headers.insert(X_PROJECT_ID, project_id.clone());
                }
                ProjectHeader::Unsendable => return Err(unsendable_project()),
            }
            let date = signer::sdk_date(self.clock.now());
            headers.insert(
                X_SDK_DATE,
                HeaderValue::from_str(&date).expect("digits and letters"),
            );
            // Every header set above is signed (each is text: the client refuses a user agent
            // suffix that is not printable ASCII).
            let named: Vec<(&str, &str)> = headers
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
                .collect();
            let signed = signer::Request {
                method: prepared.method.as_str(),
                path: prepared.url.path(),
                query: prepared.url.query(),
                headers: &named,
                body: prepared.body.as_deref().unwrap_or_default(),
            };
            let mut value =
                HeaderValue::from_str(&key.authorization(&signed, &date)).expect("ASCII");
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        if let Some(body) = &prepared.body {
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        Ok(request)
    }
}
