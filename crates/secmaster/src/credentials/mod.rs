//! Credentials: an IAM token, or an AK/SK pair (optionally temporary, with a security token),
//! given in code or found by a provider ([`ProvideCredentials`]): the default chain of OIDC
//! federation, the environment, the profile file, pod identity and the ECS metadata service.

use std::fmt;

use crate::Error;

pub(crate) mod cache;
mod env;
mod oidc;
mod profile;
mod provider;
mod remote;
pub(crate) mod source;

pub use env::EnvironmentProvider;
pub use oidc::{
    ENV_OIDC_AGENCY_URN, ENV_OIDC_DURATION_SECONDS, ENV_OIDC_ID_TOKEN, ENV_OIDC_POLICY,
    ENV_OIDC_POLICY_IDS, ENV_OIDC_PROVIDER_URN, ENV_OIDC_SESSION_NAME, ENV_OIDC_TOKEN_FILE,
    ENV_STS_ENDPOINT, OidcProvider,
};

/// The secret texts of `credentials` (for keys that must not hold them in clear).
pub(crate) fn provider_secrets(credentials: &Credentials) -> Vec<&str> {
    provider::secrets(credentials)
        .into_iter()
        .map(Secret::expose)
        .collect()
}
pub use profile::{ENV_CREDENTIALS_FILE, ProfileProvider};
pub use provider::{CredentialsFuture, DefaultChain, ProvideCredentials, Provided};
pub use remote::{
    ENV_POD_IDENTITY_TOKEN_FILE, ENV_POD_IDENTITY_URI, EcsMetadataProvider, PodIdentityProvider,
};

/// Environment variable holding the access key ID (the official SDKs' name).
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Environment variable holding the secret access key (the official SDKs' name).
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Environment variable holding the security token of temporary AK/SK (the official SDKs' name).
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Environment variable holding the default project ID (the official SDKs' name).
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Environment variable holding the account (domain) ID (the official SDKs' name).
pub const ENV_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
/// Environment variable holding an IAM user token (this crate's own: the official SDKs have
/// none, since they authenticate only by AK/SK).
pub const ENV_AUTH_TOKEN: &str = "SECMASTER_AUTH_TOKEN";

/// A secret string: shown as `***` by Debug, never by Display, never logged.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How a request is authenticated; its Debug shows no secret (each is a [`Secret`]).
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Credential {
    Token(Secret),
    AkSk {
        ak: String,
        sk: Secret,
        security_token: Option<Secret>,
    },
}

/// How requests are authenticated.
///
/// ```
/// use secmaster::Credentials;
///
/// let by_token = Credentials::token("MIIZ...token from IAM");
/// let by_key = Credentials::ak_sk("AKEXAMPLE", "SKEXAMPLE").with_security_token("temporary-token");
/// assert!(format!("{by_key:?}").contains("***"));
/// # let _ = by_token;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub(crate) auth: Credential,
    project_id: Option<String>,
    domain_id: Option<String>,
    iam_endpoint: Option<String>,
    expires_at: Option<jiff::Timestamp>,
}

impl Credentials {
    /// An IAM user token, sent in the `X-Auth-Token` header as the API page documents.
    /// Tokens last 24 hours.
    pub fn token(token: impl Into<String>) -> Self {
        Self {
            auth: Credential::Token(Secret(token.into())),
            project_id: None,
            domain_id: None,
            iam_endpoint: None,
            expires_at: None,
        }
    }

    /// A permanent access key pair: requests are signed with SDK-HMAC-SHA256, as the official
    /// SDKs do. The SK never leaves this process.
    pub fn ak_sk(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            auth: Credential::AkSk {
                ak: ak.into(),
                sk: Secret(sk.into()),
                security_token: None,
            },
            project_id: None,
            domain_id: None,
            iam_endpoint: None,
            expires_at: None,
        }
    }

    /// Makes AK/SK credentials temporary: the security token goes out in `X-Security-Token`.
    /// Has no effect on token credentials.
    #[must_use]
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        if let Credential::AkSk {
            security_token: slot,
            ..
        } = &mut self.auth
        {
            *slot = Some(Secret(security_token.into()));
        }
        self
    }

    /// Records a default project ID alongside the credentials (see [`Credentials::project_id`]).
    #[must_use]
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The default project ID, from [`ENV_PROJECT_ID`] or [`Credentials::with_project_id`].
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Records the account (domain) ID the credentials belong to.
    #[must_use]
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// The account (domain) ID, from [`ENV_DOMAIN_ID`] or the profile file's `domain_id`.
    pub fn domain_id(&self) -> Option<&str> {
        self.domain_id.as_deref()
    }

    /// Records the IAM endpoint project discovery asks (the profile file's `iam_endpoint`).
    #[must_use]
    pub fn with_iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// The IAM endpoint recorded with the credentials, when there is one.
    pub fn iam_endpoint(&self) -> Option<&str> {
        self.iam_endpoint.as_deref()
    }

    /// Marks the credentials as temporary, valid until `at`: a client refreshes them through
    /// their provider before then ([`ProvideCredentials`]) and never signs with them after.
    ///
    /// ```
    /// use secmaster::{Credentials, jiff::Timestamp};
    ///
    /// let at: Timestamp = "2030-01-01T00:00:00Z".parse()?;
    /// let c = Credentials::ak_sk("AK", "SK").with_security_token("ST").with_expiry(at);
    /// assert_eq!(c.expires_at(), Some(at));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_expiry(mut self, at: jiff::Timestamp) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// When temporary credentials expire; `None` for permanent ones.
    pub fn expires_at(&self) -> Option<jiff::Timestamp> {
        self.expires_at
    }

    /// The default provider chain the official SDKs use when a client is built without
    /// credentials, in their order: [`OidcProvider`], [`EnvironmentProvider`],
    /// [`ProfileProvider`], [`PodIdentityProvider`], [`EcsMetadataProvider`] (see
    /// [`DefaultChain`]).
    ///
    /// ```
    /// use secmaster::{Client, Credentials};
    ///
    /// // What `Client::builder()` uses when `.credentials(..)` is not called; nothing is read
    /// // until the first call.
    /// let client = Client::builder()
    ///     .region("cn-north-4")
    ///     .credentials_provider(Credentials::default_chain())
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), secmaster::Error>(())
    /// ```
    pub fn default_chain() -> DefaultChain {
        DefaultChain::new()
    }

    /// The access key ID, for AK/SK credentials. (It identifies the key; it is not secret.)
    pub fn access_key_id(&self) -> Option<&str> {
        match &self.auth {
            Credential::AkSk { ak, .. } => Some(ak),
            Credential::Token(_) => None,
        }
    }

    /// Reads credentials from the environment, with the official SDKs' variable names:
    /// [`ENV_AK`] and [`ENV_SK`] (plus [`ENV_SECURITY_TOKEN`] for temporary keys) for AK/SK
    /// signing, else [`ENV_AUTH_TOKEN`] for a token; [`ENV_PROJECT_ID`] in either case.
    ///
    /// # Errors
    /// [`Error::Config`] naming the variables when neither an AK/SK pair nor a token is set, or
    /// when only one of AK and SK is.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        env::from_lookup(lookup).map_err(Error::Config)?.ok_or_else(|| {
            Error::Config(format!(
                "no credentials in the environment: set {ENV_AK} and {ENV_SK} (and {ENV_SECURITY_TOKEN} \
                 for temporary keys), or {ENV_AUTH_TOKEN}"
            ))
        })
    }

    /// Checks the credentials can go into HTTP headers, so that signing never fails later.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(url) = &self.iam_endpoint {
            crate::endpoint::Endpoint::parse(url, false)
                .map_err(|e| Error::Config(format!("the IAM endpoint: {e}")))?;
        }
        let header_safe = |what: &str, v: &str| {
            if v.is_empty() {
                Err(Error::Config(format!("the {what} is empty")))
            } else if v.chars().any(|c| c.is_control() || !c.is_ascii()) {
                // Never echo the value: it may be a secret.
                Err(Error::Config(format!(
                    "the {what} contains control or non-ASCII characters"
                )))
            } else {
                Ok(())
            }
        };
        match &self.auth {
            Credential::Token(t) => header_safe("token", t.expose()),
            Credential::AkSk {
                ak,
                sk,
                security_token,
            } => {
                header_safe("AK", ak)?;
                if ak.contains([',', ' ', '=']) {
                    return Err(Error::Config("the AK contains ',', ' ' or '='".into()));
                }
                header_safe("SK", sk.expose())?;
                security_token
                    .as_ref()
                    .map_or(Ok(()), |t| header_safe("security token", t.expose()))
            }
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.auth {
            Credential::Token(token) => f
                .debug_struct("Credentials::Token")
                .field("token", token)
                .field("project_id", &self.project_id)
                .field("expires_at", &self.expires_at)
                .finish(),
            Credential::AkSk {
                ak,
                sk,
                security_token,
            } => f
                .debug_struct("Credentials::AkSk")
                .field("ak", ak)
                .field("sk", sk)
                .field("security_token", security_token)
                .field("project_id", &self.project_id)
                .field("expires_at", &self.expires_at)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn ak_sk_from_the_official_variable_names() {
        let c = Credentials::from_lookup(env(&[
            (ENV_AK, "AK1"),
            (ENV_SK, "SK1"),
            (ENV_SECURITY_TOKEN, "ST1"),
            (ENV_PROJECT_ID, "proj"),
            (ENV_DOMAIN_ID, "domain"),
        ]))
        .unwrap();
        assert_eq!(
            c,
            Credentials::ak_sk("AK1", "SK1")
                .with_security_token("ST1")
                .with_project_id("proj")
                .with_domain_id("domain")
        );
        assert_eq!(c.project_id(), Some("proj"));
        assert_eq!(c.access_key_id(), Some("AK1"));
    }

    #[test]
    fn ak_sk_wins_over_a_token_and_a_token_alone_works() {
        let both =
            Credentials::from_lookup(env(&[(ENV_AK, "A"), (ENV_SK, "S"), (ENV_AUTH_TOKEN, "T")]))
                .unwrap();
        assert_eq!(both, Credentials::ak_sk("A", "S"));
        let token = Credentials::from_lookup(env(&[(ENV_AUTH_TOKEN, "T")])).unwrap();
        assert_eq!(token, Credentials::token("T"));
    }

    #[test]
    fn half_a_key_pair_or_nothing_is_a_config_error_naming_the_variables() {
        let e = Credentials::from_lookup(env(&[(ENV_AK, "A")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"),
            "{e}"
        );
        let e = Credentials::from_lookup(env(&[(ENV_AK, " ")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no credentials") && e.contains(ENV_AUTH_TOKEN),
            "{e}"
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::ak_sk("AKID", "very-secret-sk").with_security_token("very-secret-st");
        let shown = format!("{c:?} {c:#?}");
        assert!(shown.contains("AKID") && shown.contains("***"));
        assert!(!shown.contains("very-secret"), "{shown}");
        let t = format!("{:?}", Credentials::token("very-secret-token"));
        assert!(!t.contains("very-secret"), "{t}");
    }

    #[test]
    fn credentials_that_cannot_be_headers_are_refused_without_echoing_them() {
        let e = Credentials::token("bad\nsecret")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("token contains control") && !e.contains("secret"),
            "{e}"
        );
        assert!(Credentials::ak_sk("", "S").validate().is_err());
        assert!(Credentials::ak_sk("A", "S").validate().is_ok());
    }
}
