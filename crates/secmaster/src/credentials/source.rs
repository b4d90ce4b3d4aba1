//! Where a client's keys come from: fixed credentials, or a provider through the cache.

use std::sync::Arc;

use super::cache::CredentialCache;
use super::{Credential, Credentials, ProvideCredentials};
use crate::redact::Redactor;
use crate::runtime::{KeySource, Keys};
use crate::signer::Clock;

/// What a builder was given.
#[derive(Debug)]
pub(crate) enum Source {
    Fixed(Credentials),
    Provider(Arc<dyn ProvideCredentials>),
}

/// The client's keys, its redactor (which learns a provider's secrets as they come), and what
/// its Debug shows of them.
pub(crate) fn key_source(
    source: Source,
    clock: Arc<dyn Clock>,
    proxy_secrets: Vec<String>,
) -> (KeySource, Arc<Redactor>, String) {
    let auth = match &source {
        Source::Fixed(c) => match &c.auth {
            Credential::Token(_) => "token".to_owned(),
            Credential::AkSk {
                ak, security_token, ..
            } => format!(
                "AK/SK (AK {ak}{})",
                if security_token.is_some() {
                    ", temporary"
                } else {
                    ""
                }
            ),
        },
        Source::Provider(p) => format!("from a provider ({p:?})"),
    };
    match source {
        // Fixed credentials with an expiry go through the cache, which never signs after it.
        Source::Fixed(c) if c.expires_at().is_none() => {
            let redactor = Arc::new(Redactor::new(&c.auth, proxy_secrets));
            (KeySource::Fixed(Arc::new(Keys::new(c))), redactor, auth)
        }
        Source::Fixed(c) => {
            let redactor = Arc::new(Redactor::new(&c.auth, proxy_secrets));
            let cache = CredentialCache::new(Arc::new(c), redactor.clone(), clock);
            (KeySource::Provider(cache), redactor, auth)
        }
        Source::Provider(provider) => {
            let redactor = Arc::new(Redactor::for_proxy(proxy_secrets));
            let cache = CredentialCache::new(provider, redactor.clone(), clock);
            (KeySource::Provider(cache), redactor, auth)
        }
    }
}
