//! [`ClientBuilder`]: where to send, how to authenticate, how patient to be, and the network
//! between (proxies, private certificate authorities).

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::client::{Described, Inner};
use crate::credentials::source::{Source, key_source};
use crate::endpoint::{self, Endpoint};
use crate::proxy::{Proxy, proxy_url};
use crate::runtime::{Auth, Endpoints, KeySource};
use crate::signer::{Clock, SystemClock};
use crate::{Client, Credentials, Error, ProvideCredentials, RetryPolicy};

/// Environment variable with the region a builder uses when given none (the official SDKs read
/// none; their examples use this name). The official profile file has no region key, so it is
/// the only place besides code.
pub const ENV_REGION: &str = "HUAWEICLOUD_SDK_REGION";

/// Default time allowed to open a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending the request to reading the whole body.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// Default cap on a JSON response body. A workflow is a few kilobytes; anything near this is not one.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// Default cap on a file the service sends (an export of many workflows is megabytes).
pub const DEFAULT_MAX_DOWNLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Configures a [`Client`]: where to send (region or endpoint), how to authenticate, and how
/// patient to be.
///
/// The region: [`region`](Self::region), else the [`ENV_REGION`] variable
/// (`HUAWEICLOUD_SDK_REGION`). The official profile file (`~/.huaweicloud/credentials`) has no
/// region key (the official Python core reads `ak`, `sk`, `security_token`, `project_id`,
/// `domain_id`, `iam_endpoint`, `idp_id` and `id_token_file` only), so none is read from it.
/// Where requests go: [`endpoint`](Self::endpoint), else the region's endpoints; with neither an
/// endpoint nor a region, [`build`](Self::build) fails saying what to set. The region also
/// chooses IAM for [`Client::discover_project_id`], with an endpoint too.
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
#[must_use]
pub struct ClientBuilder {
    project_id: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Option<Source>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    max_response_bytes: usize,
    max_download_bytes: usize,
    allow_insecure_http: bool,
    clock: Arc<dyn Clock>,
    user_agent: Option<String>,
    proxy: Proxy,
    root_certificates: Vec<Vec<u8>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("proxy", &self.proxy.describe())
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .finish_non_exhaustive()
    }
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
            max_download_bytes: DEFAULT_MAX_DOWNLOAD_BYTES,
            allow_insecure_http: false,
            clock: Arc::new(SystemClock),
            user_agent: None,
            proxy: Proxy::Environment,
            root_certificates: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// The region, e.g. `cn-north-4`: the endpoint becomes `https://secmaster.{region}.myhuaweicloud.com`
    /// (one of [`REGIONS`](crate::REGIONS)), or the first URL of the official override variable
    /// `HUAWEICLOUD_SDK_REGION_SECMASTER_<REGION>` when that is set.
    ///
    /// Where requests go, in order: [`endpoint`](Self::endpoint); else this region; else the
    /// region in [`ENV_REGION`] (`HUAWEICLOUD_SDK_REGION`), which this region wins over. The
    /// region also chooses IAM for [`Client::discover_project_id`].
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
    /// Without it (nor [`credentials_provider`](Self::credentials_provider)), the client uses
    /// [`Credentials::default_chain`] from its first call.
    ///
    /// Credentials with an expiry ([`Credentials::with_expiry`]) are never used after it.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Source::Fixed(credentials));
        self
    }

    /// Takes the credentials from `provider`: asked on the first call, and again ahead of the
    /// expiry of what it gave (see [`ProvideCredentials`]). Replaces [`credentials`](Self::credentials).
    ///
    /// ```
    /// use secmaster::{Client, Credentials};
    ///
    /// let client = Client::builder()
    ///     .region("cn-north-4")
    ///     .credentials_provider(Credentials::default_chain().without_metadata())
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), secmaster::Error>(())
    /// ```
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials) -> Self {
        self.credentials = Some(Source::Provider(Arc::new(provider)));
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

    /// The largest file read (an export); a larger one gives [`Error::ResponseTooLarge`].
    /// Default: [`DEFAULT_MAX_DOWNLOAD_BYTES`].
    pub fn max_download_bytes(mut self, limit: usize) -> Self {
        self.max_download_bytes = limit;
        self
    }

    /// Sends every request through this proxy (`http://host:port`, `https://...`, or
    /// `socks5://...` where reqwest supports it), a loopback endpoint's too. Credentials in the
    /// URL (`http://user:password@proxy:3128`) are sent to the proxy and shown as `***` in Debug.
    ///
    /// Without it, the client uses the proxy the environment names (`HTTPS_PROXY`,
    /// `HTTP_PROXY`, `ALL_PROXY`, honouring `NO_PROXY`), except for a loopback endpoint (a local
    /// fake), which it reaches directly.
    ///
    /// ```
    /// # use secmaster::{Client, Credentials};
    /// let client = Client::builder()
    ///     .region("cn-north-4")
    ///     .credentials(Credentials::ak_sk("AK", "SK"))
    ///     .proxy("http://ops:s3cret@proxy.corp.example:3128")
    ///     .build()?;
    /// assert!(!format!("{client:?}").contains("s3cret"));
    /// # Ok::<(), secmaster::Error>(())
    /// ```
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Proxy::Url(url.into());
        self
    }

    /// Reaches the endpoint directly, whatever proxy the environment names.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = Proxy::None;
        self
    }

    /// Trusts the certificate authorities in `pem` (one or more PEM certificates) besides the
    /// platform's, for a gateway that inspects TLS with a company CA. Works with either TLS
    /// feature; without one there is no TLS to configure, and [`build`](Self::build) says so.
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Allows plain `http://` to non-loopback hosts (credentials then travel in clear).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The clock used for `X-Sdk-Date` in AK/SK signatures, for `Retry-After` dates, and for
    /// the expiry of temporary credentials.
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
        let source = self
            .credentials
            .unwrap_or_else(|| Source::Provider(Arc::new(Credentials::default_chain())));
        if let Source::Fixed(credentials) = &source {
            credentials.validate()?;
        }
        // The region: the builder's, else HUAWEICLOUD_SDK_REGION's (when no endpoint is given).
        // With an endpoint too: it chooses IAM for project discovery.
        let region = self
            .region
            .or_else(|| lookup(ENV_REGION).filter(|r| !r.trim().is_empty()));
        let urls = match (self.endpoint, &region) {
            (Some(url), _) => vec![url],
            (None, Some(region)) => endpoint::for_region(region, &lookup)?,
            (None, None) => {
                return Err(Error::Config(format!(
                    "no endpoint: call .region(\"cn-north-4\") or .endpoint(url), or set {ENV_REGION}"
                )));
            }
        };
        let endpoints = urls
            .iter()
            .map(|url| Endpoint::parse(url, self.allow_insecure_http))
            .collect::<Result<Vec<_>, _>>()?;
        let endpoint = endpoints[0].clone();
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
        let http = http_client(
            reqwest::Client::builder().connect_timeout(self.connect_timeout),
            &self.proxy,
            endpoint.is_loopback(),
            &self.root_certificates,
        )?;
        let (keys, redactor, auth) = key_source(source, self.clock.clone(), self.proxy.secrets());
        let described = Described {
            auth,
            proxy: self.proxy.describe(),
        };
        let project_id = self.project_id.or_else(|| match &keys {
            KeySource::Fixed(keys) => keys.credentials.project_id().map(str::to_owned),
            KeySource::Provider(_) => None,
        });
        Ok(Client::new(Inner {
            project_id,
            region,
            allow_insecure_http: self.allow_insecure_http,
            http,
            retry: self.retry,
            attempt_timeout: self.attempt_timeout,
            max_response_bytes: self.max_response_bytes,
            max_download_bytes: self.max_download_bytes,
            aksk: match &keys {
                KeySource::Fixed(keys) => Some(keys.credentials.access_key_id().is_some()),
                KeySource::Provider(_) => None,
            },
            auth: Auth::new(keys, self.clock, user_agent, &endpoint.host),
            redactor,
            endpoint,
            endpoints: Endpoints::new(endpoints),
            described,
        }))
    }
}

/// The reqwest client every call of a `Client` shares.
fn http_client(
    http: reqwest::ClientBuilder,
    proxy: &Proxy,
    loopback: bool,
    root_certificates: &[Vec<u8>],
) -> Result<reqwest::Client, Error> {
    let config = |what: &str, e: &dyn std::fmt::Display| Error::Config(format!("{what}: {e}"));
    let http = http
        // A redirect would carry X-Auth-Token / X-Security-Token to another host (reqwest
        // strips only Authorization); the API never redirects, so a 3xx is an error.
        .redirect(reqwest::redirect::Policy::none())
        // Retries are this crate's (with backoff, a budget, logs, and the operation's retry
        // class): reqwest's own layer is off so that no attempt is made twice over.
        .retry(reqwest::retry::never().max_retries_per_request(0))
        // HTTP/1.1 whatever reqwest features the application turns on.
        .http1_only();
    let http = match proxy {
        Proxy::Url(text) => http.proxy(reqwest::Proxy::all(proxy_url(text).ok_or_else(|| {
            Error::Config(format!(
                "the proxy must be a URL with a scheme and a host (http://host:port, https://, socks5://): {}",
                proxy.describe()
            ))
        })?).map_err(|_| {
            Error::Config(format!(
                "the proxy `{}` is not a usable proxy URL",
                proxy.describe()
            ))
        })?),
        Proxy::None => http.no_proxy(),
        Proxy::Environment if loopback => http.no_proxy(),
        Proxy::Environment => http,
    };
    let http = crate::tls::configure(http, root_certificates)?;
    http.build()
        .map_err(|e| config("cannot set up the HTTP client", &e))
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
        // Read through an empty environment, whatever the developer's has.
        let none = |_: &str| None;
        let c = Client::builder()
            .region("cn-north-4")
            .build_with_env(none)
            .unwrap();
        assert!(
            format!("{c:?}").contains("DefaultChain"),
            "no credentials: the default chain, asked on the first call"
        );
        let e = Client::builder()
            .credentials(Credentials::token("t"))
            .build_with_env(none)
            .unwrap_err()
            .to_string();
        assert!(e.contains(".region(") && e.contains(".endpoint("), "{e}");
        let e = Client::builder()
            .region("mars-1")
            .credentials(Credentials::token("t"))
            .build_with_env(none)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown region `mars-1`"), "{e}");
    }

    /// A client built through `vars` as its environment: its endpoint and region, or the error.
    fn built(
        builder: ClientBuilder,
        vars: &[(&str, &str)],
    ) -> Result<(String, Option<String>), Error> {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let c = builder
            .credentials(Credentials::token("t"))
            .build_with_env(lookup)?;
        Ok((c.endpoint().to_owned(), c.shared().region.clone()))
    }

    #[test]
    fn the_region_in_code_wins_then_huaweicloud_sdk_region_then_the_error() {
        let var = [(ENV_REGION, "ap-southeast-1")];
        let at = |r: &str| format!("https://secmaster.{r}.myhuaweicloud.com");
        let (endpoint, region) = built(Client::builder().region("cn-north-4"), &var).unwrap();
        assert_eq!(
            (endpoint, region.as_deref()),
            (at("cn-north-4"), Some("cn-north-4")),
            "explicit region wins"
        );
        let (endpoint, region) = built(Client::builder(), &var).unwrap();
        assert_eq!(
            (endpoint, region.as_deref()),
            (at("ap-southeast-1"), Some("ap-southeast-1")),
            "the variable when no region is given"
        );
        // With an endpoint, the variable's region still chooses IAM for discovery.
        let (endpoint, region) =
            built(Client::builder().endpoint("http://127.0.0.1:9"), &var).unwrap();
        assert_eq!(
            (endpoint.as_str(), region.as_deref()),
            ("http://127.0.0.1:9", Some("ap-southeast-1"))
        );
        // The variable's region goes through the same rules as one in code.
        let e = built(Client::builder(), &[(ENV_REGION, "mars-1")]).unwrap_err();
        assert!(e.to_string().contains("unknown region `mars-1`"), "{e}");
        // Neither (or a blank variable): the error that says what to set.
        for vars in [&[][..], &[(ENV_REGION, "  ")][..]] {
            let e = built(Client::builder(), vars).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{e:?}");
            let e = e.to_string();
            assert!(
                e.contains(".region(") && e.contains(".endpoint(") && e.contains(ENV_REGION),
                "{e}"
            );
        }
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
            c.shared().auth.user_agent().to_str().unwrap(),
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
