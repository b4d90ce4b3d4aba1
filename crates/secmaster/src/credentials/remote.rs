//! Credentials over HTTP: a CCE pod's identity endpoint, and the ECS metadata service.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use super::Credentials;
use super::provider::{CredentialsFuture, Env, ProvideCredentials, Provided};
use crate::Error;

/// Environment variable with the pod identity endpoint's full URL (the official SDKs' name).
pub const ENV_POD_IDENTITY_URI: &str = "HC_CONTAINER_CREDENTIALS_FULL_URI";
/// Environment variable naming the file that holds the pod identity token (the official name).
pub const ENV_POD_IDENTITY_TOKEN_FILE: &str = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// The official timeouts: 5 s for pod identity, 3 s for the metadata service.
const POD_TIMEOUT: Duration = Duration::from_secs(5);
const METADATA_TIMEOUT: Duration = Duration::from_secs(3);
const METADATA_BASE: &str = "http://169.254.169.254";

/// Temporary keys of a CCE pod's identity: a `POST {}` to `$HC_CONTAINER_CREDENTIALS_FULL_URI`
/// with the token read from `$HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` as `Authorization`,
/// answered with the credential JSON; 5 s timeouts. The variable unset is nothing found; once
/// it is set, any failure is an error.
#[derive(Debug, Clone, Default)]
pub struct PodIdentityProvider {
    http: OnceLock<reqwest::Client>,
    pub(crate) env: Env,
}

impl PodIdentityProvider {
    /// The provider (it reads the variables on each lookup).
    pub fn new() -> Self {
        Self::default()
    }

    async fn fetch(&self) -> Result<Provided, Error> {
        let Some(uri) = self.env.var(ENV_POD_IDENTITY_URI) else {
            return Ok(Provided::NotFound(format!(
                "{ENV_POD_IDENTITY_URI} is not set"
            )));
        };
        let broken = |reason: String| Error::Credentials {
            provider: format!("pod identity ({uri})"),
            reason,
        };
        let mut request = http(&self.http, POD_TIMEOUT)?
            .post(&uri)
            .json(&serde_json::json!({}));
        if let Some(file) = self.env.var(ENV_POD_IDENTITY_TOKEN_FILE) {
            let token = std::fs::read_to_string(&file).map_err(|e| {
                broken(format!(
                    "the token file {} cannot be read: {e}",
                    std::path::Path::new(&file).display()
                ))
            })?;
            request = request.header(reqwest::header::AUTHORIZATION, token.trim());
        }
        let response = request
            .send()
            .await
            .map_err(|e| broken(crate::runtime::causes(&e)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| broken(crate::runtime::causes(&e)))?;
        if !status.is_success() {
            return Err(broken(format!("answered HTTP {}", status.as_u16())));
        }
        parse_answer(&body).map(Provided::Found).map_err(broken)
    }
}

impl ProvideCredentials for PodIdentityProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// Temporary keys of an ECS instance's agency, from its metadata service: a session token
/// (`PUT /meta-data/latest/api/token`), then `GET /openstack/latest/securitykey` with it, or
/// without one when the service serves none (404, 405, 503), as the official SDKs do; 3 s
/// timeouts. No answer (not on ECS) or a 404 (no agency) is nothing found; anything else that
/// fails is an error.
#[derive(Debug, Clone)]
pub struct EcsMetadataProvider {
    base: String,
    timeout: Duration,
    http: OnceLock<reqwest::Client>,
}

impl Default for EcsMetadataProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl EcsMetadataProvider {
    /// The provider of `http://169.254.169.254`.
    pub fn new() -> Self {
        Self {
            base: METADATA_BASE.to_owned(),
            timeout: METADATA_TIMEOUT,
            http: OnceLock::new(),
        }
    }

    /// For tests: the service at `url` instead of `http://169.254.169.254`.
    #[doc(hidden)]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The time allowed to each of its requests (default 3 s, as the official SDKs).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.http = OnceLock::new();
        self
    }

    async fn fetch(&self) -> Result<Provided, Error> {
        let base = &self.base;
        let http = http(&self.http, self.timeout)?;
        let broken = |reason: String| Error::Credentials {
            provider: format!("the ECS metadata service ({base})"),
            reason,
        };
        let absent = |e: &reqwest::Error| {
            Provided::NotFound(format!(
                "no answer from {base} ({})",
                if e.is_timeout() {
                    format!("none within {:?}", self.timeout)
                } else {
                    crate::runtime::causes(e)
                }
            ))
        };
        let token = match http
            .put(format!("{base}/meta-data/latest/api/token"))
            .header("X-Metadata-Token-Ttl-Seconds", "21600")
            .send()
            .await
        {
            Err(e) => return Ok(absent(&e)),
            Ok(r) if r.status().is_success() => Some(
                r.text()
                    .await
                    .map_err(|e| broken(crate::runtime::causes(&e)))?,
            ),
            Ok(r) if matches!(r.status().as_u16(), 404 | 405 | 503) => None,
            Ok(r) => {
                let status = r.status().as_u16();
                return Err(broken(format!("the session token: HTTP {status}")));
            }
        };
        let mut get = http.get(format!("{base}/openstack/latest/securitykey"));
        if let Some(token) = token.as_deref().map(str::trim) {
            get = get.header("X-Metadata-Token", token);
        }
        let response = match get.send().await {
            Err(e) => return Ok(absent(&e)),
            Ok(r) => r,
        };
        match response.status() {
            StatusCode::NOT_FOUND => Ok(Provided::NotFound(format!(
                "{base} has no security key (no agency on this instance)"
            ))),
            s if s.is_success() => {
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| broken(crate::runtime::causes(&e)))?;
                parse_answer(&body).map(Provided::Found).map_err(broken)
            }
            s => Err(broken(format!("the security key: HTTP {}", s.as_u16()))),
        }
    }
}

impl ProvideCredentials for EcsMetadataProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// The reqwest client of a credential provider, made on its first lookup: direct (never a
/// proxy: these are link-local or in-cluster addresses), no redirects, `timeout` for each request.
fn http(slot: &OnceLock<reqwest::Client>, timeout: Duration) -> Result<&reqwest::Client, Error> {
    http_client(slot, timeout, true)
}

/// The same, `direct` or through the proxy the environment names (for a remote service: STS).
pub(super) fn http_client(
    slot: &OnceLock<reqwest::Client>,
    timeout: Duration,
    direct: bool,
) -> Result<&reqwest::Client, Error> {
    if let Some(client) = slot.get() {
        return Ok(client);
    }
    let client = build(timeout, direct)?;
    Ok(slot.get_or_init(|| client))
}

fn build(timeout: Duration, direct: bool) -> Result<reqwest::Client, Error> {
    let builder = reqwest::Client::builder();
    let builder = if direct { builder.no_proxy() } else { builder };
    let builder = builder
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never().max_retries_per_request(0))
        .connect_timeout(timeout)
        .timeout(timeout);
    crate::tls::configure(builder, &[])?
        .build()
        .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))
}

/// Temporary credentials from an answer of the metadata service, pod identity or STS, read as the
/// official cores read them: under `credential` or `credentials` (else the object itself), `access` / `accessKeyId` /
/// `access_key_id`, `secret` / `secretAccessKey` / `secret_access_key`, `securitytoken` /
/// `securityToken` / `security_token`, `expires_at` / `expiration` (`2024-01-01T00:00:00.000000Z`).
pub(crate) fn parse_answer(body: &[u8]) -> Result<Credentials, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    // As the official core: the object itself when it has neither member.
    let inner = value
        .get("credential")
        .or_else(|| value.get("credentials"))
        .unwrap_or(&value);
    let field = |names: &[&str]| -> Result<String, String> {
        names
            .iter()
            .find_map(|n| inner.get(*n).and_then(Value::as_str))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| format!("the answer's credential has no `{}`", names[0]))
    };
    let ak = field(&["access", "accessKeyId", "access_key_id"])?;
    let sk = field(&["secret", "secretAccessKey", "secret_access_key"])?;
    let token = field(&["securitytoken", "securityToken", "security_token"])?;
    let expiry = field(&["expires_at", "expiration"])?;
    let at: jiff::Timestamp = expiry
        .parse()
        .map_err(|e| format!("the answer's expiry `{expiry}` is not a UTC time: {e}"))?;
    Ok(Credentials::ak_sk(ak, sk)
        .with_security_token(token)
        .with_expiry(at))
}
