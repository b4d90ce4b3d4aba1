//! The provider trait, and the default chain of the official SDKs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{Credentials, EcsMetadataProvider, EnvironmentProvider, PodIdentityProvider};
use super::{OidcProvider, ProfileProvider, Secret};
use crate::Error;

/// What [`ProvideCredentials::provide`] returns.
pub type CredentialsFuture<'a> = Pin<Box<dyn Future<Output = Result<Provided, Error>> + Send + 'a>>;

/// What a provider found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provided {
    /// Credentials; temporary ones carry their expiry ([`Credentials::with_expiry`]).
    Found(Credentials),
    /// Nothing to offer here, and what was looked at (a chain passes to its next provider and,
    /// when none finds anything, lists these).
    NotFound(String),
}

/// A source of credentials: the environment, a file, a metadata service, or your own (a vault,
/// your own STS call).
///
/// A client asks its provider on its first call, then again ahead of the expiry of what it got
/// ([`CREDENTIALS_REFRESH_AHEAD`](crate::CREDENTIALS_REFRESH_AHEAD) before, as the official
/// SDKs do), once for all the calls in flight; a failed refresh keeps keys that are still valid
/// (the next try comes 10 s later), and a call never signs with expired ones. A
/// provider should bound its own network calls; the client gives up on one after
/// [`CREDENTIALS_REFRESH_TIMEOUT`](crate::CREDENTIALS_REFRESH_TIMEOUT) whatever it does.
///
/// Return [`Provided::NotFound`] when the source has nothing (a chain then asks the next) and an
/// error when it has something broken (a chain stops there).
///
/// ```
/// use secmaster::{Client, Credentials, CredentialsFuture, ProvideCredentials, Provided};
///
/// #[derive(Debug)]
/// struct Vault;
///
/// impl ProvideCredentials for Vault {
///     fn provide(&self) -> CredentialsFuture<'_> {
///         Box::pin(async {
///             // ... ask the vault ...
///             let expires = secmaster::jiff::Timestamp::now() + std::time::Duration::from_secs(3600);
///             Ok(Provided::Found(
///                 Credentials::ak_sk("AK", "SK").with_security_token("ST").with_expiry(expires),
///             ))
///         })
///     }
/// }
///
/// let client = Client::builder().region("cn-north-4").credentials_provider(Vault).build()?;
/// # let _ = client;
/// # Ok::<(), secmaster::Error>(())
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug + 'static {
    /// Looks for credentials.
    fn provide(&self) -> CredentialsFuture<'_>;
}

/// Fixed credentials are their own provider: found, every time.
impl ProvideCredentials for Credentials {
    fn provide(&self) -> CredentialsFuture<'_> {
        let found = self.clone();
        Box::pin(async move { Ok(Provided::Found(found)) })
    }
}

/// The official SDKs' default chain, which `Client::builder()` uses when it is given no
/// credentials: the first provider that finds credentials gives them, one that finds something
/// broken stops the chain with its error, and when none finds anything it finds nothing, saying
/// what each looked at (a client's calls then fail with [`Error::Credentials`] listing them).
///
/// 1. [`OidcProvider`]: `HUAWEICLOUD_OIDC_PROVIDER_URN` and `_AGENCY_URN` with an ID token
///    (`HUAWEICLOUD_OIDC_ID_TOKEN` or `_TOKEN_FILE`), exchanged at STS;
/// 2. [`EnvironmentProvider`]: `HUAWEICLOUD_SDK_AK`, `_SK`, `_SECURITY_TOKEN`, `_PROJECT_ID`,
///    `_DOMAIN_ID`, else `SECMASTER_AUTH_TOKEN`;
/// 3. [`ProfileProvider`]: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`;
/// 4. [`PodIdentityProvider`]: `HC_CONTAINER_CREDENTIALS_FULL_URI` (a CCE pod's identity);
/// 5. [`EcsMetadataProvider`]: the ECS metadata service at `169.254.169.254`, 3 s timeouts.
///
/// The official Python core asks the metadata service before pod identity; this chain asks pod
/// identity first, because its variable is set only where it is meant and costs nothing where it
/// is not, while inside a pod the node's metadata service would answer with the node's agency.
/// [`without_metadata`](Self::without_metadata) leaves the metadata service out (a machine
/// known not to be on ECS, where every failed lookup would cost a 3 s timeout).
#[derive(Debug, Clone)]
pub struct DefaultChain {
    oidc: OidcProvider,
    env: EnvironmentProvider,
    profile: ProfileProvider,
    pod: PodIdentityProvider,
    metadata: Option<EcsMetadataProvider>,
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultChain {
    /// The chain with all five providers.
    pub fn new() -> Self {
        Self {
            oidc: OidcProvider::new(),
            env: EnvironmentProvider::new(),
            profile: ProfileProvider::new(),
            pod: PodIdentityProvider::new(),
            metadata: Some(EcsMetadataProvider::new()),
        }
    }

    /// The chain without the ECS metadata service.
    pub fn without_metadata(mut self) -> Self {
        self.metadata = None;
        self
    }

    /// For tests: the metadata service at `url` instead of `http://169.254.169.254`.
    #[doc(hidden)]
    pub fn metadata_base_url(mut self, url: impl Into<String>) -> Self {
        self.metadata = Some(EcsMetadataProvider::new().base_url(url));
        self
    }

    /// For tests: environment variables read through `lookup` instead of the process's.
    #[doc(hidden)]
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        let env = Env(Some(Arc::new(lookup)));
        self.oidc.env = env.clone();
        self.env.env = env.clone();
        self.profile.env = env.clone();
        self.pod.env = env;
        self
    }

    async fn run(&self) -> Result<Provided, Error> {
        let mut looked = Vec::new();
        let steps: [(&str, &dyn ProvideCredentials); 4] = [
            ("OIDC federation", &self.oidc),
            ("environment", &self.env),
            ("profile file", &self.profile),
            ("pod identity", &self.pod),
        ];
        let metadata = self
            .metadata
            .as_ref()
            .map(|m| ("ECS metadata", m as &dyn ProvideCredentials));
        for (name, provider) in steps.into_iter().chain(metadata) {
            match provider.provide().await? {
                Provided::Found(credentials) => return Ok(Provided::Found(credentials)),
                Provided::NotFound(what) => looked.push(format!("{name}: {what}")),
            }
        }
        if self.metadata.is_none() {
            looked.push("ECS metadata: not asked (left out of this chain)".into());
        }
        Ok(Provided::NotFound(looked.join("; ")))
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide(&self) -> CredentialsFuture<'_> {
        Box::pin(self.run())
    }
}

/// How the providers read environment variables: the process's, or (in tests) a function.
#[derive(Clone, Default)]
pub(crate) struct Env(Option<Arc<Lookup>>);

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Env {
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        match &self.0 {
            Some(lookup) => lookup(name),
            None => std::env::var(name).ok(),
        }
        .filter(|v| !v.is_empty())
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Env(test)" } else { "Env" })
    }
}

/// The secrets of `credentials`, for the redactor.
pub(crate) fn secrets(credentials: &Credentials) -> Vec<&Secret> {
    match &credentials.auth {
        super::Credential::Token(t) => vec![t],
        super::Credential::AkSk {
            sk, security_token, ..
        } => std::iter::once(sk).chain(security_token).collect(),
    }
}
