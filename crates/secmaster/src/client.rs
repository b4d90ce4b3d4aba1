//! The client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::credentials::Auth;
use crate::endpoint::{self, Endpoint};
use crate::signer::{Clock, SystemClock};
use crate::transport;
use crate::validate::PathTemplate;
use crate::{Credentials, Error, RetryPolicy, UpdateWorkflow};

/// Default time allowed to open a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending the request to reading the whole body.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// Default cap on a response body. A workflow is a few kilobytes; anything near this is not one.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// A SecMaster client: cheap to clone, safe to share between tasks (one connection pool).
///
/// Here against the local fake SecMaster (`secmaster-fake`); against Huawei Cloud, use
/// `.region("cn-north-4")` and real credentials, e.g. `Credentials::from_env()?`.
///
/// ```
/// use secmaster::{Client, Credentials, Label};
/// # use secmaster_fake::{FAKE_TOKEN, FakeSecMaster};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = FakeSecMaster::start().await?;
/// let client = Client::builder()
///     .endpoint(fake.endpoint())
///     .credentials(Credentials::token(FAKE_TOKEN))
///     .build()?;
/// let updated = client
///     .update_workflow("f69081793d9e4ea8a2f479dcef961989", "f44065f5-557b-4376-ae02-8c65ef1960f4", "c19470f3-5eaf-4572-82e8-2ff094495919")
///     .name("Test_aop")
///     .enable("ver-0001")
///     .labels(Label::Ip)
///     .send()
///     .await?;
/// assert_eq!(updated.workflow.enabled, Some(true));
/// println!("{:?} {:?}", updated.workflow.name, updated.request_id);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub project_id: Option<String>,
    pub http: reqwest::Client,
    pub endpoint: Endpoint,
    pub retry: RetryPolicy,
    pub attempt_timeout: Duration,
    pub transport: Arc<transport::Shared>,
    /// Update a Workflow's path under this endpoint, split once.
    pub update_path: PathTemplate,
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Prepares an update of one workflow; set fields on the result, then `.send().await`.
    ///
    /// IDs are checked when the call is sent (non-empty, no control characters, not `.` or
    /// `..`) and percent-encoded, so no ID can change the request path.
    ///
    /// ```
    /// # use secmaster::{Client, Credentials, Error};
    /// # use secmaster_fake::{FAKE_TOKEN, FakeSecMaster};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = FakeSecMaster::start().await?;
    /// # let client = Client::builder().endpoint(fake.endpoint()).credentials(Credentials::token(FAKE_TOKEN)).build()?;
    /// let (project, workspace, workflow) = ("f69081793d9e4ea8a2f479dcef961989", "f44065f5-557b-4376-ae02-8c65ef1960f4", "c19470f3-5eaf-4572-82e8-2ff094495919");
    /// let updated = client
    ///     .update_workflow(project, workspace, workflow)
    ///     .description("Aop workflow description Test")
    ///     .disable()
    ///     .send()
    ///     .await?;
    /// assert_eq!(updated.workflow.enabled, Some(false));
    ///
    /// // Rejected before anything is sent, naming the field:
    /// let err = client.update_workflow(project, workspace, "..").disable().send().await.unwrap_err();
    /// assert_eq!(err.field(), Some("workflow_id"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_workflow(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
        workflow_id: impl Into<String>,
    ) -> UpdateWorkflow {
        UpdateWorkflow::new(
            self.clone(),
            project_id.into(),
            workspace_id.into(),
            workflow_id.into(),
        )
    }

    /// The default project ID: [`ClientBuilder::project_id`], else the credentials'
    /// (`HUAWEICLOUD_SDK_PROJECT_ID` with [`Credentials::from_env`]).
    ///
    /// ```
    /// # use secmaster::{Client, Credentials};
    /// let client = Client::builder()
    ///     .endpoint("https://secmaster.cn-north-4.myhuaweicloud.com")
    ///     .credentials(Credentials::ak_sk("AK", "SK").with_project_id("0123456789abcdef"))
    ///     .build()?;
    /// assert_eq!(client.project_id(), Some("0123456789abcdef"));
    /// # Ok::<(), secmaster::Error>(())
    /// ```
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    /// The endpoint requests go to (scheme, host, port and any path prefix).
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint.base
    }

    pub(crate) fn shared(&self) -> &Inner {
        &self.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.inner.transport.auth {
            Auth::Token(_) => "token".to_owned(),
            Auth::AkSk {
                ak, security_token, ..
            } => {
                format!(
                    "AK/SK (AK {ak}{})",
                    if security_token.is_some() {
                        ", temporary"
                    } else {
                        ""
                    }
                )
            }
        };
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.base)
            .field("auth", &auth)
            .field("retry", &self.inner.retry)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field(
                "max_response_bytes",
                &self.inner.transport.max_response_bytes,
            )
            .finish()
    }
}

/// Configures a [`Client`]: where to send (region or endpoint), how to authenticate, and how
/// patient to be.
///
/// ```
/// use std::time::Duration;
/// use secmaster::{Client, Credentials, RetryPolicy};
///
/// let client = Client::builder()
///     .endpoint("https://secmaster.cn-north-4.myhuaweicloud.com")
///     .credentials(Credentials::ak_sk("AK", "SK"))
///     .retry(RetryPolicy::default().max_attempts(5))
///     .attempt_timeout(Duration::from_secs(10))
///     .build()?;
/// assert_eq!(client.endpoint(), "https://secmaster.cn-north-4.myhuaweicloud.com");
/// # Ok::<(), secmaster::Error>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    project_id: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Option<Credentials>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    max_response_bytes: usize,
    allow_insecure_http: bool,
    clock: Arc<dyn Clock>,
    user_agent: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            project_id: None,
            region: None,
            endpoint: None,
            credentials: None,
            retry: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            clock: Arc::new(SystemClock),
            user_agent: None,
        }
    }
}

impl ClientBuilder {
    /// The region, e.g. `cn-north-4`: the endpoint becomes `https://secmaster.{region}.myhuaweicloud.com`
    /// (one of [`REGIONS`](crate::REGIONS)), or the first URL of the official override variable
    /// `HUAWEICLOUD_SDK_REGION_SECMASTER_<REGION>` when that is set.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The default project ID, reported by [`Client::project_id`] (it wins over the credentials').
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// An explicit endpoint URL, which wins over [`region`](Self::region). Plain `http://` is
    /// accepted for loopback hosts only (tests, a local fake), unless
    /// [`allow_insecure_http`](Self::allow_insecure_http).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// How to authenticate: [`Credentials::token`], [`Credentials::ak_sk`] or [`Credentials::from_env`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The retry policy; [`RetryPolicy::none()`] turns retries off. Default: [`RetryPolicy::default()`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Time allowed to connect. Default: [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt including reading the body. Default: [`DEFAULT_ATTEMPT_TIMEOUT`].
    /// The whole call, retries included, is bounded by [`RetryPolicy::max_elapsed`] plus one attempt.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The largest response body read; a larger one gives [`Error::ResponseTooLarge`] without
    /// being read further. Default: [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows plain `http://` to non-loopback hosts (credentials then travel in clear).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The clock used for `X-Sdk-Date` in AK/SK signatures and for `Retry-After` dates.
    /// Default: the system clock. Meant for tests.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Text appended to the `User-Agent` header (`secmaster-rust/<version> <text>`).
    pub fn user_agent_suffix(mut self, text: impl Into<String>) -> Self {
        self.user_agent = Some(text.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`]: no credentials, neither region nor endpoint, an unknown region, a
    /// malformed or insecure endpoint, credentials that cannot go into headers, a user agent
    /// suffix that is not printable ASCII.
    pub fn build(self) -> Result<Client, Error> {
        self.build_with_env(|name| std::env::var(name).ok())
    }

    pub(crate) fn build_with_env(
        self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config("no credentials: call .credentials(Credentials::token(..) / ak_sk(..) / from_env()?)".into())
        })?;
        credentials.validate()?;
        let url = match (self.endpoint, self.region) {
            (Some(url), _) => url,
            (None, Some(region)) => endpoint::for_region(&region, lookup)?,
            (None, None) => {
                return Err(Error::Config(
                    "no endpoint: call .region(\"cn-north-4\") or .endpoint(url)".into(),
                ));
            }
        };
        let endpoint = Endpoint::parse(&url, self.allow_insecure_http)?;
        let mut user_agent = format!("secmaster-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent {
            // Printable ASCII only: a header value may hold other bytes, but AK/SK signs only
            // headers that are text, so such a `User-Agent` would go out unsigned.
            if !suffix.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
                return Err(Error::Config(format!(
                    "the user agent suffix must be printable ASCII: {:?}",
                    suffix
                )));
            }
            user_agent.push(' ');
            user_agent.push_str(&suffix);
        }
        let user_agent =
            HeaderValue::from_str(&user_agent).expect("printable ASCII is a header value");
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            // A redirect would carry X-Auth-Token / X-Security-Token to another host (reqwest
            // strips only Authorization); the API never redirects, so a 3xx is an error.
            .redirect(reqwest::redirect::Policy::none())
            // Retries are this crate's (with backoff, a budget and logs), and a transport error
            // is one of the failures they retry. reqwest's own layer, which would also copy every
            // request's headers in case it retries, is turned off so that no attempt is made
            // twice over.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            // HTTP/1.1 whatever reqwest features the application turns on: with HTTP/2 (which
            // another crate of the build may enable), a refused stream would be an error that
            // reqwest's retry layer, off here, used to retry at once.
            .http1_only();
        #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
        let http = http.tls_backend_preconfigured(ring_tls_config()?);
        #[cfg(all(feature = "tls-ring", feature = "tls-aws-lc"))]
        aws_lc_as_default_provider();
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?;
        let project_id = self
            .project_id
            .or_else(|| credentials.project_id().map(str::to_owned));
        let transport = Arc::new(transport::Shared::new(
            credentials.auth,
            self.clock,
            user_agent,
            self.max_response_bytes,
            &endpoint.host,
        ));
        Ok(Client {
            inner: Arc::new(Inner {
                update_path: crate::update::path_template(&endpoint.path_prefix),
                project_id,
                http,
                endpoint,
                retry: self.retry,
                attempt_timeout: self.attempt_timeout,
                transport,
            }),
        })
    }
}

/// rustls on the ring crypto provider, verifying servers as reqwest's default does (the
/// platform's verifier and roots), for TLS 1.2 and 1.3; this client uses it whatever the
/// process-wide default provider is.
///
/// `tls-ring` turns on reqwest's `rustls-no-provider`, under which any reqwest client built while
/// rustls has no process-wide default provider panics. So that the application's own reqwest
/// clients keep working, ring becomes that default here when none is set (an application's
/// choice, made before, stands).
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
fn ring_tls_config() -> Result<rustls::ClientConfig, Error> {
    let tls_error = |e: rustls::Error| Error::Config(format!("cannot set up TLS: {e}"));
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err only when another thread installed one first: that one stands.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls_error)?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// With both TLS features, rustls has both providers compiled in and picks no process-wide
/// default by itself, so any rustls code asking for one would panic; reqwest (and this client)
/// use aws-lc-rs, which becomes that default here when none is set.
#[cfg(all(feature = "tls-ring", feature = "tls-aws-lc"))]
fn aws_lc_as_default_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err only when another thread installed one first: that one stands.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_resolves_to_its_endpoint_and_an_explicit_endpoint_wins() {
        let none = |_: &str| None;
        let c = Client::builder()
            .region("ap-southeast-1")
            .credentials(Credentials::token("t"))
            .build_with_env(none)
            .unwrap();
        assert_eq!(
            c.endpoint(),
            "https://secmaster.ap-southeast-1.myhuaweicloud.com"
        );
        let c = Client::builder()
            .region("cn-north-4")
            .endpoint("http://127.0.0.1:9")
            .credentials(Credentials::token("t"))
            .build_with_env(none)
            .unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9");
        let over = |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_SECMASTER_CN_NORTH_4")
                .then(|| "https://proxy.example".to_owned())
        };
        let c = Client::builder()
            .region("cn-north-4")
            .credentials(Credentials::token("t"))
            .build_with_env(over)
            .unwrap();
        assert_eq!(c.endpoint(), "https://proxy.example");
    }

    #[test]
    fn missing_pieces_are_config_errors_that_say_what_to_call() {
        let e = Client::builder()
            .region("cn-north-4")
            .build()
            .unwrap_err()
            .to_string();
        assert!(e.contains("no credentials"), "{e}");
        let e = Client::builder()
            .credentials(Credentials::token("t"))
            .build()
            .unwrap_err()
            .to_string();
        assert!(e.contains(".region(") && e.contains(".endpoint("), "{e}");
        let e = Client::builder()
            .region("mars-1")
            .credentials(Credentials::token("t"))
            .build()
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown region `mars-1`"), "{e}");
    }

    #[test]
    fn a_user_agent_suffix_must_be_printable_ascii() {
        let build = |suffix: &str| {
            Client::builder()
                .endpoint("https://x.example")
                .credentials(Credentials::ak_sk("AKID", "sk"))
                .user_agent_suffix(suffix)
                .build()
        };
        // `HeaderValue` takes these, but AK/SK signs only text headers: it would go unsigned.
        for bad in ["café/1.0", "tab\there", "bell\u{7}", "del\u{7f}"] {
            let e = build(bad).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{bad:?}: {e:?}");
            assert!(e.to_string().contains("printable ASCII"), "{e}");
        }
        let c = build("my-app/2.1 (ops; +https://example.com)").unwrap();
        assert_eq!(
            c.shared().transport.user_agent.to_str().unwrap(),
            format!(
                "secmaster-rust/{} my-app/2.1 (ops; +https://example.com)",
                env!("CARGO_PKG_VERSION")
            )
        );
    }

    #[test]
    fn debug_shows_the_setup_but_no_secret() {
        let c = Client::builder()
            .endpoint("https://x.example")
            .credentials(
                Credentials::ak_sk("AKID", "the-secret-key")
                    .with_security_token("the-security-token"),
            )
            .build()
            .unwrap();
        let shown = format!("{c:?}");
        assert!(
            shown.contains("AKID") && shown.contains("temporary"),
            "{shown}"
        );
        assert!(
            !shown.contains("the-secret") && !shown.contains("the-security"),
            "{shown}"
        );
    }
}
