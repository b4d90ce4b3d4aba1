//! The keys a client signs with, refreshed through their provider ahead of their expiry: once
//! for all the calls in flight, with no lock held across the provider's network calls.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::provider::{ProvideCredentials, Provided, secrets};
use crate::Error;
use crate::redact::Redactor;
use crate::runtime::Keys;
use crate::signer::Clock;

/// How long before their expiry temporary credentials are refreshed (the official cores' 40
/// minutes, checked before every request).
pub const CREDENTIALS_REFRESH_AHEAD: Duration = Duration::from_secs(40 * 60);
/// The longest a client waits for its credentials provider, whatever the provider's own
/// timeouts.
pub const CREDENTIALS_REFRESH_TIMEOUT: Duration = Duration::from_secs(30);
/// After a refresh that failed, or brought keys that expire no later than the ones it was to
/// replace, keys still valid are used this long before the next try (so that a source that
/// keeps serving the same keys in their last 40 minutes is not asked on every call).
const AFTER_A_FUTILE_REFRESH: Duration = Duration::from_secs(10);

/// What a refresh ended with, for the calls that waited for it.
type Outcome = Option<Result<Arc<Keys>, (String, String)>>;

/// What a caller of [`CredentialCache::keys`] does.
enum Step {
    Use(Arc<Keys>),
    Wait(watch::Receiver<Outcome>),
    /// Refresh, and tell those waiting; with the keys still valid and when the current expired.
    Refresh(
        watch::Sender<Outcome>,
        Option<Arc<Keys>>,
        Option<jiff::Timestamp>,
    ),
}

/// A provider's keys, and the refresh in flight.
pub(crate) struct CredentialCache {
    provider: Arc<dyn ProvideCredentials>,
    /// How long the provider is given ([`CREDENTIALS_REFRESH_TIMEOUT`]).
    timeout: Duration,
    redactor: Arc<Redactor>,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    current: Option<Arc<Keys>>,
    refreshing: Option<watch::Receiver<Outcome>>,
    futile_at: Option<Instant>,
}

impl CredentialCache {
    pub(crate) fn new(
        provider: Arc<dyn ProvideCredentials>,
        redactor: Arc<Redactor>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            provider,
            timeout: CREDENTIALS_REFRESH_TIMEOUT,
            redactor,
            clock,
            state: Mutex::default(),
        }
    }

    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::try_from(self.clock.now()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// The keys to sign with now: the current ones while they are not near their expiry, else
    /// fresh ones (one refresh for every caller; the others use the current keys while they
    /// are valid, or wait for it).
    pub(crate) async fn keys(&self) -> Result<Arc<Keys>, Error> {
        loop {
            let mut waiting = match self.next_step() {
                Step::Use(keys) => return Ok(keys),
                Step::Refresh(done, valid, expired) => {
                    return self.refresh(done, valid, expired).await;
                }
                Step::Wait(waiting) => waiting,
            };
            if let Ok(outcome) = waiting.wait_for(Option::is_some).await {
                return match outcome.clone().expect("waited for it") {
                    Ok(keys) => Ok(keys),
                    Err((provider, reason)) => Err(Error::Credentials { provider, reason }),
                };
            }
            // The caller refreshing went away (its future dropped): look again.
        }
    }

    /// What a caller does now, decided under the lock.
    fn next_step(&self) -> Step {
        let now = self.now();
        let mut state = self.state.lock().expect("never poisoned");
        let valid = state
            .current
            .clone()
            .filter(|k| !expired(&k.expires_at, now));
        if let Some(keys) = valid.as_ref().filter(|k| !near_expiry(&k.expires_at, now)) {
            return Step::Use(keys.clone());
        }
        // A refresh whose caller went away (its future dropped) is no refresh.
        if state
            .refreshing
            .as_ref()
            .is_some_and(|r| r.has_changed().is_err())
        {
            state.refreshing = None;
        }
        match (&state.refreshing, valid) {
            (Some(_), Some(keys)) => Step::Use(keys),
            (Some(refreshing), None) => Step::Wait(refreshing.clone()),
            (None, Some(keys))
                if state
                    .futile_at
                    .is_some_and(|t| t.elapsed() < AFTER_A_FUTILE_REFRESH) =>
            {
                Step::Use(keys)
            }
            (None, valid) => {
                let (done, refreshing) = watch::channel(None);
                state.refreshing = Some(refreshing);
                let expired = state.current.as_ref().and_then(|k| k.expires_at);
                Step::Refresh(done, valid, expired)
            }
        }
    }

    /// Asks the provider (no lock held), stores what it gave, and tells those waiting.
    async fn refresh(
        &self,
        done: watch::Sender<Outcome>,
        valid: Option<Arc<Keys>>,
        expired_at: Option<jiff::Timestamp>,
    ) -> Result<Arc<Keys>, Error> {
        let started = Instant::now();
        let fetched = self.fetch().await;
        let mut state = self.state.lock().expect("never poisoned");
        state.refreshing = None;
        let outcome = match fetched {
            Ok(keys) => {
                tracing::info!(
                    expires_at = keys.expires_at.map(|t| t.to_string()),
                    latency_ms = started.elapsed().as_millis() as u64,
                    "credentials refreshed"
                );
                let progressed = valid.as_ref().is_none_or(|old| {
                    keys.expires_at.is_none() || keys.expires_at > old.expires_at
                });
                state.current = Some(keys.clone());
                state.futile_at = (!progressed).then(Instant::now);
                Ok(keys)
            }
            Err((provider, reason)) => {
                state.futile_at = Some(Instant::now());
                let reason = self.redactor.text(reason);
                match valid {
                    Some(keys) => {
                        tracing::warn!(
                            provider,
                            reason,
                            expires_at = keys.expires_at.map(|t| t.to_string()),
                            "refreshing the credentials failed; the current ones stay in use until they expire"
                        );
                        Ok(keys)
                    }
                    None => Err(match expired_at {
                        Some(at) => (
                            provider,
                            format!(
                                "the credentials expired at {at} and refreshing them failed: {reason}"
                            ),
                        ),
                        None => (provider, reason),
                    }),
                }
            }
        };
        drop(state);
        done.send_replace(Some(outcome.clone()));
        outcome.map_err(|(provider, reason)| Error::Credentials { provider, reason })
    }

    /// The provider's credentials, checked and made ready to sign, within the time allowed.
    async fn fetch(&self) -> Result<Arc<Keys>, (String, String)> {
        let provided = tokio::time::timeout(self.timeout, self.provider.provide());
        let unnamed = || "the credentials provider".to_owned();
        let credentials = match provided.await {
            Err(_) => {
                let reason = format!("no answer within {:?}", self.timeout);
                return Err((unnamed(), reason));
            }
            Ok(Err(Error::Credentials { provider, reason })) => return Err((provider, reason)),
            Ok(Err(other)) => return Err((unnamed(), other.to_string())),
            Ok(Ok(Provided::NotFound(what))) => {
                return Err((unnamed(), format!("none found ({what})")));
            }
            Ok(Ok(Provided::Found(credentials))) => credentials,
        };
        // Its secrets are redacted from here on, whatever else fails.
        self.redactor
            .add(secrets(&credentials).into_iter().map(|s| s.expose()));
        credentials
            .validate()
            .map_err(|e| (unnamed(), format!("it gave unusable credentials: {e}")))?;
        if let Some(at) = credentials.expires_at().filter(|at| *at <= self.now()) {
            return Err((
                unnamed(),
                format!("it gave credentials that expired at {at}"),
            ));
        }
        Ok(Arc::new(Keys::new(credentials)))
    }
}

/// Whether keys that expire at `at` may no longer sign at `now`.
fn expired(at: &Option<jiff::Timestamp>, now: jiff::Timestamp) -> bool {
    at.is_some_and(|at| at <= now)
}

/// Whether keys that expire at `at` are due for a refresh at `now`.
fn near_expiry(at: &Option<jiff::Timestamp>, now: jiff::Timestamp) -> bool {
    at.is_some_and(|at| at <= now + CREDENTIALS_REFRESH_AHEAD)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::credentials::CredentialsFuture;
    use crate::{Credentials, SystemClock};

    /// Never answers on its first lookup; answers at once after.
    #[derive(Debug, Default)]
    struct HangsFirst(AtomicUsize);

    impl ProvideCredentials for HangsFirst {
        fn provide(&self) -> CredentialsFuture<'_> {
            let first = self.0.fetch_add(1, Ordering::SeqCst) == 0;
            Box::pin(async move {
                if first {
                    std::future::pending::<()>().await;
                }
                Ok(Provided::Found(Credentials::ak_sk("AK", "SK")))
            })
        }
    }

    fn cache(provider: Arc<HangsFirst>) -> CredentialCache {
        let mut cache = CredentialCache::new(
            provider,
            Arc::new(Redactor::default()),
            Arc::new(SystemClock),
        );
        cache.timeout = Duration::from_millis(100);
        cache
    }

    #[tokio::test]
    async fn a_provider_that_hangs_is_given_up_after_the_timeout() {
        let cache = cache(Arc::default());
        let started = Instant::now();
        let e = cache.keys().await.err().expect("gave up").to_string();
        assert!(started.elapsed() < Duration::from_millis(500));
        assert!(e.contains("no answer within 100ms"), "{e}");
        assert!(cache.keys().await.is_ok(), "asked again on the next call");
    }

    #[tokio::test]
    async fn a_refresh_whose_caller_went_away_does_not_hold_up_the_next() {
        let provider = Arc::new(HangsFirst::default());
        let cache = cache(provider.clone());
        // The first caller gives up (its future dropped) while the provider hangs.
        let dropped = tokio::time::timeout(Duration::from_millis(20), cache.keys()).await;
        assert!(dropped.is_err());
        let keys = tokio::time::timeout(Duration::from_secs(1), cache.keys()).await;
        assert!(
            matches!(keys, Ok(Ok(_))),
            "not stuck waiting for the dropped refresh"
        );
        assert_eq!(provider.0.load(Ordering::SeqCst), 2);
    }

    /// Serves the same keys, valid for 20 more minutes, every time.
    #[derive(Debug)]
    struct Same(AtomicUsize, jiff::Timestamp);

    impl ProvideCredentials for Same {
        fn provide(&self) -> CredentialsFuture<'_> {
            self.0.fetch_add(1, Ordering::SeqCst);
            let c = Credentials::ak_sk("AK", "SK").with_expiry(self.1);
            Box::pin(async move { Ok(Provided::Found(c)) })
        }
    }

    #[tokio::test]
    async fn a_source_serving_the_same_keys_near_expiry_is_not_asked_on_every_call() {
        let at = jiff::Timestamp::now() + Duration::from_secs(20 * 60);
        let provider = Arc::new(Same(AtomicUsize::new(0), at));
        let cache = CredentialCache::new(
            provider.clone(),
            Arc::new(Redactor::default()),
            Arc::new(SystemClock),
        );
        for _ in 0..5 {
            cache.keys().await.unwrap();
        }
        assert_eq!(
            provider.0.load(Ordering::SeqCst),
            2,
            "the first lookup, and one refresh that brought nothing newer"
        );
    }
}
