//! The environment: the official SDKs' `HUAWEICLOUD_SDK_*` variables, and this crate's token
//! variable.

use super::provider::{CredentialsFuture, Env, ProvideCredentials, Provided};
use super::{
    Credentials, ENV_AK, ENV_AUTH_TOKEN, ENV_DOMAIN_ID, ENV_PROJECT_ID, ENV_SECURITY_TOKEN, ENV_SK,
};
use crate::Error;

/// Credentials from the environment: [`ENV_AK`] and [`ENV_SK`] (with [`ENV_SECURITY_TOKEN`] for
/// temporary keys), else [`ENV_AUTH_TOKEN`]; [`ENV_PROJECT_ID`] and [`ENV_DOMAIN_ID`] beside.
/// The first provider of [`DefaultChain`](super::DefaultChain).
///
/// Nothing set is nothing found; an AK without its SK (or the reverse) is an error.
///
/// ```
/// use secmaster::{Client, EnvironmentProvider};
///
/// let client = Client::builder()
///     .region("cn-north-4")
///     .credentials_provider(EnvironmentProvider::new())
///     .build()?;
/// # let _ = client;
/// # Ok::<(), secmaster::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    pub(crate) env: Env,
}

impl EnvironmentProvider {
    /// The provider (it reads the variables on each lookup).
    pub fn new() -> Self {
        Self::default()
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        let found = from_lookup(|name| self.env.var(name));
        Box::pin(async move {
            match found {
                Ok(Some(credentials)) => Ok(Provided::Found(credentials)),
                Ok(None) => Ok(Provided::NotFound(format!(
                    "none of {ENV_AK}, {ENV_SK} or {ENV_AUTH_TOKEN} is set"
                ))),
                Err(reason) => Err(Error::Credentials {
                    provider: "the environment".into(),
                    reason,
                }),
            }
        })
    }
}

/// The credentials the variables `lookup` reads describe: `None` when none is set, the problem
/// when only half a key pair is.
pub(crate) fn from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, String> {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let credentials = match (get(ENV_AK), get(ENV_SK), get(ENV_AUTH_TOKEN)) {
        (Some(ak), Some(sk), _) => {
            let c = Credentials::ak_sk(ak, sk);
            match get(ENV_SECURITY_TOKEN) {
                Some(t) => c.with_security_token(t),
                None => c,
            }
        }
        (Some(_), None, _) => return Err(format!("{ENV_AK} is set but {ENV_SK} is not")),
        (None, Some(_), _) => return Err(format!("{ENV_SK} is set but {ENV_AK} is not")),
        (None, None, Some(token)) => Credentials::token(token),
        (None, None, None) => return Ok(None),
    };
    let credentials = match get(ENV_PROJECT_ID) {
        Some(p) => credentials.with_project_id(p),
        None => credentials,
    };
    Ok(Some(match get(ENV_DOMAIN_ID) {
        Some(d) => credentials.with_domain_id(d),
        None => credentials,
    }))
}
